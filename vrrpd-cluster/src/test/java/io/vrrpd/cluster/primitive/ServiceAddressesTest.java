package io.vrrpd.cluster.primitive;

import io.vrrpd.cluster.Primitive;
import io.vrrpd.cluster.PrimitiveResult;
import io.vrrpd.cluster.PrimitiveResult.Outcome;
import io.vrrpd.cluster.ServiceSpec;
import io.vrrpd.cluster.ServiceState;
import io.vrrpd.linux.NetnsLab;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The address part of every type, in a lab: host a runs the service, host b (on the same bridge) learns from the
 * gratuitous ARP / unsolicited NA. b takes unsolicited ARP into its neighbour table (arp_accept, set inside b only);
 * for IPv6 b gets a stale entry first, which only a valid NA from a's MAC overrides.
 */
@Timeout(60)
class ServiceAddressesTest {
    private static final Duration IN_NS = Duration.ofSeconds(20);
    private static NetnsLab lab;
    private static String aMac;
    private final LocalPrimitiveRunner runner = new LocalPrimitiveRunner(Fixtures.FAST);

    @TempDir
    Path dir;

    @BeforeAll
    static void setUp() {
        NetnsLab.assumeRoot();
        lab = NetnsLab.create();
        lab.addHost("a");
        lab.addHost("b");
        lab.connect("a", "eth0", "192.0.2.1/24", "2001:db8::1/64");
        lab.connect("b", "eth0", "192.0.2.2/24", "2001:db8::2/64");
        lab.inNs(lab.ns("b"), "sysctl", "-q", "-w", "net.ipv4.conf.eth0.arp_accept=1");
        final String link = NetnsLab.run("ip", "-n", lab.ns("a"), "-o", "link", "show", "dev", "eth0");
        aMac = link.substring(link.indexOf("link/ether ") + 11).split("\\s+")[0];
    }

    @AfterAll
    static void tearDown() {
        if (lab != null) {
            final String prefix = lab.prefix();
            lab.close();
            assertEquals(List.of(), NetnsLab.existingWithPrefix(prefix), "lab namespaces left behind");
        }
    }

    private PrimitiveResult inA(final ServiceSpec spec, final Primitive p, final ServiceState state)
            throws Exception {
        return lab.in("a", IN_NS, () -> runner.run(spec, p, Fixtures.inState(state)));
    }

    private static String addressesOfA() {
        return NetnsLab.run("ip", "-n", lab.ns("a"), "-o", "addr", "show", "dev", "eth0");
    }

