package io.vrrpd.linux;

import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.IpAddress;
import io.vrrpd.protocol.VrrpVersion;
import io.vrrpd.protocol.wire.Advertisement;
import io.vrrpd.protocol.wire.AdvertisementWriter;
import io.vrrpd.protocol.wire.ChecksumForm;
import io.vrrpd.protocol.wire.ReceiveValidator;
import io.vrrpd.protocol.wire.Verdict;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two lab hosts on one bridge exchange VRRP advertisements over {@link VrrpSocket}: what arrives carries
 * TTL 255, the right addresses and arrival link, and passes §7.1 validation.
 */
@Timeout(60)
class VrrpSocketTest {
    private static final Duration IN_NS = Duration.ofSeconds(10);
    private static final int RECEIVE_TIMEOUT_MS = 2000;
    private static NetnsLab lab;
    private static String linkLocalA;

    @BeforeAll
    static void setUp() throws Exception {
        NetnsLab.assumeRoot();
        lab = NetnsLab.create();
        lab.addHost("a");
        lab.addHost("b");
        lab.connect("a", "eth0", "192.0.2.1/24", "2001:db8::1/64");
        lab.connect("b", "eth0", "192.0.2.2/24", "2001:db8::2/64");
        linkLocalA = lab.waitForLinkLocal("a", "eth0", Duration.ofSeconds(10));
        lab.waitForLinkLocal("b", "eth0", Duration.ofSeconds(10));
    }

    @AfterAll
    static void tearDown() {
        if (lab != null) {
            final String prefix = lab.prefix();
            lab.close();
            assertEquals(List.of(), NetnsLab.existingWithPrefix(prefix), "lab namespaces left behind");
        }
    }

    private static byte[] advertisement(final AddressFamily family, final IpAddress source,
                                        final IpAddress destination, final String... vips) {
        final List<IpAddress> addresses = java.util.Arrays.stream(vips).map(IpAddress::parse).toList();
        final byte[] buf = new byte[AdvertisementWriter.length(VrrpVersion.V3, family, addresses.size())];
        AdvertisementWriter.write(buf, 0, VrrpVersion.V3, family, 51, 150, 1_000_000_000L, addresses,
                ChecksumForm.PSEUDO_HEADER, source, destination);
        return buf;
    }

    /** A batch outcome that writes "SLOT sent" or "SLOT failed: MESSAGE" to {@code outcomes}. */
    private static VrrpSocket.BatchOutcome recording(final List<String> outcomes) {
        return new VrrpSocket.BatchOutcome() {
            @Override
            public void sent(final int slot) {
                outcomes.add(slot + " sent");
            }

            @Override
            public void failed(final int slot, final ErrnoException e) {
                outcomes.add(slot + " failed: " + e.getMessage());
            }
        };
    }

    /** Opens the receiver in b and the sender in a, sends once, returns what b received. */
    private static ReceivedPacket exchange(final AddressFamily family, final IpAddress source,
                                           final IpAddress destination, final int ttl, final byte[] message)
            throws Exception {
        try (VrrpSocket receiver = lab.in("b", IN_NS, () -> VrrpSocket.open(family, "eth0"));
             VrrpSocket sender = lab.in("a", IN_NS, () -> VrrpSocket.open(family, "eth0"))) {
            if (ttl != 255) {
                sender.hopLimit(ttl);
            }
            sender.send(message, 0, message.length, source, destination);
            final ReceivedPacket packet = new ReceivedPacket();
            assertTrue(receiver.receive(packet, RECEIVE_TIMEOUT_MS), "nothing received within 2 s");
            assertEquals(receiver.ifindex(), packet.ifindex(), "arrival link");
            // The sender must not hear itself (multicast loop off).
            assertFalse(sender.receive(new ReceivedPacket(), 100), "sender heard its own advertisement");
            return packet;
        }
    }

