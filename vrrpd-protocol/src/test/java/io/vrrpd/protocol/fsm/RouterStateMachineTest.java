package io.vrrpd.protocol.fsm;

import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.IpAddress;
import io.vrrpd.protocol.RouterConfig;
import io.vrrpd.protocol.VrrpVersion;
import io.vrrpd.protocol.fsm.Action.Announce;
import io.vrrpd.protocol.fsm.Action.ArmTimer;
import io.vrrpd.protocol.fsm.Action.CancelTimer;
import io.vrrpd.protocol.fsm.Action.ClaimAddresses;
import io.vrrpd.protocol.fsm.Action.MasterConflict;
import io.vrrpd.protocol.fsm.Action.ReleaseAddresses;
import io.vrrpd.protocol.fsm.Action.SendAdvertisement;
import io.vrrpd.protocol.fsm.Action.StateChanged;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.vrrpd.protocol.fsm.RouterHarness.MS;
import static io.vrrpd.protocol.fsm.RouterHarness.S;
import static io.vrrpd.protocol.fsm.TimerKind.ADVER_TIMER;
import static io.vrrpd.protocol.fsm.TimerKind.MASTER_DOWN_TIMER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 5798 §6.4 (and RFC 3768 §6.4 for v2), one scenario per clause: an input and its effects by kind. */
class RouterStateMachineTest {
    /** Skew_Time of priority 100 at 1 s: (256 - 100) / 256 s = 609.375 ms. */
    static final long SKEW_100 = 609_375_000L;
    /** Master_Down_Interval of priority 100 at 1 s: 3 s + Skew_Time. */
    static final long MDI_100 = 3 * S + SKEW_100;

    static RouterConfig.Builder v4(final int priority) {
        return RouterConfig.builder("web", 51, AddressFamily.IPV4).priority(priority).primaryAddress("192.0.2.2")
                .virtualAddresses("192.0.2.100/24");
    }

    static RouterHarness router(final int priority) {
        return RouterHarness.of(v4(priority).build());
    }

    @Nested
    @DisplayName("RFC 5798 §6.1 timers")
    class Timers {
        @Test
        @DisplayName("Skew_Time = ((256 - Priority) * Master_Adver_Interval) / 256, exact in nanoseconds")
        void shouldComputeSkewTimeExactly() {
            assertEquals(SKEW_100, Timing.skewTime(VrrpVersion.V3, 100, S));
            assertEquals(MDI_100, Timing.masterDownInterval(VrrpVersion.V3, 100, S));
            // At 10 ms and priority 254 the skew is 78.125 µs; FRR's centisecond arithmetic makes it 0.
            assertEquals(78_125L, Timing.skewTime(VrrpVersion.V3, 254, 10 * MS));
        }

        @Test
        @DisplayName("RFC 3768 §6.1: v2 Skew_Time = (256 - Priority) / 256 seconds, whatever the interval")
        void shouldComputeV2SkewInSeconds() {
            assertEquals(SKEW_100, Timing.skewTime(VrrpVersion.V2, 100, 5 * S));
            assertEquals(15 * S + SKEW_100, Timing.masterDownInterval(VrrpVersion.V2, 100, 5 * S));
        }
    }

    @Nested
    @DisplayName("RFC 5798 §6.4.1 Initialize")
    class Initialize {
        @Test
        @DisplayName("the address owner (priority 255) advertises, announces, arms Adver_Timer and becomes Master")
        void ownerBecomesMasterAtOnce() {
            final RouterHarness owner = router(255).at(5 * S);
            final List<Action> actions = owner.start();
            assertEquals(new SendAdvertisement(255), actions.get(0), "advertisement first");
            assertTrue(actions.contains(new ClaimAddresses(true)));
            assertTrue(actions.contains(Announce.INSTANCE), "gratuitous ARP / unsolicited NA");
            assertTrue(actions.contains(new ArmTimer(ADVER_TIMER, 6 * S)));
            assertEquals(State.MASTER, ((StateChanged) actions.getLast()).to());
            owner.assertState(State.MASTER);
        }

