package io.vrrpd.daemon.runtime;

import io.vrrpd.protocol.IpAddress;
import io.vrrpd.protocol.RouterConfig;
import io.vrrpd.protocol.fsm.Action;
import io.vrrpd.protocol.fsm.RouterState;
import io.vrrpd.protocol.fsm.RouterStateMachine;
import io.vrrpd.protocol.fsm.State;
import io.vrrpd.protocol.fsm.Timing;
import io.vrrpd.protocol.wire.Verdict;

/**
 * An advertisement for a router's VRID that receive validation dropped (§7.1: another address list, another v2
 * interval or password, a stranger). The state machine never sees those; a takeover's reason names the last one when
 * it was the last thing heard, so "no advertisement from any Master" is never the whole story while a peer speaks in
 * a way we cannot accept.
 *
 * @param source     its IP source
 * @param priority   the priority it carried
 * @param verdict    why it was dropped
 * @param receivedAt monotonic time it arrived
 */
record DroppedAdvertisement(IpAddress source, int priority, Verdict verdict, long receivedAt) {

    /**
     * For a Backup taking over while the last thing it heard was {@code drop}, within the Master_Down_Interval:
     * {@code ; last heard 192.0.2.3 (priority 90) 12 ms ago, dropped: address_mismatch (virtual addresses differ and
     * the sender is not the owner)}. Empty otherwise (no drop, another transition, an older drop or one heard before
     * the last accepted advertisement).
     */
    static String takeoverSuffix(final DroppedAdvertisement drop, final Action.StateChanged changed,
                                 final RouterConfig config, final RouterState state, final long now) {
        if (drop == null || changed.from() != State.BACKUP || changed.to() != State.MASTER) {
            return "";
        }
        final RouterState.Peer peer = state.peer();
        final long window = Timing.masterDownInterval(config.version(), state.priority(),
                state.masterAdverIntervalNanos());
        if (now - drop.receivedAt() > window || peer != null && peer.receivedAt() - drop.receivedAt() > 0) {
            return "";
        }
        // The receiver thread's clock reading may be a little later than the loop's now.
        return "; last heard " + drop.source() + " (priority " + drop.priority() + ") "
                + RouterStateMachine.millis(Math.max(0, now - drop.receivedAt())) + " ago, dropped: "
                + drop.verdict().counterName() + " (" + drop.verdict().description() + ")";
    }
}
