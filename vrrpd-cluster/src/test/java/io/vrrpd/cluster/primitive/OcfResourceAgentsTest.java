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
 * Real OCF agents from Debian's resource-agents (scripts/test installs it): ocf:heartbeat:Dummy (a state file)
 * and ocf:heartbeat:IPaddr2, run from a thread inside a lab network namespace so the agent's {@code ip} commands
 * act there (a child is in its forking thread's namespace: {@link ChildNamespaceTest}).
 */
@Timeout(60)
class OcfResourceAgentsTest {
    private static final Duration IN_NS = Duration.ofSeconds(30);
    private static NetnsLab lab;
    private final LocalPrimitiveRunner runner = new LocalPrimitiveRunner(Fixtures.FAST);

    @TempDir
    Path dir;

    @BeforeAll
    static void setUp() {
        for (final String agent : List.of("Dummy", "IPaddr2")) {
            assertTrue(Files.isExecutable(LocalPrimitiveRunner.OCF_ROOT.resolve("resource.d/heartbeat/" + agent)),
                    "ocf:heartbeat:" + agent + " is not installed: apt-get install -y resource-agents");
        }
        NetnsLab.assumeRoot();
        lab = NetnsLab.create();
        lab.addHost("a");
        lab.connect("a", "eth0", "192.0.2.1/24");
    }

    @AfterAll
    static void tearDown() {
        if (lab != null) {
            final String prefix = lab.prefix();
            lab.close();
            assertEquals(List.of(), NetnsLab.existingWithPrefix(prefix), "lab namespaces left behind");
        }
    }

    private PrimitiveResult run(final ServiceSpec spec, final Primitive primitive, final ServiceState state)
            throws InterruptedException {
        return runner.run(spec, primitive, Fixtures.inState(state));
    }

    @Test
    void dummyStartMonitorStop() throws Exception {
        final Path state = dir.resolve("dummy.state");
        final ServiceSpec spec = Fixtures.spec("dummy", "ocf:heartbeat:Dummy", Map.of("state", state.toString()));

        assertEquals(Outcome.SUCCESS, run(spec, Primitive.CHECK, ServiceState.STOPPED).outcome(),
                "not running (7) where stopped is fine");
        final PrimitiveResult notStarted = run(spec, Primitive.CHECK, ServiceState.STARTED);
        assertEquals(Outcome.CHECK_FAILING, notStarted.outcome(), notStarted.toString());
        assertEquals(7, notStarted.exitCode());
        assertTrue(notStarted.detail().contains("OCF_NOT_RUNNING (7): No process state file found"),
                "the agent's ocf-exit-reason is the detail: " + notStarted.detail());

        assertEquals(Outcome.SUCCESS, run(spec, Primitive.START, null).outcome());
        assertTrue(Files.exists(state), "Dummy's start writes its state file");
        assertEquals(Outcome.SUCCESS, run(spec, Primitive.CHECK, ServiceState.STARTED).outcome());
        final PrimitiveResult stray = run(spec, Primitive.CHECK, ServiceState.STOPPED);
        assertEquals(Outcome.CHECK_FAILING, stray.outcome(), "running where stopped: " + stray);
        assertEquals("running", run(spec, Primitive.STATUS, null).detail());
        final PrimitiveResult reload = run(spec, Primitive.RELOAD, null);
        assertEquals(Outcome.SUCCESS, reload.outcome(), "Dummy lists reload in its meta-data: " + reload);

        assertEquals(Outcome.SUCCESS, run(spec, Primitive.STOP, null).outcome());
        assertFalse(Files.exists(state), "Dummy's stop removes its state file");
        assertEquals(Outcome.CHECK_FAILING, run(spec, Primitive.CHECK, ServiceState.STARTED).outcome());
        assertEquals("not running", run(spec, Primitive.STATUS, null).detail());
        assertEquals(Outcome.SUCCESS, run(spec, Primitive.STOP, null).outcome(), "stop is idempotent");
    }

    @Test
    void ipaddr2InANamespace() throws Exception {
        final ServiceSpec spec = Fixtures.spec("vip", "ocf:heartbeat:IPaddr2", Map.of("ip", "192.0.2.50",
                "cidr_netmask", "24", "nic", "eth0", "arp_bg", "false", "arp_count", "1"));
        final String ns = lab.ns("a");
        final PrimitiveResult start = lab.in("a", IN_NS, () -> run(spec, Primitive.START, null));
        assertEquals(Outcome.SUCCESS, start.outcome(), start.toString());
        assertTrue(NetnsLab.run("ip", "-n", ns, "-o", "addr", "show", "dev", "eth0").contains("192.0.2.50/24"),
                "IPaddr2 added the address in the lab namespace");
        final PrimitiveResult check = lab.in("a", IN_NS, () -> run(spec, Primitive.CHECK, ServiceState.STARTED));
        assertEquals(Outcome.SUCCESS, check.outcome(), check.toString());

        final PrimitiveResult stop = lab.in("a", IN_NS, () -> run(spec, Primitive.STOP, null));
        assertEquals(Outcome.SUCCESS, stop.outcome(), stop.toString());
        assertFalse(NetnsLab.run("ip", "-n", ns, "-o", "addr", "show", "dev", "eth0").contains("192.0.2.50"),
                "IPaddr2 removed the address");
        final PrimitiveResult after = lab.in("a", IN_NS, () -> run(spec, Primitive.CHECK, ServiceState.STARTED));
        assertEquals(Outcome.CHECK_FAILING, after.outcome(), after.toString());
        assertEquals(7, after.exitCode());
    }
}