        @Test
        @DisplayName("a non-owner sets Master_Adver_Interval, arms Master_Down_Timer and becomes Backup")
        void nonOwnerBecomesBackup() {
            final RouterHarness r = router(100).at(2 * S);
            final List<Action> actions = r.start();
            assertEquals(List.of(new ArmTimer(MASTER_DOWN_TIMER, 2 * S + MDI_100),
                    new StateChanged(State.INITIALIZE, State.BACKUP, "startup: test")), actions);
            assertEquals(S, r.state().masterAdverIntervalNanos());
            r.assertState(State.BACKUP);
        }

        @Test
        @DisplayName("before Startup, advertisements and timers do nothing")
        void ignoresEverythingButStartup() {
            final RouterHarness r = router(100);
            assertTrue(r.advert("192.0.2.1", 200, S).isEmpty());
            assertTrue(r.fire(MASTER_DOWN_TIMER).isEmpty());
            assertTrue(r.on(new Event.Shutdown("test")).isEmpty());
            r.assertState(State.INITIALIZE);
        }
    }

    @Nested
    @DisplayName("RFC 5798 §6.4.2 Backup")
    class Backup {
        @Test
        @DisplayName("Master_Down_Timer fires: advertise, announce, arm Adver_Timer, become Master")
        void takesOverWhenMasterDownTimerFires() {
            final RouterHarness r = router(100).backup();
            final List<Action> actions = r.fireWhenDue(MASTER_DOWN_TIMER);
            assertEquals(MDI_100, r.now());
            assertEquals(new SendAdvertisement(100), actions.getFirst());
            assertTrue(actions.contains(new ClaimAddresses(true)));
            assertTrue(actions.contains(Announce.INSTANCE));
            assertTrue(actions.contains(new ArmTimer(ADVER_TIMER, MDI_100 + S)));
            r.assertState(State.MASTER);
            assertTrue(r.state().lastReason().startsWith("Master_Down_Timer fired"), r.state().lastReason());
        }

        @Test
        @DisplayName("§6.4.3 Accept_Mode: a non-owner Master without accept mode claims but does not accept")
        void acceptModeDecidesWhetherTrafficIsAccepted() {
            final RouterHarness r = RouterHarness.of(v4(100).accept(false).build()).backup();
            assertTrue(r.fireWhenDue(MASTER_DOWN_TIMER).contains(new ClaimAddresses(false)));
            final RouterHarness owner = router(255).at(0);
            assertTrue(owner.start().contains(new ClaimAddresses(true)), "the owner always accepts");
        }

        @Test
        @DisplayName("a timer event before its deadline (stale) changes nothing")
        void ignoresStaleTimers() {
            final RouterHarness r = router(100).backup();
            r.at(MDI_100 - 1);
            assertTrue(r.fire(MASTER_DOWN_TIMER).isEmpty());
            assertTrue(r.fire(ADVER_TIMER).isEmpty(), "Adver_Timer is not armed in Backup");
            r.assertState(State.BACKUP);
        }

        @Test
        @DisplayName("priority 0 received: Master_Down_Timer set to Skew_Time")
        void priorityZeroSetsSkewTime() {
            final RouterHarness r = router(100).backup().at(S);
            assertEquals(List.of(new ArmTimer(MASTER_DOWN_TIMER, S + SKEW_100)), r.advert("192.0.2.1", 0, S));
            final List<Action> actions = r.fireWhenDue(MASTER_DOWN_TIMER);
            assertEquals(new SendAdvertisement(100), actions.getFirst());
            assertTrue(r.state().lastReason().contains("priority 0"), r.state().lastReason());
            assertTrue(r.state().lastReason().contains("609.375 ms"), r.state().lastReason());
        }

