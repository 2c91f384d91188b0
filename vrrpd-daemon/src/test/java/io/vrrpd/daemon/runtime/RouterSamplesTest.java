package io.vrrpd.daemon.runtime;

import io.vrrpd.daemon.config.RouterSpec;
import io.vrrpd.daemon.control.AdminState;
import io.vrrpd.daemon.control.RouterStatus;
import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.IpAddress;
import io.vrrpd.protocol.IpPrefix;
import io.vrrpd.protocol.fsm.Event;
import io.vrrpd.protocol.fsm.State;
import io.vrrpd.protocol.wire.ChecksumForm;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What /metrics reads of a router, off the loop thread: state, transitions by (from, to), counters that survive
 * a replaced instance and never appear to go down while the loop hands them over.
 */
class RouterSamplesTest {
    /** Kernel addresses as a test wants them: nothing to plumb. */
    private static final RouterInstance.Addresses NO_KERNEL = new RouterInstance.Addresses() {
        @Override
        public void up() {
        }

        @Override
        public void down() {
        }

        @Override
        public int announce() {
            return 1;
        }

        @Override
        public String vnic() {
            return "vr4-51";
        }
    };

    private static RouterSpec spec(final int priority) {
        return RouterSpec.builder("web", 51, "eth0", AddressFamily.IPV4).priority(priority)
                .addresses(List.of(IpPrefix.parse("192.0.2.100/24"))).build();
    }

    private static RouterInstance instance(final Managed managed, final VrrpLoop loop) {
        final RouterInstance instance = new RouterInstance(managed.spec.toConfig(IpAddress.parse("192.0.2.1")), loop,
                (message, length, source, destination, outcome) -> outcome.sent(destination), NO_KERNEL, List.of(), (router, from, to, reason) -> { });
        managed.attach(instance, null);
        managed.admin = AdminState.ONLINE;
        return instance;
    }

    @Test
    void aRoutersTransitionsAreCountedByPairAndKeptWhenItsInstanceIsReplaced() {
        try (VrrpLoop loop = new VrrpLoop(); HookRunner hooks = HookRunner.start()) {
            final Managed managed = new Managed(spec(255));
            final Reconciler reconciler = new Reconciler(new TreeMap<>(), new RouterChannels(loop), null, null, loop,
                    (router, from, to, reason) -> { });
            instance(managed, loop).handle(new Event.Startup("router started")); // the owner: INIT -> MASTER
            RouterSample sample = RouterSamples.of(managed, hooks);
            assertEquals(State.MASTER, sample.state());
            assertEquals(AdminState.ONLINE, sample.admin());
            assertEquals(255, sample.priority());
            assertEquals(1, sample.counters().transitions(State.INITIALIZE, State.MASTER));
            assertEquals(0, sample.counters().transitions(State.INITIALIZE, State.BACKUP));
            assertEquals(1, sample.counters().advertisementsSent(), "a new Master advertises at once");
            assertEquals(1, sample.counters().announcements(), "gratuitous ARP on becoming Master");

            // Reconfigured (another identity): the instance goes, its history stays with the router.
            reconciler.destroyInstance(managed, "reconfigured");
            assertNull(managed.instance);
            sample = RouterSamples.of(managed, hooks);
            assertEquals(State.INITIALIZE, sample.state());
            assertEquals(1, sample.counters().transitions(State.MASTER, State.INITIALIZE), "left with priority 0");
            assertEquals(1, sample.counters().transitions(State.INITIALIZE, State.MASTER));
            assertEquals(2, sample.counters().advertisementsSent(), "plus the priority-0 one");

            managed.spec = spec(100);
            final RouterInstance second = instance(managed, loop);
            second.handle(new Event.Startup("router started"));
            sample = RouterSamples.of(managed, hooks);
            assertEquals(State.BACKUP, sample.state());
            assertEquals(1, sample.counters().transitions(State.INITIALIZE, State.BACKUP));
            assertEquals(1, sample.counters().transitions(State.INITIALIZE, State.MASTER), "the history stays");
            assertEquals(2, sample.counters().advertisementsSent());
        }
    }

