package io.vrrpd.daemon.runtime;

import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.RouterConfig;
import io.vrrpd.protocol.fsm.Event;
import io.vrrpd.protocol.fsm.State;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a Master's Adver_Timer costs the collector, through the driver (timer, state machine step, actions, the
 * send): at 1000 routers x 100 ms that is 10,000 times a second, and every byte is 10 kB/s of garbage. The step's
 * new immutable state, its action list and the ArmTimer remain (160 B here, compressed oops); the event, the
 * iterators over the actions and the destinations, and the SendAdvertisement are no longer made anew each time
 * (256 B before; 240 B with only the SendAdvertisement shared). Counted by the JVM's per-thread allocation
 * counter, not timed.
 */
class AdverTimerAllocationTest {
    private static final long INTERVAL = 100_000_000L;

    @Test
    void aMastersAdverTimerAllocatesOnlyItsNewStateAndActions() {
        final RouterConfig config = RouterConfig.builder("alloc", 51, AddressFamily.IPV4).primaryAddress("192.0.2.2")
                .virtualAddresses("192.0.2.100/24").intervalNanos(INTERVAL).build();
        final VrrpLoop loop = new VrrpLoop(); // not started: the test thread plays the loop thread
        final int[] sent = new int[1];
        final RouterInstance router = new RouterInstance(config, loop, (message, length, source, destination, outcome) -> sent[0]++,
                new NoAddresses(), List.of(), (r, from, to, reason) -> { });
        router.handle(new Event.Startup("test"));
        router.onTimer(router.state().masterDownTimer());
        assertEquals(State.MASTER, router.state().state());
        final com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        fire(router, 20_000);
        final int timers = 100_000;
        final long before = threads.getCurrentThreadAllocatedBytes();
        fire(router, timers);
        final long perTimer = (threads.getCurrentThreadAllocatedBytes() - before) / timers;
        assertEquals(120_001, sent[0], "one advertisement per timer (and the first, becoming Master)");
        assertTrue(perTimer <= 200, "allocated " + perTimer + " bytes per Adver_Timer");
    }

    /**
     * A Backup becoming Master queues its first advertisement like any other, and it leaves before the addresses
     * come up (RFC 5798 §6.4.2: advertise, then ARP): kernel work flushes the loop's queued sends first.
     */
    @Test
    void aNewMastersFirstAdvertisementLeavesBeforeItsAddressesComeUp() throws Exception {
        final RouterConfig config = RouterConfig.builder("order", 52, AddressFamily.IPV4).primaryAddress("192.0.2.2")
                .virtualAddresses("192.0.2.101/24").intervalNanos(INTERVAL).build();
        final VrrpLoop loop = new VrrpLoop(); // not started: the test thread plays the loop thread
        final List<String> wire = new java.util.ArrayList<>();
        final List<String> queued = new java.util.ArrayList<>();
        final VrrpLoop.Flushable batch = () -> {
            wire.addAll(queued);
            queued.clear();
        };
        final RouterInstance router = new RouterInstance(config, loop, (message, length, source, destination, outcome) -> {
            if (queued.isEmpty()) {
                loop.flushLater(batch);
            }
            queued.add("advertisement");
        }, new RouterInstance.Addresses() {
            @Override
            public void up() {
                wire.add("addresses up");
            }

            @Override
            public void down() {
            }

            @Override
            public int announce() {
                return 0;
            }

            @Override
            public String vnic() {
                return "eth0";
            }
        }, List.of(), (r, from, to, reason) -> { });
        router.handle(new Event.Startup("test"));
        router.onTimer(router.state().masterDownTimer());
        assertEquals(State.MASTER, router.state().state());
        assertEquals(List.of("advertisement", "addresses up"), wire);
    }

    private static void fire(final RouterInstance router, final int times) {
        for (int i = 0; i < times; i++) {
            router.onTimer(router.state().adverTimer());
        }
    }
}
