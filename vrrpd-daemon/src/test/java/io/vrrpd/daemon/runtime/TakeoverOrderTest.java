package io.vrrpd.daemon.runtime;

import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.IpAddress;
import io.vrrpd.protocol.RouterConfig;
import io.vrrpd.protocol.fsm.Event;
import io.vrrpd.protocol.fsm.State;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Backup's Master_Down_Timer fires: its first advertisement is on the wire before the state machine's step, which
 * also builds the takeover's reason text, cold code in a Backup (0.1-0.4 ms between the timer and the wire at 10 ms
 * adverts, docs/BENCHMARKS.md); the step's own "Send an ADVERTISEMENT" is not sent twice, and the rest follows in the
 * RFC's order (§6.4.2: advertise, then the addresses and their gratuitous ARP). The advertisement a Backup encodes
 * ahead carries the configuration it has at the takeover, not the one it had when it became Backup.
 */
class TakeoverOrderTest {
    private static final long INTERVAL = 10_000_000L;

    private static RouterConfig config(final int priority, final String... addresses) {
        return RouterConfig.builder("web", 51, AddressFamily.IPV4).primaryAddress("192.0.2.2")
                .virtualAddresses(addresses).priority(priority).intervalNanos(INTERVAL).build();
    }

    /** On the wire and in the kernel, in order: "advert P/N in STATE" (priority P, N addresses), "up", "announce". */
    private static RouterInstance router(final RouterConfig config, final List<String> wire) {
        final RouterInstance[] self = new RouterInstance[1];
        self[0] = new RouterInstance(config, new VrrpLoop(), // not started: the test thread plays the loop thread
                new RouterInstance.Sender() {
                    @Override
                    public void send(final byte[] message, final int length, final IpAddress source,
                                     final IpAddress destination, final RouterInstance.SendOutcome outcome) {
                        wire.add("advert " + (message[2] & 0xff) + "/" + (message[3] & 0xff) + " in "
                                + self[0].state().state());
                    }

                    @Override
                    public void rehearse(final byte[] message, final int length, final IpAddress source,
                                         final IpAddress destination) {
                        wire.add("rehearsed " + (message[2] & 0xff) + "/" + (message[3] & 0xff) + " from " + source);
                    }
                },
                new RouterInstance.Addresses() {
                    @Override
                    public void up() {
                        wire.add("up");
                    }

                    @Override
                    public void down() {
                    }

                    @Override
                    public int announce() {
                        wire.add("announce");
                        return 1;
                    }

                    @Override
                    public String vnic() {
                        return "vr4-51-2";
                    }
                }, List.of(), (r, from, to, reason) -> wire.add(from + "->" + to));
        return self[0];
    }

    @Test
    void theFirstAdvertisementLeavesBeforeTheStep_once_thenTheAddresses() {
        final List<String> wire = new ArrayList<>();
        final RouterInstance router = router(config(150, "192.0.2.100/24"), wire);
        router.handle(new Event.Startup("test"));
        wire.clear();

        router.onTimer(router.state().masterDownTimer());

        assertEquals(List.of("advert 150/1 in BACKUP", "up", "announce", "BACKUP->MASTER"), wire);
        assertEquals(State.MASTER, router.state().state());
    }

    /**
     * Within the lead before its Master_Down_Timer's deadline the loop has the router rehearse the takeover
     * (VrrpLoop.armPrecise): the step and the send path run, nothing happens — no advertisement, no state change, the
     * timer still armed — and the takeover at the deadline is the same as without it. A router whose timer was
     * re-armed meanwhile (the Master spoke) rehearses nothing for the old deadline.
     */
    @Test
    void aRehearsalRunsTheSendPathAndChangesNothing() {
        final List<String> wire = new ArrayList<>();
        final RouterInstance router = router(config(150, "192.0.2.100/24"), wire);
        router.handle(new Event.Startup("test"));
        wire.clear();
        final long deadline = router.state().masterDownTimer();

        router.rehearse(deadline - 1);
        assertEquals(List.of(), wire, "another deadline than the armed one");
        router.rehearse(deadline);

        assertEquals(List.of("rehearsed 150/1 from 192.0.2.2"), wire);
        assertEquals(State.BACKUP, router.state().state());
        assertEquals(deadline, router.state().masterDownTimer());
        wire.clear();
        router.onTimer(deadline);
        assertEquals(List.of("advert 150/1 in BACKUP", "up", "announce", "BACKUP->MASTER"), wire);
    }