        @Test
        @DisplayName("higher priority received: learn Master_Adver_Interval, recompute and reset Master_Down_Timer")
        void higherPriorityResetsTimerWithLearnedInterval() {
            final RouterHarness r = router(100).backup().at(S);
            final long mdi = 3 * 2 * S + 2 * SKEW_100;
            assertEquals(List.of(new ArmTimer(MASTER_DOWN_TIMER, S + mdi)), r.advert("192.0.2.1", 200, 2 * S));
            assertEquals(2 * S, r.state().masterAdverIntervalNanos());
            assertEquals(IpAddress.parse("192.0.2.1"), r.state().peer().address());
        }

        @Test
        @DisplayName("equal priority received: reset Master_Down_Timer (the Master's address is not compared)")
        void equalPriorityResetsTimer() {
            final RouterHarness r = router(100).backup().at(S);
            assertEquals(List.of(new ArmTimer(MASTER_DOWN_TIMER, S + MDI_100)), r.advert("192.0.2.1", 100, S));
        }

        @Test
        @DisplayName("lower priority with Preempt_Mode: discard, so Master_Down_Timer runs out and we preempt")
        void preemptsLowerPriorityMaster() {
            final RouterHarness r = router(100).backup().at(S);
            assertTrue(r.advert("192.0.2.1", 50, S).isEmpty());
            assertEquals(MDI_100, r.state().masterDownTimer(), "timer not reset");
            r.fireWhenDue(MASTER_DOWN_TIMER);
            r.assertState(State.MASTER);
        }

        @Test
        @DisplayName("lower priority without Preempt_Mode: accept the Master and reset Master_Down_Timer")
        void noPreemptKeepsLowerPriorityMaster() {
            final RouterHarness r = RouterHarness.of(v4(100).preempt(false).build()).backup().at(S);
            assertEquals(List.of(new ArmTimer(MASTER_DOWN_TIMER, S + MDI_100)), r.advert("192.0.2.1", 50, S));
        }

        @Test
        @DisplayName("preempt delay: within the delay a preempting Backup behaves as non-preempting")
        void preemptDelayHoldsOffPreemption() {
            final RouterHarness r = RouterHarness.of(v4(100).preemptDelayMillis(5000).build()).backup();
            r.at(4 * S);
            assertEquals(List.of(new ArmTimer(MASTER_DOWN_TIMER, 4 * S + MDI_100)), r.advert("192.0.2.1", 50, S));
            r.at(5 * S);
            assertTrue(r.advert("192.0.2.1", 50, S).isEmpty(), "delay over: discard, preempt");
        }

        @Test
        @DisplayName("preempt delay applies after startup only: a Master that stepped down preempts at once")
        void preemptDelayOnlyAfterStartup() {
            final RouterHarness r = RouterHarness.of(v4(100).preemptDelayMillis(5000).build()).backup();
            r.at(10 * S);
            r.fire(MASTER_DOWN_TIMER);
            r.assertState(State.MASTER);
            r.at(20 * S);
            r.advert("192.0.2.1", 150, S);
            r.assertState(State.BACKUP);
            r.at(21 * S);
            assertTrue(r.advert("192.0.2.1", 50, S).isEmpty(), "lower priority Master: discard, preempt");
        }

        @Test
        @DisplayName("Shutdown: cancel Master_Down_Timer, become Initialize")
        void shutdownCancelsTimer() {
            final RouterHarness r = router(100).backup().at(S);
            final List<Action> actions = r.on(new Event.Shutdown("disabled"));
            assertEquals(new CancelTimer(MASTER_DOWN_TIMER), actions.getFirst());
            r.assertState(State.INITIALIZE);
            assertEquals("shutdown: disabled", r.state().lastReason());
            assertEquals(State.BACKUP, r.state().previousState());
        }

        @Test
        @DisplayName("RFC 3768: a v2 Backup keeps its configured interval and uses the 1 s Skew_Time")
        void v2KeepsConfiguredInterval() {
            final RouterHarness r = RouterHarness.of(v4(100).version(VrrpVersion.V2).intervalMillis(3000).build());
            r.at(0);
            assertEquals(new ArmTimer(MASTER_DOWN_TIMER, 9 * S + SKEW_100), r.start().getFirst());
            r.at(S);
            assertEquals(List.of(new ArmTimer(MASTER_DOWN_TIMER, S + 9 * S + SKEW_100)),
                    r.advert("192.0.2.1", 200, 3 * S));
            assertEquals(3 * S, r.state().masterAdverIntervalNanos());
        }
    }