    private static void assertAccepted(final ReceivedPacket packet, final byte[] sent) {
        assertEquals(sent.length, packet.payloadLength());
        assertEquals(java.util.HexFormat.of().formatHex(sent),
                java.util.HexFormat.of().formatHex(packet.payload(), 0, packet.payloadLength()));
        final Advertisement adv = packet.wrap(new Advertisement());
        assertEquals(51, adv.vrid());
        assertEquals(150, adv.priority());
        assertEquals(Verdict.ACCEPTED, new ReceiveValidator().checkPacket(adv, packet.family(), packet.ttl(),
                packet.source(), packet.destination()));
    }

    @Test
    void shouldCarryAnIpv4AdvertisementToTheGroupWithTtl255() throws Exception {
        final IpAddress source = IpAddress.parse("192.0.2.1");
        final IpAddress group = AddressFamily.IPV4.vrrpGroup();
        final byte[] message = advertisement(AddressFamily.IPV4, source, group, "192.0.2.100");
        final ReceivedPacket packet = exchange(AddressFamily.IPV4, source, group, 255, message);
        assertEquals(255, packet.ttl());
        assertEquals(source, packet.source());
        assertEquals(group, packet.destination());
        assertFalse(packet.truncated());
        assertAccepted(packet, message);
    }

    @Test
    void shouldCarryAnIpv6AdvertisementFromTheLinkLocalSource() throws Exception {
        final IpAddress source = IpAddress.parse(linkLocalA);
        final IpAddress group = AddressFamily.IPV6.vrrpGroup();
        final byte[] message = advertisement(AddressFamily.IPV6, source, group, "fe80::1:51", "2001:db8::100");
        final ReceivedPacket packet = exchange(AddressFamily.IPV6, source, group, 255, message);
        assertEquals(255, packet.ttl());
        assertEquals(source, packet.source());
        assertEquals(group, packet.destination());
        assertAccepted(packet, message);
    }

    @Test
    void shouldCarryUnicastAdvertisementsToAPeer() throws Exception {
        final IpAddress source = IpAddress.parse("192.0.2.1");
        final IpAddress peer = IpAddress.parse("192.0.2.2");
        final byte[] message = advertisement(AddressFamily.IPV4, source, peer, "192.0.2.100");
        final ReceivedPacket packet = exchange(AddressFamily.IPV4, source, peer, 255, message);
        assertEquals(peer, packet.destination());
        assertEquals(255, packet.ttl());
        assertAccepted(packet, message);

        final IpAddress source6 = IpAddress.parse("2001:db8::1");
        final IpAddress peer6 = IpAddress.parse("2001:db8::2");
        final byte[] message6 = advertisement(AddressFamily.IPV6, source6, peer6, "2001:db8::100");
        final ReceivedPacket packet6 = exchange(AddressFamily.IPV6, source6, peer6, 255, message6);
        assertEquals(source6, packet6.source());
        assertEquals(peer6, packet6.destination());
        assertAccepted(packet6, message6);
    }

    @Test
    void shouldReportTheTtlAPacketWasSentWith() throws Exception {
        final IpAddress source = IpAddress.parse("192.0.2.1");
        final IpAddress group = AddressFamily.IPV4.vrrpGroup();
        final byte[] message = advertisement(AddressFamily.IPV4, source, group, "192.0.2.100");
        final ReceivedPacket packet = exchange(AddressFamily.IPV4, source, group, 64, message);
        assertEquals(64, packet.ttl());
        assertEquals(Verdict.BAD_TTL, new ReceiveValidator().checkPacket(packet.wrap(new Advertisement()),
                packet.family(), packet.ttl(), packet.source(), packet.destination()));

        final IpAddress source6 = IpAddress.parse(linkLocalA);
        final IpAddress group6 = AddressFamily.IPV6.vrrpGroup();
        final byte[] message6 = advertisement(AddressFamily.IPV6, source6, group6, "fe80::1:51");
        assertEquals(64, exchange(AddressFamily.IPV6, source6, group6, 64, message6).ttl());
    }

