package io.vrrpd.daemon.runtime;

import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.IpAddress;
import io.vrrpd.protocol.RouterConfig;
import io.vrrpd.protocol.VrrpVersion;
import io.vrrpd.protocol.fsm.Event;
import io.vrrpd.protocol.fsm.State;
import io.vrrpd.protocol.wire.Advertisement;
import io.vrrpd.protocol.wire.AdvertisementWriter;
import io.vrrpd.protocol.wire.ChecksumForm;
import io.vrrpd.protocol.wire.ReceiveValidator;
import io.vrrpd.protocol.wire.Verdict;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A link's receiver at 1000 Backups x 100 ms hears 10,000 advertisements a second: validating one, finding its
 * router (VRID 200: above Integer's box cache) and handing it to the loop allocates nothing (the source record,
 * a posted lambda and its queue node, a boxed VRID did before), and the loop gets every one, in order.
 * Counted by the JVM's per-thread allocation counter, not timed.
 */
class AdvertisementDemuxTest {
    private static final long INTERVAL = 100_000_000L;
    private static final IpAddress PEER = IpAddress.parse("192.0.2.1");

    /**
     * The kernel reports its running total of queue drops (SO_RXQ_OVFL: the socket's sk_drops, an unsigned 32-bit
     * count) with each packet read; the link's {@code socket_overflow} count takes what is new. Totals as a
     * receiver would read them, the link's count after each.
     */
    @Test
    void theKernelsQueueDropTotalBecomesTheLinksSocketOverflowCount() {
        final AdvertisementDemux demux = new AdvertisementDemux("eth0", AddressFamily.IPV4, new VrrpLoop());
        final long top = AdvertisementDemux.QUEUE_DROPS_RANGE - 1; // 4,294,967,295: the u32's last value
        final long[][] reportedThenCounted = {
                {0, 0},             // nothing dropped yet: the kernel sends no total
                {7, 7},             // 7 dropped
                {7, 7},             // the next packets carry the same total: nothing new
                {0, 7},             // a packet without the report (none is sent at 0): not a reset
                {19, 19},           // 12 more
                {top - 5, top - 5}, // a long flood: up to 6 below the wrap
                {4, top + 5},       // the total wrapped: 6 to reach 2^32, then 4 = 10 more (not -4,294,967,291)
                {10, top + 11},     // 6 more past the wrap
                {3, top + 14},      // back by 7, less than half the range: a count from 0 (a re-opened socket's)
                {5, top + 16},      // which goes on from there
        };
        for (final long[] step : reportedThenCounted) {
            demux.countQueueDrops(step[0]);
            assertEquals(step[1], demux.linkVerdicts().get(Verdict.SOCKET_OVERFLOW), "after the kernel's " + step[0]);
        }
        assertEquals(top + 16, demux.linkVerdicts().rejected(), "socket_overflow is the only verdict counted");
    }

