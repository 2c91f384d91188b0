package io.vrrpd.protocol.fsm;

import io.vrrpd.protocol.IpAddress;
import io.vrrpd.protocol.RouterConfig;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One router driven event by event on a manual time line: the scenario tests read as "at t, when E, then
 * actions A and state S".
 */
final class RouterHarness {
    static final long MS = 1_000_000L;
    static final long S = 1_000_000_000L;

    private RouterConfig config;
    private RouterState state;
    private long now;

    private RouterHarness(final RouterConfig config) {
        this.config = config;
        this.state = RouterState.initial(config);
    }

    static RouterHarness of(final RouterConfig config) {
        return new RouterHarness(config);
    }

    RouterHarness at(final long nanos) {
        this.now = nanos;
        return this;
    }

    long now() {
        return now;
    }

    RouterState state() {
        return state;
    }

    RouterConfig config() {
        return config;
    }

    List<Action> on(final Event event) {
        final Transition transition = RouterStateMachine.step(config, state, event, now);
        state = transition.state();
        return transition.actions();
    }

    List<Action> start() {
        return on(new Event.Startup("test"));
    }

    List<Action> advert(final String source, final int priority, final long intervalNanos) {
        return on(new Event.AdvertisementReceived(IpAddress.parse(source), priority, intervalNanos));
    }

    List<Action> fire(final TimerKind timer) {
        return on(new Event.TimerFired(timer));
    }

    /** Runs until the armed timer's deadline and fires it. */
    List<Action> fireWhenDue(final TimerKind timer) {
        at(state.deadline(timer));
        return fire(timer);
    }

    void assertState(final State expected) {
        assertEquals(expected, state.state(), () -> "state, last reason: " + state.lastReason());
    }

    /** A started Backup (non-owner) at time 0. */
    RouterHarness backup() {
        at(0).start();
        assertState(State.BACKUP);
        return this;
    }

    /** A router that became Master by its Master_Down_Timer. */
    RouterHarness master() {
        backup();
        fireWhenDue(TimerKind.MASTER_DOWN_TIMER);
        assertState(State.MASTER);
        return this;
    }
}
