package io.vrrpd.daemon.runtime;

import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.IpAddress;
import io.vrrpd.protocol.RouterConfig;
import io.vrrpd.protocol.fsm.Event;
import io.vrrpd.protocol.fsm.State;
import io.vrrpd.protocol.fsm.TimerKind;
import io.vrrpd.protocol.wire.ChecksumForm;
import io.vrrpd.protocol.wire.Verdict;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12: a takeover's reason says what was heard last and why it lost, also when receive validation dropped it
 * (the state machine never sees those): scenarios of one router on a loop this thread plays.
 */
class DroppedReasonTest {
    private static final IpAddress PEER = IpAddress.parse("192.0.2.3");
    private final List<String> reasons = new ArrayList<>();

    private RouterInstance backup(final VrrpLoop loop) {
        final RouterConfig config = RouterConfig.builder("web", 51, AddressFamily.IPV4).priority(100).intervalMillis(10)
                .primaryAddress("192.0.2.1").virtualAddresses("192.0.2.100/24").build();
        final RouterInstance router = new RouterInstance(config, loop, (message, length, source, destination, outcome) -> { },
                new NoAddresses(), List.of(), (r, from, to, reason) -> reasons.add(from + " -> " + to + ": " + reason));
        router.handle(new Event.Startup("router started"));
        return router;
    }

    private static void takeOver(final RouterInstance router) throws InterruptedException {
        while (System.nanoTime() - router.state().masterDownTimer() < 0) {
            Thread.sleep(5);
        }
        router.handle(new Event.TimerFired(TimerKind.MASTER_DOWN_TIMER));
        assertEquals(State.MASTER, router.state().state());
    }

    @Test
    @DisplayName("a peer whose advertisements are dropped (address_mismatch): the takeover names it and the verdict")
    void shouldNameTheDroppedAdvertisement() throws Exception {
        try (VrrpLoop loop = new VrrpLoop()) {
            final RouterInstance router = backup(loop);
            router.dropped(IpAddress.parse("192.0.2.1"), 100, Verdict.OWN_ADVERTISEMENT, System.nanoTime());
            Thread.sleep(20);
            router.dropped(PEER, 90, Verdict.ADDRESS_MISMATCH, System.nanoTime());
            takeOver(router);
            final String reason = reasons.getLast();
            assertTrue(reason.matches("BACKUP -> MASTER: Master_Down_Timer fired: no advertisement from any Master"
                    + " for [0-9.]+ ms; last heard 192\\.0\\.2\\.3 \\(priority 90\\) [0-9.]+ ms ago, dropped:"
                    + " address_mismatch \\(virtual addresses differ and the sender is not the owner\\)"), reason);
            assertEquals(reason.substring("BACKUP -> MASTER: ".length()), router.lastReason(), "show-router's REASON");
        }
    }

    @Test
    @DisplayName("a drop older than the last accepted advertisement is not what was heard last: no mention")
    void shouldIgnoreADropBeforeTheLastAcceptedAdvertisement() throws Exception {
        try (VrrpLoop loop = new VrrpLoop()) {
            final RouterInstance router = backup(loop);
            router.dropped(PEER, 90, Verdict.INTERVAL_MISMATCH, System.nanoTime());
            Thread.sleep(1);
            router.received(IpAddress.parse("192.0.2.9"), 200, 10_000_000L, ChecksumForm.PSEUDO_HEADER);
            takeOver(router);
            assertTrue(reasons.getLast().matches("BACKUP -> MASTER: Master_Down_Timer fired: no advertisement from"
                    + " 192\\.0\\.2\\.9 \\(priority 200\\) for [0-9.]+ ms"), reasons.getLast());
        }
    }

    @Test
    @DisplayName("our own advertisement coming back is not a peer: nothing is said")
    void shouldNotRecordOurOwnAdvertisement() throws Exception {
        try (VrrpLoop loop = new VrrpLoop()) {
            final RouterInstance router = backup(loop);
            Thread.sleep(20);
            router.dropped(IpAddress.parse("192.0.2.1"), 100, Verdict.OWN_ADVERTISEMENT, System.nanoTime());
            takeOver(router);
            assertTrue(reasons.getLast().matches("BACKUP -> MASTER: Master_Down_Timer fired: no advertisement from any"
                    + " Master for [0-9.]+ ms"), reasons.getLast());
        }
    }
}