    @Nested
    @DisplayName("transition reasons say what was heard last and why it lost (issue 12)")
    class Reasons {
        @Test
        @DisplayName("a lower-priority Master advertising all along is preempted, not 'no advertisement'")
        void preemptingALowerPriorityMasterSaysSo() {
            final RouterHarness r = router(100).backup();
            for (long t = 1; t <= 3; t++) {
                r.at(t * S);
                assertTrue(r.advert("192.0.2.1", 90, S).isEmpty(), "discarded: Preempt_Mode, lower priority");
            }
            r.fireWhenDue(MASTER_DOWN_TIMER);
            r.assertState(State.MASTER);
            assertEquals("Master_Down_Timer fired: preempting 192.0.2.1, which advertises priority 90, lower than"
                    + " our 100 (last heard 609.375 ms ago)", r.state().lastReason());
        }

        @Test
        @DisplayName("a stranger's lower-priority advertisements while the Master goes silent: the Master is named, not the stranger")
        void aStrangersLowPriorityAdvertisementsDoNotTakeTheMastersPlace() {
            final RouterHarness r = router(100).backup().at(S);
            r.advert("192.0.2.1", 200, S);
            for (long t = 1; t <= 3; t++) { // a priority-1 flood from .10 while .1 stays silent
                r.at(S + t * 100 * MS);
                assertTrue(r.advert("192.0.2.10", 1, S).isEmpty(), "discarded");
            }
            assertEquals(IpAddress.parse("192.0.2.1"), r.state().peer().address(), "still following the Master");
            r.at(S + MDI_100).fire(MASTER_DOWN_TIMER);
            r.assertState(State.MASTER);
            assertTrue(r.state().lastReason().startsWith(
                    "Master_Down_Timer fired: no advertisement from 192.0.2.1 (priority 200) for "), r.state().lastReason());
        }

        @Test
        @DisplayName("a Master that went silent: its address, its priority and the measured silence (a late timer shows)")
        void silentMasterMeasuresTheSilence() {
            final RouterHarness r = router(100).backup().at(S);
            r.advert("192.0.2.1", 200, S);
            r.at(S + MDI_100 + 2 * MS).fire(MASTER_DOWN_TIMER);
            r.assertState(State.MASTER);
            assertEquals("Master_Down_Timer fired: no advertisement from 192.0.2.1 (priority 200) for 3611.375 ms",
                    r.state().lastReason());
        }

        @Test
        @DisplayName("nothing heard since becoming Backup: 'any Master', even if a Master was heard before a restart")
        void nothingHeardSinceStartup() {
            final RouterHarness r = router(100).backup().at(S);
            r.advert("192.0.2.1", 90, S); // discarded, then the router is restarted
            r.at(2 * S).on(new Event.Shutdown("disabled"));
            r.at(10 * S).start();
            r.fireWhenDue(MASTER_DOWN_TIMER);
            assertEquals("Master_Down_Timer fired: no advertisement from any Master for 3609.375 ms",
                    r.state().lastReason());
        }

        @Test
        @DisplayName("priority 0 then a lower-priority Master: the last thing heard, the lower Master, is the reason")
        void releasedThenLowerMasterHeard() {
            final RouterHarness r = router(100).backup().at(S);
            r.advert("192.0.2.1", 0, S);
            r.at(S + 100 * MS).advert("192.0.2.3", 50, S);
            r.fireWhenDue(MASTER_DOWN_TIMER);
            assertEquals("Master_Down_Timer fired: preempting 192.0.2.3, which advertises priority 50, lower than"
                    + " our 100 (last heard 509.375 ms ago)", r.state().lastReason());
        }