    /**
     * A batch (the router loop's Masters due in one tick) leaves in one flush: every advertisement arrives, in
     * order, byte for byte, and each slot is told it was sent. A message the kernel refuses in the middle
     * (a unicast advertisement from a source this host does not have: the IP socket's ENETUNREACH here; the group's
     * go out as frames, GroupFramesTest) is reported as that slot's failure, and the ones after it still go: sendmmsg
     * stops at the first it cannot send, and the flush goes on from the next on its kind's socket.
     */
    @Test
    void shouldSendABatchInOrderAndReportTheMessageTheKernelRefused() throws Exception {
        final IpAddress source = IpAddress.parse("192.0.2.1");
        final IpAddress stranger = IpAddress.parse("203.0.113.9"); // not an address of host a
        final IpAddress group = AddressFamily.IPV4.vrrpGroup();
        try (VrrpSocket receiver = lab.in("b", IN_NS, () -> VrrpSocket.open(AddressFamily.IPV4, "eth0"));
             VrrpSocket sender = lab.in("a", IN_NS, () -> VrrpSocket.open(AddressFamily.IPV4, "eth0"))) {
            final List<byte[]> expected = new java.util.ArrayList<>();
            for (int vrid = 1; vrid <= VrrpSocket.BATCH_SLOTS; vrid++) {
                final IpAddress from = vrid == 5 ? stranger : source;
                final IpAddress to = vrid == 5 ? IpAddress.parse("192.0.2.2") : group;
                final byte[] message = new byte[AdvertisementWriter.length(VrrpVersion.V3, AddressFamily.IPV4, 1)];
                AdvertisementWriter.write(message, 0, VrrpVersion.V3, AddressFamily.IPV4, vrid, 150, 1_000_000_000L,
                        List.of(IpAddress.parse("192.0.2." + (100 + vrid))), ChecksumForm.PSEUDO_HEADER, from, to);
                assertEquals(vrid - 1, sender.queue(message, 0, message.length, from, to));
                if (vrid != 5) {
                    expected.add(message.clone());
                }
                java.util.Arrays.fill(message, (byte) 0); // queue copied it: the caller's array is free at once
            }
            assertTrue(sender.batchFull());
            final List<String> outcomes = new java.util.ArrayList<>();
            sender.flush(recording(outcomes));
            assertEquals(0, sender.queued());
            assertEquals(VrrpSocket.BATCH_SLOTS, outcomes.size(), outcomes.toString());
            assertTrue(outcomes.get(4).startsWith("4 failed: sendmmsg(VRRP from 203.0.113.9 to 192.0.2.2 on eth0)"),
                    outcomes.get(4));
            assertTrue(outcomes.get(4).contains("errno"), outcomes.get(4));
            for (int slot = 0; slot < VrrpSocket.BATCH_SLOTS; slot++) {
                if (slot != 4) {
                    assertEquals(slot + " sent", outcomes.get(slot));
                }
            }
            final ReceivedPacket packet = new ReceivedPacket();
            for (final byte[] message : expected) {
                assertTrue(receiver.receive(packet, RECEIVE_TIMEOUT_MS), "advertisement missing");
                assertEquals(source, packet.source());
                assertEquals(255, packet.ttl());
                assertEquals(java.util.HexFormat.of().formatHex(message),
                        java.util.HexFormat.of().formatHex(packet.payload(), 0, packet.payloadLength()));
            }
            assertFalse(receiver.receive(packet, 100), "more arrived than was sent");
        }
    }