    /**
     * A Backup's Master_Down_Timer runs from the moment the kernel received the Master's advertisement, not from the
     * loop's turn to handle it (0.25-0.4 ms later on a quiet host, all of it added to a takeover).
     */
    @Test
    void theMasterDownTimerRunsFromTheReceiptTime() throws Exception {
        final List<String> wire = new ArrayList<>();
        final RouterConfig config = config(150, "192.0.2.100/24");
        final RouterInstance router = router(config, wire);
        router.handle(new Event.Startup("test"));
        Thread.sleep(5);
        final long receivedAt = System.nanoTime() - 300_000L; // received 0.3 ms ago
        router.received(IpAddress.parse("192.0.2.1"), 200, INTERVAL,
                io.vrrpd.protocol.wire.ChecksumForm.PSEUDO_HEADER, receivedAt);
        final long stepped = router.state().masterDownTimer()
                - io.vrrpd.protocol.fsm.Timing.masterDownInterval(config.version(), 150, INTERVAL);
        // Exactly the receipt unless this thread lost the CPU for over 1.7 ms in between: then the credit's bound.
        assertTrue(stepped == receivedAt || stepped - receivedAt > 0 && System.nanoTime() - stepped
                >= RouterInstance.RECEIPT_CREDIT_NANOS, "stepped " + (stepped - receivedAt) + " ns after the receipt");
    }

    /**
     * The time a receipt is stepped at: the kernel's, within 2 ms before the loop's time (a backlog — a receiver or
     * loop behind a flood — must not make a Backup take over from a Master whose later advertisements wait in it),
     * never before the router's last step, never after now.
     */
    @Test
    void aReceiptIsSteppedAtItsTime_withinTheCredit_neverBackwards_neverAhead() {
        final long now = 1_000_000_000L;
        final long credit = RouterInstance.RECEIPT_CREDIT_NANOS;
        final long last = now - 10_000_000L;
        assertEquals(now - 300_000L, RouterInstance.stepTime(now - 300_000L, now, last), "0.3 ms ago");
        assertEquals(now - credit, RouterInstance.stepTime(now - credit, now, last), "at the credit's bound");
        assertEquals(now - credit, RouterInstance.stepTime(now - 60_000_000L, now, last), "60 ms in a backlog");
        assertEquals(now - 100_000L, RouterInstance.stepTime(now - 300_000L, now, now - 100_000L), "before the last step");
        assertEquals(now, RouterInstance.stepTime(now + 5_000L, now, last), "from the future");
        assertEquals(now, RouterInstance.stepTime(now, now, now), "now");
        assertEquals(Long.MAX_VALUE - 5, RouterInstance.stepTime(Long.MAX_VALUE - 5, Long.MIN_VALUE + 5,
                Long.MAX_VALUE - 10), "times compared by difference, as nanoTime's wrap asks");
    }

    @Test
    void aBackupReconfiguredBeforeTheTakeover_advertisesItsNewPriorityAndAddresses() {
        final List<String> wire = new ArrayList<>();
        final RouterInstance router = router(config(150, "192.0.2.100/24"), wire);
        router.handle(new Event.Startup("test"));
        router.reconfigure(config(120, "192.0.2.100/24", "192.0.2.101/24"));
        wire.clear();

        router.onTimer(router.state().masterDownTimer());

        assertEquals("advert 120/2 in BACKUP", wire.getFirst());
    }
}