        @Test
        @DisplayName("a lower Master, then a higher one that goes silent: the higher one's silence is the reason")
        void higherMasterAfterLowerOne() {
            final RouterHarness r = router(100).backup().at(S);
            r.advert("192.0.2.1", 90, S);
            r.at(2 * S).advert("192.0.2.9", 200, S);
            r.fireWhenDue(MASTER_DOWN_TIMER);
            assertEquals("Master_Down_Timer fired: no advertisement from 192.0.2.9 (priority 200) for 3609.375 ms",
                    r.state().lastReason());
        }

        @Test
        @DisplayName("two hosts: h1 (200) restarts while h2 (100) is Master; h1 preempts and says why, h2 says why it yields")
        void twoHostsRestartedHigherPriorityPreempts() {
            final RouterHarness h2 = RouterHarness.of(v4(100).primaryAddress("192.0.2.2").build()).master();
            final RouterHarness h1 = RouterHarness.of(v4(200).primaryAddress("192.0.2.1").build());
            h1.at(h2.now()).start();
            // h2 advertises every second; h1 hears each one and discards it (lower priority, Preempt_Mode).
            for (int i = 0; i < 10 && h2.state().adverTimer() - h1.state().masterDownTimer() < 0; i++) {
                h2.fireWhenDue(ADVER_TIMER);
                h1.at(h2.now()).advert("192.0.2.2", 100, S);
            }
            h1.fireWhenDue(MASTER_DOWN_TIMER);
            h1.assertState(State.MASTER);
            assertTrue(h1.state().lastReason().startsWith("Master_Down_Timer fired: preempting 192.0.2.2, which"
                    + " advertises priority 100, lower than our 200 (last heard "), h1.state().lastReason());
            h2.at(h1.now()).advert("192.0.2.1", 200, S);
            h2.assertState(State.BACKUP);
            assertEquals("higher-priority Master 192.0.2.1 (priority 200 > 100)", h2.state().lastReason());
        }
    }

    @Nested
    @DisplayName("RFC 5798 §6.4.3 Master")
    class Master {
        @Test
        @DisplayName("Adver_Timer fires: send an advertisement and reset the timer")
        void advertisesOnTimer() {
            final RouterHarness r = router(100).master();
            final long due = r.state().adverTimer();
            assertEquals(List.of(new SendAdvertisement(100), new ArmTimer(ADVER_TIMER, due + S)),
                    r.fireWhenDue(ADVER_TIMER));
        }

        @Test
        @DisplayName("Adver_Timer fired late: the next one keeps the interval's grid, so lateness does not add up")
        void lateAdverTimerKeepsTheGrid() {
            final RouterHarness r = router(100).master();
            final long due = r.state().adverTimer();
            r.at(due + 80 * MS / 1000);
            assertEquals(List.of(new SendAdvertisement(100), new ArmTimer(ADVER_TIMER, due + S)),
                    r.fire(ADVER_TIMER), "a late wake-up must not stretch the gap to the next advertisement");
        }

        @Test
        @DisplayName("Adver_Timer fired after a whole interval (a stalled loop): restart from now, no burst")
        void stalledAdverTimerRestartsFromNow() {
            final RouterHarness r = router(100).master();
            final long due = r.state().adverTimer();
            r.at(due + S + 5 * MS);
            assertEquals(List.of(new SendAdvertisement(100), new ArmTimer(ADVER_TIMER, r.now() + S)),
                    r.fire(ADVER_TIMER), "one advertisement, not one per missed interval");
        }

        @Test
        @DisplayName("Shutdown: cancel Adver_Timer, send priority 0, release addresses, become Initialize")
        void shutdownSendsPriorityZero() {
            final RouterHarness r = router(100).master();
            final List<Action> actions = r.on(new Event.Shutdown("daemon stopping"));
            assertEquals(new CancelTimer(ADVER_TIMER), actions.get(0));
            assertEquals(new SendAdvertisement(0), actions.get(1));
            assertEquals(ReleaseAddresses.INSTANCE, actions.get(2));
            r.assertState(State.INITIALIZE);
        }

