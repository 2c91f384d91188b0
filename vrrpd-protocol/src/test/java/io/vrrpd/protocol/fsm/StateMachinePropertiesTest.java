package io.vrrpd.protocol.fsm;

import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.IpAddress;
import io.vrrpd.protocol.RouterConfig;
import io.vrrpd.protocol.VrrpVersion;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.util.List;

import static io.vrrpd.protocol.fsm.RouterState.NOT_ARMED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Invariants of the state machine under any sequence of events at any (monotonic) times: the timers
 * match the state (RFC 5798 §6.2: Master runs Adver_Timer, Backup runs Master_Down_Timer, Initialize
 * neither), addresses are claimed exactly while Master, and every state change is announced once.
 */
class StateMachinePropertiesTest {

    record Step(Event event, long delayNanos) {
    }

    @Provide
    Arbitrary<Step> steps() {
        final Arbitrary<Event> events = Arbitraries.oneOf(
                Arbitraries.just(new Event.Startup("test")),
                Arbitraries.just(new Event.Shutdown("test")),
                Arbitraries.of(TimerKind.class).map(Event.TimerFired::new),
                Combinators.combine(Arbitraries.integers().between(1, 4), Arbitraries.integers().between(0, 255),
                        Arbitraries.integers().between(1, 400))
                        .as((host, prio, centis) -> new Event.AdvertisementReceived(
                                IpAddress.parse("192.0.2." + host), prio, centis * 10_000_000L)),
                Arbitraries.integers().between(1, 254).map(p -> new Event.PriorityChanged(p, "test")));
        final Arbitrary<Long> delays = Arbitraries.longs().between(0, 5_000_000_000L);
        return Combinators.combine(events, delays).as(Step::new);
    }

    @Property(tries = 500)
    @Label("timers match the state, addresses are claimed exactly while Master, transitions are announced")
    void shouldKeepInvariants(@ForAll @IntRange(min = 1, max = 255) final int priority,
                              @ForAll final boolean preempt, @ForAll final boolean v2,
                              @ForAll @Size(max = 60) final List<@net.jqwik.api.From("steps") Step> steps) {
        final RouterConfig config = RouterConfig.builder("prop", 7, AddressFamily.IPV4)
                .version(v2 ? VrrpVersion.V2 : VrrpVersion.V3).priority(priority).preempt(preempt)
                .primaryAddress("192.0.2.2").virtualAddresses("192.0.2.100/24").build();
        RouterState state = RouterState.initial(config);
        boolean claimed = false;
        long now = 0;
        for (final Step step : steps) {
            now += step.delayNanos();
            final Event event = step.event();
            // A timer event is delivered at its deadline when armed (as a driver would), else at once.
            final long at = event instanceof Event.TimerFired fired && state.deadline(fired.timer()) != NOT_ARMED
                    ? Math.max(now, state.deadline(fired.timer())) : now;
            now = at;
            final Transition t = RouterStateMachine.step(config, state, event, at);
            // A driver may send what advertisesFirst names before the step: it must be the step's first action.
            final int first = RouterStateMachine.advertisesFirst(state, event, at);
            if (first >= 0) {
                assertEquals(new Action.SendAdvertisement(first), t.actions().getFirst(), "advertisesFirst: " + event);
            } else {
                assertFalse(state.state() == State.BACKUP && t.state().state() == State.MASTER,
                        "a takeover advertisesFirst did not name: " + event);
            }
            int stateChanges = 0;
            for (final Action action : t.actions()) {
                switch (action) {
                    case Action.ClaimAddresses c -> {
                        assertFalse(claimed, "claimed twice");
                        claimed = true;
                    }
                    case Action.ReleaseAddresses r -> {
                        assertTrue(claimed, "released without a claim");
                        claimed = false;
                    }
                    case Action.StateChanged changed -> {
                        stateChanges++;
                        assertEquals(state.state(), changed.from());
                        assertEquals(t.state().state(), changed.to());
                        assertNotEquals(changed.from(), changed.to());
                    }
                    case Action.ArmTimer arm -> assertTrue(arm.deadlineNanos() - at >= 0, "deadline in the past");
                    case Action.SendAdvertisement send -> assertTrue(send.priority() == 0
                            || t.state().state() == State.MASTER, "only a Master advertises a priority > 0");
                    default -> { }
                }
            }
            assertEquals(t.changedState(state) ? 1 : 0, stateChanges, "one StateChanged per transition");
            state = t.state();
            assertEquals(state.state() == State.MASTER, claimed, "addresses claimed exactly while Master");
            assertEquals(state.state() == State.MASTER, state.adverTimer() != NOT_ARMED, "Adver_Timer iff Master");
            assertEquals(state.state() == State.BACKUP, state.masterDownTimer() != NOT_ARMED,
                    "Master_Down_Timer iff Backup");
            if (config.owner()) {
                assertNotEquals(State.BACKUP, state.state(), "the owner never waits as Backup");
            }
        }
    }

    /** The takeover's reason text formats durations by hand (no Formatter on that path): as String.format did. */
    @Property(tries = 2000)
    @Label("millis() reads as String.format's %.3f of the whole microseconds")
    void millisReadsAsStringFormat(@ForAll final long nanos) {
        final long micros = nanos / 1_000;
        final String expected = micros % 1000 == 0 ? (micros / 1000) + " ms"
                : String.format(java.util.Locale.ROOT, "%.3f ms", micros / 1000.0);
        if (Math.abs(micros) < (1L << 50)) { // where a double still holds every microsecond exactly
            assertEquals(expected, RouterStateMachine.millis(nanos));
        }
    }
}