    /**
     * A rehearsal (a Backup about to take over runs the send path ahead, VrrpLoop.armPrecise) queues the message and
     * makes the system call for none of it: nothing reaches the wire, the kernel answers 0, and the batch is empty
     * for the real send after it, which arrives alone.
     */
    @Test
    void aRehearsalSendsNothing_andTheSendAfterItLeavesAlone() throws Exception {
        final IpAddress source = IpAddress.parse("192.0.2.1");
        final IpAddress group = AddressFamily.IPV4.vrrpGroup();
        try (VrrpSocket receiver = lab.in("b", IN_NS, () -> VrrpSocket.open(AddressFamily.IPV4, "eth0"));
             VrrpSocket sender = lab.in("a", IN_NS, () -> VrrpSocket.open(AddressFamily.IPV4, "eth0"))) {
            final byte[] rehearsed = advertisement(AddressFamily.IPV4, source, group, "192.0.2.151");
            final byte[] real = advertisement(AddressFamily.IPV4, source, group, "192.0.2.152");
            sender.rehearse(rehearsed, 0, rehearsed.length, source, group);
            assertEquals(1, sender.rehearsals(), "the kernel's answer to sendmmsg of no message");
            assertEquals(0, sender.queued());
            final ReceivedPacket packet = new ReceivedPacket();
            assertFalse(receiver.receive(packet, 200), "a rehearsal reached the wire");

            assertEquals(0, sender.queue(real, 0, real.length, source, group));
            final List<String> outcomes = new java.util.ArrayList<>();
            sender.flush(recording(outcomes));
            assertEquals(List.of("0 sent"), outcomes);
            assertTrue(receiver.receive(packet, RECEIVE_TIMEOUT_MS), "the real advertisement is missing");
            assertEquals(java.util.HexFormat.of().formatHex(real),
                    java.util.HexFormat.of().formatHex(packet.payload(), 0, packet.payloadLength()));
            assertFalse(receiver.receive(packet, 100), "more arrived than was sent");

            sender.queue(real, 0, real.length, source, group);
            assertThrows(IllegalStateException.class,
                    () -> sender.rehearse(rehearsed, 0, rehearsed.length, source, group), "a queued batch is not touched");
            assertEquals(1, sender.queued());
        }
    }

    /**
     * A packet's receive time is the kernel's (SO_TIMESTAMPNS, put on the monotonic clock), not the moment it was
     * read: read 60 ms after it arrived, it still says when it arrived, within the clocks' conversion. A Backup's
     * Master_Down_Timer runs from there.
     */
    @Test
    void theReceiveTimeIsTheKernels_notTheRead() throws Exception {
        for (final AddressFamily family : AddressFamily.values()) {
            final IpAddress from = IpAddress.parse(family == AddressFamily.IPV4 ? "192.0.2.1" : linkLocalA);
            final IpAddress to = family.vrrpGroup();
            final byte[] message = advertisement(family, from, to,
                    family == AddressFamily.IPV4 ? "192.0.2.153" : "fe80::1:53");
            try (VrrpSocket receiver = lab.in("b", IN_NS, () -> VrrpSocket.open(family, "eth0"));
                 VrrpSocket sender = lab.in("a", IN_NS, () -> VrrpSocket.open(family, "eth0"))) {
                final long sentAt = System.nanoTime();
                sender.send(message, 0, message.length, from, to);
                Thread.sleep(60);
                final long readAt = System.nanoTime();
                final ReceivedPacket packet = new ReceivedPacket();
                assertTrue(receiver.receive(packet, RECEIVE_TIMEOUT_MS), family + ": nothing arrived");
                assertTrue(packet.receivedAt() - sentAt > -1_000_000L, family + ": received "
                        + (sentAt - packet.receivedAt()) / 1000 + " µs before it was sent");
                assertTrue(readAt - packet.receivedAt() > 50_000_000L, family + ": received "
                        + (readAt - packet.receivedAt()) / 1000 + " µs before the read: the read's time, not the kernel's");
            }
        }
    }

    /** IPv6 batches carry the link-local source and the group as single sends do, and allocate nothing once warm. */
    @Test
    void shouldSendIpv6BatchesWithoutAllocating() throws Exception {
        batchesAllocateNothing(AddressFamily.IPV6, IpAddress.parse(linkLocalA), "fe80::1:51");
    }

