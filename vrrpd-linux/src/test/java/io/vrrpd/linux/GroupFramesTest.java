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
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link VrrpSocket}'s batches send IPv4 advertisements to 224.0.0.18 as link-layer frames ({@link GroupFrames}):
 * host b captures what host a sends through the IP socket ({@link VrrpSocket#send}, the kernel's IPv4 header) and
 * through the batch (vrrpd's header) and compares them field by field — on a plain link and on a macvlan VNIC
 * (the source MAC is the sending device's). Unicast stays on the IP socket, netfilter's OUTPUT hook no longer
 * sees the group's advertisements, and the sender still does not hear itself.
 */
@Timeout(60)
class GroupFramesTest {
    private static final Duration IN_NS = Duration.ofSeconds(10);
    private static final int CAPTURE_MS = 2000;
    private static final IpAddress SOURCE = IpAddress.parse("192.0.2.1");
    private static final IpAddress PEER = IpAddress.parse("192.0.2.2");
    private static final IpAddress GROUP = AddressFamily.IPV4.vrrpGroup();
    private static final String VNIC = "vr4-51";
    private static NetnsLab lab;

    @BeforeAll
    static void setUp() {
        NetnsLab.assumeRoot();
        lab = NetnsLab.create();
        lab.addHost("a");
        lab.addHost("b");
        lab.connect("a", "eth0", "192.0.2.1/24");
        lab.connect("b", "eth0", "192.0.2.2/24");
        final String a = lab.ns("a");
        NetnsLab.run("ip", "-n", a, "link", "add", VNIC, "link", "eth0", "address", "00:00:5e:00:01:33", "type",
                "macvlan", "mode", "bridge");
        NetnsLab.run("ip", "-n", a, "link", "set", VNIC, "up");
    }

    @AfterAll
    static void tearDown() {
        if (lab != null) {
            final String prefix = lab.prefix();
            lab.close();
            assertEquals(List.of(), NetnsLab.existingWithPrefix(prefix), "lab namespaces left behind");
        }
    }

    private static byte[] advertisement(final int vrid, final IpAddress destination) {
        final List<IpAddress> addresses = List.of(IpAddress.parse("192.0.2." + (100 + vrid)));
        final byte[] buf = new byte[AdvertisementWriter.length(VrrpVersion.V3, AddressFamily.IPV4, 1)];
        AdvertisementWriter.write(buf, 0, VrrpVersion.V3, AddressFamily.IPV4, vrid, 150, 1_000_000_000L, addresses,
                ChecksumForm.PSEUDO_HEADER, SOURCE, destination);
        return buf;
    }

    /** Flushes {@code socket}'s batch; returns each slot's outcome in order. */
    private static List<String> flush(final VrrpSocket socket) {
        final List<String> outcomes = new java.util.ArrayList<>();
        socket.flush(new VrrpSocket.BatchOutcome() {
            @Override
            public void sent(final int slot) {
                outcomes.add(slot + " sent");
            }

            @Override
            public void failed(final int slot, final ErrnoException e) {
                outcomes.add(slot + " failed: " + e.getMessage());
            }
        });
        return outcomes;
    }

    private static String mac(final String host, final String link) {
        final Matcher m = Pattern.compile("link/ether (\\S+)").matcher(NetnsLab.run("ip", "-n", lab.ns(host), "link",
                "show", link));
        assertTrue(m.find(), "no MAC for " + link);
        return m.group(1);
    }

    private static String hex(final byte[] frame, final int from, final int to) {
        return HexFormat.of().formatHex(frame, from, to);
    }

    @Test
    void shouldPutOnTheWireTheFrameTheIpSocketSends() throws Exception {
        for (final String link : List.of("eth0", VNIC)) {
            final byte[] message = advertisement(51, GROUP);
            final byte[] kernels;
            final byte[] ours;
            try (FrameCapture capture = lab.in("b", IN_NS, () -> FrameCapture.open("eth0"));
                 VrrpSocket sender = lab.in("a", IN_NS, () -> VrrpSocket.open(AddressFamily.IPV4, link))) {
                assertTrue(sender.sendsGroupFrames(), link);
                sender.send(message, 0, message.length, SOURCE, GROUP); // the IP socket: the kernel's header
                kernels = capture.nextVrrp(CAPTURE_MS);
                sender.queue(message, 0, message.length, SOURCE, GROUP); // the batch: a frame with our header
                assertEquals(List.of("0 sent"), flush(sender));
                ours = capture.nextVrrp(CAPTURE_MS);
            }
            assertNotNull(kernels, "the IP socket's advertisement on " + link + " was not captured");
            assertNotNull(ours, "the frame on " + link + " was not captured");
            final String[][] fields = {
                {"destination MAC", "0", "6"}, {"source MAC", "6", "12"}, {"EtherType", "12", "14"},
                {"version and IHL", "14", "15"}, {"TOS", "15", "16"}, {"total length", "16", "18"},
                {"flags and fragment offset", "20", "22"}, {"TTL", "22", "23"},
                {"protocol", "23", "24"}, {"source address", "26", "30"}, {"destination address", "30", "34"}};
            for (final String[] field : fields) {
                final int from = Integer.parseInt(field[1]);
                final int to = Integer.parseInt(field[2]);
                assertEquals(hex(kernels, from, to), hex(ours, from, to), field[0] + " on " + link);
            }
            assertEquals("01005e000012", hex(ours, 0, 6), "224.0.0.18's MAC");
            assertEquals(mac("a", link).replace(":", ""), hex(ours, 6, 12), "the sending device's MAC, on " + link);
            assertEquals("4000", hex(ours, 20, 22), "DF, as the kernel sets it");
            assertEquals("ff70", hex(ours, 22, 24), "TTL 255, protocol 112");
            // The identification cannot be the kernel's (GroupFrames): the frames are equal once it and the header
            // checksum that covers it are set aside, and the checksum is right for ours.
            assertEquals(0, GroupFrames.headerChecksum(java.lang.foreign.MemorySegment.ofArray(ours), 14),
                    "our header checksum");
            assertEquals(0, GroupFrames.headerChecksum(java.lang.foreign.MemorySegment.ofArray(kernels), 14),
                    "the kernel's header checksum");
            final byte[] kernelsWithoutId = kernels.clone();
            final byte[] oursWithoutId = ours.clone();
            for (final int at : new int[] {18, 19, 24, 25}) {
                kernelsWithoutId[at] = 0;
                oursWithoutId[at] = 0;
            }
            assertArrayEquals(kernelsWithoutId, oursWithoutId, "the whole frame on " + link + " but ID and checksum");
            assertEquals(hex(message, 0, message.length), hex(ours, 34, ours.length), "the VRRP message");
        }
    }

    /**
     * Unicast peers keep the IP socket (the kernel resolves their MAC); a batch mixing the two kinds leaves in
     * queue order. Netfilter's OUTPUT hook sees the unicast advertisements and the IP socket's to the group, not
     * the frames.
     */
    @Test
    void shouldSendOnlyTheGroupsAdvertisementsAsFramesInQueueOrder() throws Exception {
        final String a = lab.ns("a");
        lab.inNs(a, "nft", "add", "table", "ip", "vrrptest");
        lab.inNs(a, "nft", "add", "chain", "ip", "vrrptest", "out", "{ type filter hook output priority 0; }");
        lab.inNs(a, "nft", "add", "rule", "ip", "vrrptest", "out", "ip", "daddr", "224.0.0.18", "ip", "protocol",
                "112", "counter");
        lab.inNs(a, "nft", "add", "rule", "ip", "vrrptest", "out", "ip", "daddr", "192.0.2.2", "ip", "protocol",
                "112", "counter");
        // What RUNNING.md tells operators to use instead: the link's egress hook sees frames and IP packets alike.
        lab.inNs(a, "nft", "add", "table", "netdev", "vrrptest");
        lab.inNs(a, "nft", "add", "chain", "netdev", "vrrptest", "out",
                "{ type filter hook egress device eth0 priority 0; }");
        lab.inNs(a, "nft", "add", "rule", "netdev", "vrrptest", "out", "ip", "daddr", "224.0.0.18", "ip", "protocol",
                "112", "counter");
        try (FrameCapture capture = lab.in("b", IN_NS, () -> FrameCapture.open("eth0"));
             VrrpSocket sender = lab.in("a", IN_NS, () -> VrrpSocket.open(AddressFamily.IPV4, "eth0"))) {
            final List<byte[]> sent = new java.util.ArrayList<>();
            for (int vrid = 1; vrid <= 6; vrid++) { // group, group, peer, peer, group, peer
                final IpAddress to = vrid <= 2 || vrid == 5 ? GROUP : PEER;
                final byte[] message = advertisement(vrid, to);
                sender.queue(message, 0, message.length, SOURCE, to);
                sent.add(message);
            }
            assertEquals(List.of("0 sent", "1 sent", "2 sent", "3 sent", "4 sent", "5 sent"), flush(sender));
            final List<Integer> groupIds = new java.util.ArrayList<>();
            for (int i = 0; i < sent.size(); i++) {
                final byte[] frame = capture.nextVrrp(CAPTURE_MS);
                assertNotNull(frame, "advertisement " + (i + 1) + " was not captured");
                assertEquals(hex(sent.get(i), 0, sent.get(i).length), hex(frame, 34, frame.length),
                        "advertisement " + (i + 1) + " in queue order");
                if (i <= 1 || i == 4) {
                    groupIds.add(((frame[18] & 0xFF) << 8) | (frame[19] & 0xFF));
                }
            }
            final int first = groupIds.getFirst();
            assertEquals(List.of(first, (first + 1) & 0xFFFF, (first + 2) & 0xFFFF), groupIds,
                    "the frames' identification counts one per frame");
            assertEquals(List.of(0L, 3L), outputCounters(a, "ip"), "OUTPUT hook: group, unicast");
            assertEquals(List.of(3L), outputCounters(a, "netdev"), "eth0's egress hook: group");
            final byte[] message = advertisement(7, GROUP);
            sender.send(message, 0, message.length, SOURCE, GROUP);
            assertEquals(List.of(1L, 3L), outputCounters(a, "ip"), "the IP socket's send passes the OUTPUT hook");
        } finally {
            lab.inNs(a, "nft", "delete", "table", "ip", "vrrptest");
            lab.inNs(a, "nft", "delete", "table", "netdev", "vrrptest");
        }
    }

    private static List<Long> outputCounters(final String ns, final String family) {
        final Matcher m = Pattern.compile("counter packets (\\d+)").matcher(lab.inNs(ns, "nft", "list", "chain", family,
                "vrrptest", "out"));
        final List<Long> counts = new java.util.ArrayList<>();
        while (m.find()) {
            counts.add(Long.parseLong(m.group(1)));
        }
        return counts;
    }

    /** As with IP_MULTICAST_LOOP off: the host's own VRRP socket does not hear the frame; the peer accepts it. */
    @Test
    void shouldNotLoopTheFrameBackToTheSendingHost() throws Exception {
        try (VrrpSocket peer = lab.in("b", IN_NS, () -> VrrpSocket.open(AddressFamily.IPV4, "eth0"));
             VrrpSocket sender = lab.in("a", IN_NS, () -> VrrpSocket.open(AddressFamily.IPV4, "eth0"))) {
            final byte[] message = advertisement(51, GROUP);
            sender.queue(message, 0, message.length, SOURCE, GROUP);
            assertEquals(List.of("0 sent"), flush(sender));
            final ReceivedPacket packet = new ReceivedPacket();
            assertTrue(peer.receive(packet, CAPTURE_MS), "b heard nothing");
            assertEquals(255, packet.ttl());
            assertEquals(SOURCE, packet.source());
            assertEquals(GROUP, packet.destination());
            assertEquals(Verdict.ACCEPTED, new ReceiveValidator().checkPacket(packet.wrap(new Advertisement()),
                    packet.family(), packet.ttl(), packet.source(), packet.destination()));
            assertFalse(sender.receive(new ReceivedPacket(), 200), "the sender heard its own advertisement");
        }
    }

    /** Frames only where the kernel builds an Ethernet header (not loopback) and only for IPv4. */
    @Test
    void shouldKeepTheIpSocketOffEthernetAndForIpv6() throws Exception {
        try (VrrpSocket loopback = lab.in("a", IN_NS, () -> VrrpSocket.open(AddressFamily.IPV4, "lo"));
             VrrpSocket ipv6 = lab.in("a", IN_NS, () -> VrrpSocket.open(AddressFamily.IPV6, "eth0"));
             VrrpSocket ethernet = lab.in("a", IN_NS, () -> VrrpSocket.open(AddressFamily.IPV4, "eth0"))) {
            assertFalse(loopback.sendsGroupFrames());
            assertFalse(ipv6.sendsGroupFrames());
            assertTrue(ethernet.sendsGroupFrames());
        }
    }

    @Test
    void shouldComputeTheHeaderChecksumOfRfc1071() {
        // A receiver sums the header with its checksum in place: 0xffff, whose complement is 0 (RFC 1071 §1).
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            final java.lang.foreign.MemorySegment header = arena.allocate(20);
            GroupFrames.writeHeader(header, 0, 20, (int) SOURCE.lo(), 0xbeef);
            assertEquals(0, GroupFrames.headerChecksum(header, 0), "a header with its checksum sums to 0xffff");
        }
    }
}