    @Test
    void aBackupsReceivedAdvertisementsAllocateNothingOnTheReceiverAndAllReachTheRouter() {
        final VrrpLoop loop = new VrrpLoop(); // not started: the test thread plays both threads
        final AdvertisementDemux demux = new AdvertisementDemux("eth0", AddressFamily.IPV4, loop);
        final RouterInstance router = backup(loop, 200);
        demux.attach(router);
        final Advertisement view = advertisement(200, 250);
        final ReceiveValidator validator = new ReceiveValidator();
        final com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long dispatched = 0;
        long allocated = Long.MAX_VALUE;
        for (int window = 0; window < 23; window++) { // 20 to warm (the JIT), the least of the last 3 counts
            final long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 1000; i++) {
                dispatch(demux, view, validator);
            }
            final long bytes = threads.getCurrentThreadAllocatedBytes() - before;
            if (window >= 20) {
                allocated = Math.min(allocated, bytes);
            }
            dispatched += 1000;
            for (int r = 0; r < 100 && router.counters().advertisementsReceived() < dispatched; r++) {
                demux.drain(); // the loop's side, a budget at a time (the state machine's step allocates; not counted)
            }
        }
        assertEquals(0, allocated, "bytes allocated by the receiver for 1000 accepted advertisements");
        assertEquals(dispatched, router.counters().advertisementsReceived(), "every advertisement reached the router");
        assertEquals(dispatched, router.verdicts().get(Verdict.ACCEPTED));
        assertEquals(State.BACKUP, router.state().state());
        assertEquals(PEER, router.state().peer().address());
    }

    /**
     * Scenario: 250 routers start on one link (1000 routers on 4 links). Expected: attaching a router allocates
     * nothing however many the link already has, and each is found by its VRID, a detached one no more. The
     * copy-on-write map before copied the link's routers at each attach: quadratic start-up garbage.
     */
    @Test
    void attachingTheLinksRoutersOneByOneAllocatesNothing() {
        final VrrpLoop loop = new VrrpLoop();
        final AdvertisementDemux demux = new AdvertisementDemux("eth0", AddressFamily.IPV4, loop);
        final RouterInstance[] routers = new RouterInstance[251];
        for (int vrid = 1; vrid <= 250; vrid++) {
            routers[vrid] = backup(loop, vrid);
        }
        final com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int vrid = 1; vrid <= 200; vrid++) {
            demux.attach(routers[vrid]);
        }
        final long before = threads.getCurrentThreadAllocatedBytes();
        for (int vrid = 201; vrid <= 250; vrid++) {
            demux.attach(routers[vrid]);
        }
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertEquals(0, allocated, "bytes allocated attaching routers 201-250 beside 200 others");
        final ReceiveValidator validator = new ReceiveValidator();
        dispatch(demux, advertisement(250, 254), validator);
        dispatch(demux, advertisement(1, 254), validator);
        demux.detach(1);
        dispatch(demux, advertisement(1, 254), validator);
        demux.drain();
        assertEquals(1, routers[250].counters().advertisementsReceived());
        assertEquals(1, routers[1].counters().advertisementsReceived(), "heard while attached, not after");
        assertEquals(1, demux.linkVerdicts().get(Verdict.UNKNOWN_VRID));
        for (int vrid = 2; vrid <= 250; vrid++) {
            demux.detach(vrid);
        }
        assertTrue(demux.isEmpty());
    }

    /** A loop that falls a whole ring behind loses what does not fit, counted; the ring's advertisements still arrive. */
    @Test
    void advertisementsPastAFullRingAreDroppedAndCounted() {
        final VrrpLoop loop = new VrrpLoop();
        final AdvertisementDemux demux = new AdvertisementDemux("eth0", AddressFamily.IPV4, loop);
        final RouterInstance router = backup(loop, 7);
        demux.attach(router);
        final Advertisement view = advertisement(7, 250);
        final ReceiveValidator validator = new ReceiveValidator();
        for (int i = 0; i < AdvertisementDemux.RING_SIZE + 5; i++) {
            dispatch(demux, view, validator);
        }
        assertEquals(5, demux.overflows());
        assertEquals(5, router.verdicts().get(Verdict.LOOP_BEHIND), "counted as the router's loop_behind drops");
        // A drain hands over at most DRAIN_BUDGET, so the loop's due timers run between two drains.
        demux.drain();
        assertEquals(AdvertisementDemux.DRAIN_BUDGET, router.counters().advertisementsReceived(), "one round's budget");
        for (int round = 0; round < AdvertisementDemux.RING_SIZE / AdvertisementDemux.DRAIN_BUDGET; round++) {
            demux.drain();
        }
        assertEquals(AdvertisementDemux.RING_SIZE, router.counters().advertisementsReceived());
        dispatch(demux, view, validator);
        demux.drain();
        assertEquals(AdvertisementDemux.RING_SIZE + 1, router.counters().advertisementsReceived());
        // an unknown VRID is the link's verdict, not a router's
        dispatch(demux, advertisement(8, 250), validator);
        assertEquals(1, demux.linkVerdicts().get(Verdict.UNKNOWN_VRID));
    }

    /**
     * Scenario: a Backup's loop is behind a flood (CI, HostilePacketsIT), so the Master's advertisements wait in the
     * link's ring, past the round's budget, when the Master_Down_Timer comes due. Expected (in state): the timer
     * first takes what the ring holds — the Master's advertisement re-arms it — and the Backup stays Backup. Before,
     * it took over from a Master that had spoken.
     */
    @Test
    void aMasterDownTimerTakesTheRingsWaitingAdvertisementsFirst() {
        final VrrpLoop loop = new VrrpLoop(); // not started: the test thread plays the loop thread
        final AdvertisementDemux demux = new AdvertisementDemux("eth0", AddressFamily.IPV4, loop);
        final RouterConfig config = RouterConfig.builder("rx", 9, AddressFamily.IPV4).primaryAddress("192.0.2.2")
                .virtualAddresses("192.0.2.100/24").priority(100).intervalNanos(INTERVAL).build();
        final RouterInstance router = new RouterInstance(config, loop, new RouterInstance.Sender() {
            @Override
            public void send(final byte[] message, final int length, final IpAddress source,
                             final IpAddress destination, final RouterInstance.SendOutcome outcome) {
                outcome.sent(destination);
            }

            @Override
            public void catchUp() {
                demux.catchUp();
            }
        }, new NoAddresses(), List.of(), (r, from, to, reason) -> { });
        router.handle(new Event.Startup("test"));
        demux.attach(router);
        final ReceiveValidator validator = new ReceiveValidator();
        dispatch(demux, advertisement(9, 250), validator);
        demux.drain(); // the Master is heard: its Master_Down_Timer runs
        final long due = router.state().masterDownTimer();
        final int waiting = AdvertisementDemux.DRAIN_BUDGET * 3;
        for (int i = 0; i < waiting; i++) {
            dispatch(demux, advertisement(9, 250), validator);
        }
        router.onTimer(due);
        assertEquals(State.BACKUP, router.state().state(), router.state().lastReason());
        assertEquals(1 + waiting, router.counters().advertisementsReceived(), "all waiting ones handed over");
        assertTrue(router.state().masterDownTimer() > due, "re-armed by the Master's advertisement");
    }

    /**
     * The kernel's receive time (here 1 ms before the receiver's dispatch) travels with the advertisement through the
     * ring to the router, whose Master_Down_Timer runs from it, not from the dispatch or the drain.
     */
    @Test
    void theKernelsReceiveTimeReachesTheRouter_itsMasterDownTimerRunsFromIt() throws Exception {
        final VrrpLoop loop = new VrrpLoop(); // not started: the test thread plays both threads
        final AdvertisementDemux demux = new AdvertisementDemux("eth0", AddressFamily.IPV4, loop);
        final RouterInstance router = backup(loop, 51);
        demux.attach(router);
        Thread.sleep(5);
        final long receivedAt = System.nanoTime() - 1_000_000L;
        final IpAddress group = AddressFamily.IPV4.vrrpGroup();
        demux.dispatch(advertisement(51, 250), false, 255, PEER.hi(), PEER.lo(), group.hi(), group.lo(),
                new ReceiveValidator(), receivedAt);
        demux.drain();
        assertEquals(1, router.counters().advertisementsReceived());
        final long stepped = router.state().masterDownTimer()
                - io.vrrpd.protocol.fsm.Timing.masterDownInterval(VrrpVersion.V3, 100, INTERVAL);
        // Exactly the receipt, unless this thread lost the CPU for over 1 ms in between (then the credit's bound).
        assertTrue(stepped - receivedAt >= 0 && stepped - receivedAt < 500_000L,
                "stepped " + (stepped - receivedAt) / 1000 + " µs after the kernel's receipt");
    }

    private static void dispatch(final AdvertisementDemux demux, final Advertisement view,
                                 final ReceiveValidator validator) {
        final IpAddress group = AddressFamily.IPV4.vrrpGroup();
        demux.dispatch(view, false, 255, PEER.hi(), PEER.lo(), group.hi(), group.lo(), validator);
    }

    private static RouterInstance backup(final VrrpLoop loop, final int vrid) {
        final RouterConfig config = RouterConfig.builder("rx", vrid, AddressFamily.IPV4).primaryAddress("192.0.2.2")
                .virtualAddresses("192.0.2.100/24").priority(100).intervalNanos(INTERVAL).build();
        final RouterInstance router = new RouterInstance(config, loop,
                (message, length, source, destination, outcome) -> outcome.sent(destination), new NoAddresses(),
                List.of(), (r, from, to, reason) -> { });
        router.handle(new Event.Startup("test"));
        return router;
    }

    private static Advertisement advertisement(final int vrid, final int priority) {
        final byte[] message = new byte[AdvertisementWriter.length(VrrpVersion.V3, AddressFamily.IPV4, 1)];
        AdvertisementWriter.write(message, 0, VrrpVersion.V3, AddressFamily.IPV4, vrid, priority, INTERVAL,
                List.of(IpAddress.parse("192.0.2.100")), ChecksumForm.PSEUDO_HEADER, PEER,
                AddressFamily.IPV4.vrrpGroup());
        return new Advertisement().wrap(message, 0, message.length);
    }
}