    /** IPv4 batches to the group (frames, GroupFrames) likewise: the header is written in place. */
    @Test
    void shouldSendIpv4GroupFramesWithoutAllocating() throws Exception {
        batchesAllocateNothing(AddressFamily.IPV4, IpAddress.parse("192.0.2.1"), "192.0.2.100");
    }

    private static void batchesAllocateNothing(final AddressFamily family, final IpAddress source, final String vip)
            throws Exception {
        final IpAddress group = family.vrrpGroup();
        final byte[] message = advertisement(family, source, group, vip);
        final VrrpSocket.BatchOutcome ignore = new VrrpSocket.BatchOutcome() {
            @Override
            public void sent(final int slot) {
            }

            @Override
            public void failed(final int slot, final ErrnoException e) {
                throw new AssertionError(e);
            }
        };
        try (VrrpSocket sender = lab.in("a", IN_NS, () -> VrrpSocket.open(family, "eth0"))) {
            for (int round = 0; round < 20_000; round++) { // warm (the JIT's escape analysis), before b listens
                for (int i = 0; i < 4; i++) {
                    sender.queue(message, 0, message.length, source, group);
                }
                sender.flush(ignore);
            }
            final ReceivedPacket packet = new ReceivedPacket();
            final com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
            long allocated = Long.MAX_VALUE;
            int received = 0;
            try (VrrpSocket receiver = lab.in("b", IN_NS, () -> VrrpSocket.open(family, "eth0"))) {
                for (int round = 0; round < 3; round++) { // the least of three: a one-off (a late recompilation)
                    final long before = threads.getCurrentThreadAllocatedBytes();
                    for (int i = 0; i < 4; i++) {
                        sender.queue(message, 0, message.length, source, group);
                    }
                    sender.flush(ignore);
                    allocated = Math.min(allocated, threads.getCurrentThreadAllocatedBytes() - before);
                    for (int i = 0; i < 4; i++) {
                        if (receiver.receive(packet, RECEIVE_TIMEOUT_MS) && source.equals(packet.source())
                                && group.equals(packet.destination()) && packet.ttl() == 255) {
                            received++;
                        }
                    }
                }
            }
            assertEquals(4 * 3, received);
            assertEquals(0, allocated, "bytes allocated by a warm round of 4 queued sends and their flush");
        }
    }

    /**
     * Send and receive allocate nothing per packet once warm (the GC must have no reason to pause an
     * advertisement loop, DESIGN.md §6 "Timers"). Counted by the JVM's per-thread allocation counter.
     */
    @Test
    void shouldNotAllocatePerPacket() throws Exception {
        final IpAddress source = IpAddress.parse("192.0.2.1");
        final IpAddress group = AddressFamily.IPV4.vrrpGroup();
        final byte[] message = advertisement(AddressFamily.IPV4, source, group, "192.0.2.100");
        try (VrrpSocket receiver = lab.in("b", IN_NS, () -> VrrpSocket.open(AddressFamily.IPV4, "eth0"));
             VrrpSocket sender = lab.in("a", IN_NS, () -> VrrpSocket.open(AddressFamily.IPV4, "eth0"))) {
            final ReceivedPacket packet = new ReceivedPacket();
            final com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
            long received = pingPong(sender, receiver, packet, message, source, group, 20_000);
            // The least of three windows: a one-off allocation (a late JIT recompilation, a class initialised) can
            // land in any one of them; an allocation per packet (>= 5000 bytes) shows in all three.
            long allocated = Long.MAX_VALUE;
            for (int window = 0; window < 3; window++) {
                final long before = threads.getCurrentThreadAllocatedBytes();
                received += pingPong(sender, receiver, packet, message, source, group, 5_000);
                allocated = Math.min(allocated, threads.getCurrentThreadAllocatedBytes() - before);
            }
            assertEquals(35_000, received);
            assertTrue(allocated < 4096, "allocated " + allocated + " bytes for 5000 send+receive (least of 3 windows)");
        }
    }