        @Test
        @DisplayName("priority 0 received: send an advertisement and reset Adver_Timer")
        void answersPriorityZero() {
            final RouterHarness r = router(100).master();
            r.at(r.now() + 10 * MS);
            assertEquals(List.of(new SendAdvertisement(100), new ArmTimer(ADVER_TIMER, r.now() + S)),
                    r.advert("192.0.2.1", 0, S));
            r.assertState(State.MASTER);
        }

        @Test
        @DisplayName("higher priority received: cancel Adver_Timer, learn interval, arm Master_Down_Timer, Backup")
        void yieldsToHigherPriority() {
            final RouterHarness r = router(100).master();
            r.at(r.now() + 10 * MS);
            final List<Action> actions = r.advert("192.0.2.9", 150, 500 * MS);
            final long mdi = 1500 * MS + Timing.skewTime(VrrpVersion.V3, 100, 500 * MS);
            assertEquals(new CancelTimer(ADVER_TIMER), actions.get(0));
            assertEquals(ReleaseAddresses.INSTANCE, actions.get(1));
            assertEquals(new ArmTimer(MASTER_DOWN_TIMER, r.now() + mdi), actions.get(2));
            assertEquals(State.BACKUP, ((StateChanged) actions.get(3)).to());
            assertEquals(500 * MS, r.state().masterAdverIntervalNanos());
        }

        @Test
        @DisplayName("equal priority and a higher sender address: yield (unsigned network byte order)")
        void yieldsOnTieToHigherAddress() {
            final RouterHarness r = router(100).master();
            r.advert("192.0.2.3", 100, S);
            r.assertState(State.BACKUP);
            assertTrue(r.state().lastReason().contains("higher address"), r.state().lastReason());
        }

        @Test
        @DisplayName("lower priority, or equal priority and a lower address: discard; re-assert once per interval")
        void reassertsAgainstALowerMaster() {
            final RouterHarness r = router(100).master();
            final long t = r.now() + 100 * MS;
            r.at(t);
            final List<Action> first = r.advert("192.0.2.1", 100, S);
            assertEquals(List.of(new SendAdvertisement(100), Announce.INSTANCE, new ArmTimer(ADVER_TIMER, t + S),
                    new MasterConflict(IpAddress.parse("192.0.2.1"), 100)), first);
            r.at(t + 200 * MS);
            assertEquals(List.of(new MasterConflict(IpAddress.parse("192.0.2.1"), 50)), r.advert("192.0.2.1", 50, S),
                    "within one Advertisement_Interval only the conflict is reported");
            r.at(t + S);
            assertEquals(4, r.advert("192.0.2.1", 50, S).size(), "after an interval it re-asserts again");
            r.assertState(State.MASTER);
        }
    }

    @Nested
    @DisplayName("priority changes (weighted checks, modify-router)")
    class PriorityChanges {
        @Test
        @DisplayName("a Master advertises its new priority at once")
        void masterAdvertisesNewPriority() {
            final RouterHarness r = router(100).master();
            final List<Action> actions = r.on(new Event.PriorityChanged(60, "check web failed (-40)"));
            assertEquals(new SendAdvertisement(60), actions.getFirst());
            assertEquals(60, r.state().priority());
        }

        @Test
        @DisplayName("a Backup's new priority shortens or lengthens its Skew_Time from the next advertisement on")
        void backupUsesNewPriority() {
            final RouterHarness r = router(100).backup().at(S);
            assertTrue(r.on(new Event.PriorityChanged(228, "operator")).isEmpty());
            r.advert("192.0.2.1", 0, S);
            assertEquals(S + Timing.skewTime(VrrpVersion.V3, 228, S), r.state().masterDownTimer());
        }

        @Test
        @DisplayName("RFC 5798 §5.2.4: the owner's priority 255 does not move")
        void ownerPriorityIsFixed() {
            final RouterHarness r = router(255).at(0);
            r.start();
            assertTrue(r.on(new Event.PriorityChanged(200, "check")).isEmpty());
            assertEquals(255, r.state().priority());
        }
    }
}