    private static void awaitNeighbour(final String address) throws InterruptedException {
        final long deadline = System.nanoTime() + 5_000_000_000L;
        String line = "";
        while (System.nanoTime() < deadline) {
            line = NetnsLab.run("ip", "-n", lab.ns("b"), "neigh", "show", address, "dev", "eth0").trim();
            if (line.contains(aMac)) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("b never learned " + address + " -> " + aMac + " (no announcement?): '" + line + "'");
    }

    @Test
    void ipTypeAddsAnnouncesChecksAndRemoves() throws Exception {
        final ServiceSpec spec = Fixtures.spec("vip", "ip", "eth0", List.of("192.0.2.77/24", "2001:db8::77/64"),
                Map.of());
        // b knows 2001:db8::77 at another MAC: only a's unsolicited NA re-points it.
        NetnsLab.run("ip", "-n", lab.ns("b"), "neigh", "replace", "2001:db8::77", "lladdr", "02:00:00:00:00:99",
                "dev", "eth0", "nud", "stale");
        assertEquals(Outcome.SUCCESS, inA(spec, Primitive.CHECK, ServiceState.STOPPED).outcome());
        final PrimitiveResult missing = inA(spec, Primitive.CHECK, ServiceState.STARTED);
        assertEquals(Outcome.CHECK_FAILING, missing.outcome(), missing.toString());

        final PrimitiveResult start = inA(spec, Primitive.START, null);
        assertEquals(Outcome.SUCCESS, start.outcome(), start.toString());
        assertTrue(addressesOfA().contains("192.0.2.77/24") && addressesOfA().contains("2001:db8::77/64"),
                addressesOfA());
        awaitNeighbour("192.0.2.77");
        awaitNeighbour("2001:db8::77");

        assertEquals(Outcome.SUCCESS, inA(spec, Primitive.CHECK, ServiceState.STARTED).outcome());
        final PrimitiveResult stray = inA(spec, Primitive.CHECK, ServiceState.STOPPED);
        assertEquals(Outcome.CHECK_FAILING, stray.outcome(), "an address up where stopped: " + stray);
        assertEquals(Outcome.SUCCESS, inA(spec, Primitive.START, null).outcome(), "start is idempotent");
        final PrimitiveResult status = inA(spec, Primitive.STATUS, null);
        assertEquals("addresses on eth0: present 192.0.2.77/24 2001:db8::77/64\n", status.output());

        // One address gone behind our back: failing where started.
        NetnsLab.run("ip", "-n", lab.ns("a"), "addr", "del", "2001:db8::77/64", "dev", "eth0");
        final PrimitiveResult partial = inA(spec, Primitive.CHECK, ServiceState.STARTED);
        assertEquals(Outcome.CHECK_FAILING, partial.outcome());
        assertTrue(partial.detail().contains("missing 2001:db8::77/64"), partial.detail());

        assertEquals(Outcome.SUCCESS, inA(spec, Primitive.STOP, null).outcome());
        assertFalse(addressesOfA().contains("192.0.2.77"), addressesOfA());
        assertEquals(Outcome.SUCCESS, inA(spec, Primitive.STOP, null).outcome(), "stop is idempotent");
        assertEquals(Outcome.CHECK_FAILING, inA(spec, Primitive.CHECK, ServiceState.STARTED).outcome());
    }

    @Test
    void addressesFirstOnStartLastOnStop() throws Exception {
        final Path log = dir.resolve("log");
        final Path program = Fixtures.script(dir, "type",
                "if ip -o addr show dev eth0 | grep -q 192.0.2.88/24; then at=with; else at=without; fi",
                "echo \"$1 $at address\" >> " + log,
                "eval \"exit \\${VRRPD_PROP_exit_$1:-0}\"");
        final ServiceSpec spec = Fixtures.spec("web", program.toString(), "eth0", List.of("192.0.2.88/24"),
                Map.of());
        assertEquals(Outcome.SUCCESS, inA(spec, Primitive.START, null).outcome());
        assertEquals(Outcome.SUCCESS, inA(spec, Primitive.STOP, null).outcome());
        assertEquals(List.of("start with address", "stop with address"), Files.readAllLines(log));
        assertFalse(addressesOfA().contains("192.0.2.88"), addressesOfA());
    }

    @Test
    void aFailedStopStillRemovesTheAddresses() throws Exception {
        final Path program = Fixtures.script(dir, "type", "[ \"$1\" = stop ] && { echo stuck; exit 1; }", "exit 0");
        final ServiceSpec spec = Fixtures.spec("web", program.toString(), "eth0", List.of("192.0.2.89/24"), Map.of());
        assertEquals(Outcome.SUCCESS, inA(spec, Primitive.START, null).outcome());
        assertTrue(addressesOfA().contains("192.0.2.89/24"));
        final PrimitiveResult stop = inA(spec, Primitive.STOP, null);
        assertEquals(Outcome.ERROR, stop.outcome(), "the failed stop is reported: " + stop);
        assertTrue(stop.detail().contains("stuck"), stop.detail());
        assertFalse(addressesOfA().contains("192.0.2.89"), "a stopped service keeps no address: " + addressesOfA());
    }

    @Test
    void aFailedStartRemovesTheAddressesAgain() throws Exception {
        final Path program = Fixtures.script(dir, "type", "[ \"$1\" = start ] && exit 1", "exit 0");
        final ServiceSpec spec = Fixtures.spec("web", program.toString(), "eth0", List.of("192.0.2.90/24"), Map.of());
        final PrimitiveResult start = inA(spec, Primitive.START, null);
        assertEquals(Outcome.ERROR, start.outcome(), start.toString());
        assertTrue(start.detail().contains("addresses removed again"), start.detail());
        assertFalse(addressesOfA().contains("192.0.2.90"), addressesOfA());
    }

    @Test
    void aMissingLinkIsAClearStartError() throws Exception {
        final ServiceSpec spec = Fixtures.spec("vip", "ip", "nosuch0", List.of("192.0.2.91/24"), Map.of());
        final PrimitiveResult start = inA(spec, Primitive.START, null);
        assertEquals(Outcome.ERROR, start.outcome(), start.toString());
        assertTrue(start.detail().contains("link nosuch0 does not exist"), start.detail());
        assertEquals(Outcome.SUCCESS, inA(spec, Primitive.STOP, null).outcome(), "nothing to remove");
    }
}