    private static long pingPong(final VrrpSocket sender, final VrrpSocket receiver, final ReceivedPacket packet,
                                 final byte[] message, final IpAddress source, final IpAddress group,
                                 final int times) throws ErrnoException {
        long received = 0;
        for (int i = 0; i < times; i++) {
            sender.send(message, 0, message.length, source, group);
            if (receiver.receive(packet, RECEIVE_TIMEOUT_MS) && packet.ttl() == 255) {
                received++;
            }
        }
        return received;
    }

    /**
     * A receiver that is held up (here: not reading at all) while advertisements keep coming: its queue is large
     * (4 MiB asked, so a flood's burst waits instead of being dropped), and what the full queue still drops is
     * reported with the next packet read (SO_RXQ_OVFL), so it can be counted (socket_overflow) instead of a
     * Backup silently missing its Master's advertisements.
     */
    @Test
    void shouldQueueABurstInALargeBufferAndReportWhatAFullQueueDropped() throws Exception {
        final IpAddress source = IpAddress.parse("192.0.2.1");
        final IpAddress group = AddressFamily.IPV4.vrrpGroup();
        final byte[] message = advertisement(AddressFamily.IPV4, source, group, "192.0.2.100");
        try (VrrpSocket receiver = lab.in("b", IN_NS, () -> VrrpSocket.open(AddressFamily.IPV4, "eth0"));
             VrrpSocket sender = lab.in("a", IN_NS, () -> VrrpSocket.open(AddressFamily.IPV4, "eth0"))) {
            assertTrue(receiver.receiveBufferBytes() >= VrrpSocket.RECEIVE_BUFFER_BYTES,
                    "receive buffer " + receiver.receiveBufferBytes() + " bytes (root: SO_RCVBUFFORCE)");
            final ReceivedPacket packet = new ReceivedPacket();
            assertEquals(0, packet.queueDrops(), "none before any packet");
            for (int i = 0; i < 40_000; i++) { // far more than 4 MiB of queued packets (~1 KiB each in the kernel)
                sender.send(message, 0, message.length, source, group);
            }
            int read = 0;
            long reported = 0;
            for (; read < 50_000 && receiver.receive(packet, 200); read++) { // drains what was queued
                reported = Math.max(reported, packet.queueDrops());
            }
            // The total comes with a packet queued after the drops (each packet carries the count at its arrival).
            sender.send(message, 0, message.length, source, group);
            assertTrue(receiver.receive(packet, RECEIVE_TIMEOUT_MS), "the packet after the drops");
            reported = Math.max(reported, packet.queueDrops());
            assertTrue(read > 2_000, "a burst of " + read + " waited in the queue (the default held ~200)");
            assertTrue(reported > 0, "the kernel reported the drops of the full queue: " + reported + " (read " + read + ")");
            assertTrue(read + reported <= 40_000, "read " + read + " + reported " + reported + " of 40,000 sent");
        }
    }

    @Test
    void shouldTimeOutWhenNothingArrives() throws Exception {
        try (VrrpSocket socket = lab.in("b", IN_NS, () -> VrrpSocket.open(AddressFamily.IPV4, "eth0"))) {
            final long start = System.nanoTime();
            assertFalse(socket.receive(new ReceivedPacket(), 50));
            assertTrue(System.nanoTime() - start < 1_000_000_000L);
        }
    }

    @Test
    void shouldNameTheLinkWhenItDoesNotExist() throws Exception {
        final ErrnoException e = org.junit.jupiter.api.Assertions.assertThrows(ErrnoException.class,
                () -> lab.in("b", IN_NS, () -> VrrpSocket.open(AddressFamily.IPV4, "nosuch0")));
        assertEquals(Errno.ENODEV, e.errno());
        assertTrue(e.getMessage().contains("nosuch0"), e.getMessage());
    }
}