    @Test
    void acceptedAdvertisementsAreCountedByTheirChecksumForm_andThePeersFormIsShown() {
        try (VrrpLoop loop = new VrrpLoop(); HookRunner hooks = HookRunner.start()) {
            final Managed managed = new Managed(spec(100));
            final RouterChannels channels = new RouterChannels(loop);
            final Reconciler reconciler = new Reconciler(new TreeMap<>(), channels, null, null, loop,
                    (router, from, to, reason) -> { });
            final RouterInstance first = instance(managed, loop);
            first.handle(new Event.Startup("router started"));
            assertNull(RouterStatusView.of(managed, channels, hooks).peer(), "no peer heard yet: P_CKSUM --");
            final IpAddress master = IpAddress.parse("192.0.2.2");
            // An RFC 5798 Master (keepalived, FRR) twice, then an RFC 9568 one (message only) once.
            first.received(master, 200, 1_000_000_000L, ChecksumForm.PSEUDO_HEADER);
            first.received(master, 200, 1_000_000_000L, ChecksumForm.PSEUDO_HEADER);
            first.received(master, 200, 1_000_000_000L, ChecksumForm.MESSAGE_ONLY);
            RouterSample sample = RouterSamples.of(managed, hooks);
            assertEquals(3, sample.counters().advertisementsReceived());
            assertEquals(2, sample.counters().receivedPseudoHeader());
            assertEquals(1, sample.counters().receivedMessageOnly());
            final RouterStatus status = RouterStatusView.of(managed, channels, hooks);
            assertEquals(master, status.peer().address());
            assertEquals(ChecksumForm.MESSAGE_ONLY, status.peer().checksumForm(), "the form of the last one");
            assertEquals(2, status.statistics().receivedPseudoHeader());
            assertEquals(1, status.statistics().receivedMessageOnly());

            // A replaced instance's counts stay with the router (as every counter does).
            reconciler.destroyInstance(managed, "reconfigured");
            instance(managed, loop).received(master, 200, 1_000_000_000L, ChecksumForm.PSEUDO_HEADER);
            sample = RouterSamples.of(managed, hooks);
            assertEquals(3, sample.counters().receivedPseudoHeader());
            assertEquals(1, sample.counters().receivedMessageOnly());
            assertEquals(3, RouterStatusView.of(managed, channels, hooks).statistics().receivedPseudoHeader());
        }
    }

    @Test
    void aReaderOnAnotherThreadNeverSeesACounterGoDownWhileInstancesAreReplaced() throws Exception {
        try (VrrpLoop loop = new VrrpLoop(); HookRunner hooks = HookRunner.start()) {
            final Managed managed = new Managed(spec(255));
            final Reconciler reconciler = new Reconciler(new TreeMap<>(), new RouterChannels(loop), null, null, loop,
                    (router, from, to, reason) -> { });
            final AtomicBoolean done = new AtomicBoolean();
            final AtomicReference<String> wrong = new AtomicReference<>();
            final Thread reader = Thread.ofPlatform().start(() -> {
                long last = 0;
                long lastTransitions = 0;
                while (!done.get() && wrong.get() == null) {
                    final RouterSample sample = RouterSamples.of(managed, hooks);
                    final long sent = sample.counters().advertisementsSent();
                    final long transitions = sample.counters().transitions(State.INITIALIZE, State.MASTER);
                    if (sent < last || transitions < lastTransitions) {
                        wrong.set("sent " + last + " -> " + sent + ", INIT->MASTER " + lastTransitions + " -> "
                                + transitions);
                    }
                    last = sent;
                    lastTransitions = transitions;
                }
            });
            // This thread plays the loop: an owner becomes Master at once (one advertisement), then leaves.
            for (int i = 0; i < 20_000 && wrong.get() == null; i++) {
                instance(managed, loop).handle(new Event.Startup("router started"));
                reconciler.destroyInstance(managed, "reconfigured");
            }
            done.set(true);
            reader.join(10_000);
            assertNull(wrong.get(), "a counter went down: Prometheus would take it for a restart");
            assertEquals(20_000, RouterSamples.of(managed, hooks).counters().transitions(State.INITIALIZE,
                    State.MASTER));
        }
    }
}
