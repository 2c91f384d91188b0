package io.vrrpd.linux;

import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.IpAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Host a announces a virtual address with the virtual MAC over {@link PacketSocket}; host b's kernel takes
 * the frame into its neighbour table. The kernel drops ARP/ND it finds malformed, an NA with a wrong
 * checksum or a hop limit other than 255, so an entry with the virtual MAC proves the frame is right.
 */
@Timeout(60)
class PacketSocketTest {
    private static final Duration IN_NS = Duration.ofSeconds(10);
    private static NetnsLab lab;

    @BeforeAll
    static void setUp() {
        NetnsLab.assumeRoot();
        lab = NetnsLab.create();
        lab.addHost("a");
        lab.addHost("b");
        lab.connect("a", "eth0", "192.0.2.1/24", "2001:db8::1/64");
        lab.connect("b", "eth0", "192.0.2.2/24", "2001:db8::2/64");
        final String b = lab.ns("b");
        // Inside lab host b only: learn neighbours from unsolicited ARP.
        lab.inNs(b, "sysctl", "-q", "-w", "net.ipv4.conf.eth0.arp_accept=1");
    }

    @AfterAll
    static void tearDown() {
        if (lab != null) {
            final String prefix = lab.prefix();
            lab.close();
            assertEquals(List.of(), NetnsLab.existingWithPrefix(prefix), "lab namespaces left behind");
        }
    }

    /** Waits (bounded) until b's neighbour entry for {@code address} exists; returns the line. */
    private static String awaitNeighbour(final String address, final String mac) throws InterruptedException {
        final long deadline = System.nanoTime() + 5_000_000_000L;
        String line = "";
        while (System.nanoTime() < deadline) {
            line = NetnsLab.run("ip", "-n", lab.ns("b"), "neigh", "show", address, "dev", "eth0").trim();
            if (line.contains(mac)) {
                return line;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("b has no neighbour entry " + address + " -> " + mac + " within 5 s: '" + line + "'");
    }

    @Test
    void shouldAnnounceAnIpv4AddressWithTheVirtualMac() throws Exception {
        final MacAddress vmac = MacAddress.of(AddressFamily.IPV4.virtualMac(51));
        final byte[] frame = ArpFrames.gratuitousArp(vmac, IpAddress.parse("192.0.2.100"));
        try (PacketSocket socket = lab.in("a", IN_NS, () -> PacketSocket.open("eth0"))) {
            socket.send(frame);
        }
        final String entry = awaitNeighbour("192.0.2.100", vmac.toString());
        assertTrue(entry.startsWith("192.0.2.100 lladdr 00:00:5e:00:01:33"), entry);
    }

    @Test
    void shouldAnnounceAnIpv6AddressAsARouterWithTheVirtualMac() throws Exception {
        final MacAddress vmac = MacAddress.of(AddressFamily.IPV6.virtualMac(51));
        final IpAddress vip = IpAddress.parse("2001:db8::100");
        // The VIP must be an address of a's link for the NA's source to be honest; plumb it first.
        NetnsLab.run("ip", "-n", lab.ns("a"), "addr", "add", "2001:db8::100/64", "dev", "eth0", "nodad");
        // A host creates no entry from an unsolicited NA (only routers do, RFC 9131), so b gets a stale entry
        // with another MAC first: the NA's Override flag must replace it, its Router flag mark it a router.
        NetnsLab.run("ip", "-n", lab.ns("b"), "neigh", "add", "2001:db8::100", "lladdr", "02:00:00:00:00:99",
                "dev", "eth0", "nud", "stale");
        final byte[] frame = NdFrames.unsolicitedNa(vmac, vip);
        try (PacketSocket socket = lab.in("a", IN_NS, () -> PacketSocket.open("eth0"))) {
            socket.send(frame);
        }
        final String entry = awaitNeighbour("2001:db8::100", vmac.toString());
        // R flag set: b records the neighbour as a router.
        assertTrue(entry.contains("lladdr 00:00:5e:00:02:33") && entry.contains("router"), entry);
    }
}
