package io.vrrpd.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vrrpd.cluster.ClusterStatus;
import io.vrrpd.cluster.ServiceAdmin;
import io.vrrpd.cluster.ServiceException;
import io.vrrpd.cluster.ServiceSpec;
import io.vrrpd.cluster.ServiceState;
import io.vrrpd.cluster.ServiceStatus;
import io.vrrpd.cluster.membership.ClusterView;
import io.vrrpd.daemon.control.ControlServer;
import io.vrrpd.daemon.control.ServiceControl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * vrrpadm against the daemon's real service verbs ({@link ServiceControl} over {@link ControlServer}) with a small
 * in-memory {@link ServiceAdmin}: the CLI's argument keys must be the ones the daemon reads, every column of
 * show-service and show-cluster must be a key the daemon sends, and refusals must reach the operator unchanged.
 */
class VrrpadmAgainstServiceControlTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private ControlServer server;
    private final List<ServiceSpec> specs = new ArrayList<>();

    /** Keeps created specs; every service is started on h1 and active on h1 and h2, h2 failed. */
    private final class MemoryAdmin implements ServiceAdmin {
        @Override
        public void create(final ServiceSpec spec) throws ServiceException {
            if (specs.stream().anyMatch(s -> s.name().equals(spec.name()))) {
                throw new ServiceException("service '" + spec.name() + "' already exists");
            }
            specs.add(spec);
        }

        @Override
        public void delete(final String name) {
            specs.removeIf(s -> s.name().equals(name));
        }

        @Override
        public List<NodeResult> activate(final String name, final List<String> nodes) {
            return nodes.stream().map(n -> new NodeResult(n, true, "exit 0")).toList();
        }

        @Override
        public List<NodeResult> deactivate(final String name, final List<String> nodes) {
            return activate(name, nodes);
        }

        @Override
        public void start(final String name, final String node) {
        }

        @Override
        public void stop(final String name) {
        }

        @Override
        public NodeResult restart(final String name) {
            return new NodeResult("h1", true, "exit 0");
        }

        @Override
        public NodeResult reload(final String name) {
            return restart(name);
        }

        @Override
        public List<NodeResult> update(final String name, final Map<String, String> changes) {
            final ServiceSpec spec = specs.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
            specs.set(specs.indexOf(spec), spec.withProperties(changes));
            return List.of(new NodeResult("h1", true, "exit 0"), new NodeResult("h2", false, "exit 1: read-only"));
        }

        @Override
        public List<NodeResult> check(final String name) {
            return List.of(new NodeResult("h1", true, "fine"));
        }

        @Override
        public void clear(final String name, final String node) {
        }

        @Override
        public List<ServiceStatus> services() {
            return specs.stream().map(spec -> new ServiceStatus(spec, ServiceState.STARTED, "h1", List.of("h1", "h2"),
                    true, List.of(new ServiceStatus.NodeRow("h1", true, ServiceState.STARTED, 1_000, "fine", "start",
                            1_000, "exit 0", "up"), new ServiceStatus.NodeRow("h2", true, ServiceState.FAILED, 0, "",
                            "", 0, "", "")))).toList();
        }

        @Override
        public ClusterStatus cluster() {
            return new ClusterStatus("c", "h1", new ClusterView(3, List.of("h1", "h2"), true, 2, List.of(
                    new ClusterView.Member("h1", "192.0.2.1:7800", true),
                    new ClusterView.Member("h2", "192.0.2.2:7800", true),
                    new ClusterView.Member("h3", "192.0.2.3:7800", false))));
        }
    }

    private record Run(int status, String out, String err) {
    }

    @BeforeEach
    void start() throws IOException {
        server = ControlServer.start(dir.resolve("vrrpd.sock"), new ServiceControl(new MemoryAdmin(), 5000,
                () -> 3_000));
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    private Run vrrpadm(final String... args) {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int status = VrrpadmMain.run(args, new PrintWriter(out), new PrintWriter(err),
                Map.of("VRRPD_SOCKET", server.path().toString()));
        return new Run(status, out.toString(), err.toString());
    }

    @Test
    @DisplayName("create-service's options become the ServiceSpec; update-service's -P merge into its properties")
    void shouldCreateAndUpdate() {
        assertEquals(new Run(0, "", ""), vrrpadm("create-service", "-t", "ip", "-a", "192.0.2.50/24", "-l", "eth0",
                "-c", "250", "-P", "note=a b", "vip"));
        assertEquals(List.of(new ServiceSpec("vip", "ip", List.of(io.vrrpd.protocol.IpPrefix.parse("192.0.2.50/24")),
                "eth0", 250, new TreeMap<>(Map.of("note", "a b")))), specs);
        assertEquals(new Run(1, "h1: ok: exit 0\nh2: failed: exit 1: read-only\n",
                "vrrpadm: update-service vip: failed on h2\n"), vrrpadm("update-service", "-P", "note=", "-P", "x=1", "vip"));
        assertEquals(new TreeMap<>(Map.of("x", "1")), specs.getFirst().properties());
    }

    @Test
    @DisplayName("the daemon's refusals reach the operator as one line naming the field: exit 1")
    void shouldPassRefusalsThrough() {
        assertEquals(new Run(1, "", "vrrpadm: check_interval: check interval 50 ms is out of range: allowed are 0 (no"
                + " periodic check) or 100-86400000 ms\n"), vrrpadm("create-service", "-t", "exec", "-c", "50", "-P",
                "command=sleep 1", "x"));
        assertEquals(new Run(1, "", "vrrpadm: properties: type systemd needs the property unit (-P unit=NAME.service)\n"),
                vrrpadm("create-service", "-t", "systemd", "x"));
        assertEquals(0, vrrpadm("create-service", "-t", "exec", "-P", "command=sleep 1", "x").status());
        assertEquals(new Run(1, "", "vrrpadm: service 'x' already exists\n"),
                vrrpadm("create-service", "-t", "exec", "-P", "command=sleep 1", "x"));
        assertEquals(new Run(1, "", "vrrpadm: properties: property name '9x' is not valid: allowed are 1-64 of A-Z a-z"
                + " 0-9 _, not starting with a digit\n"), vrrpadm("update-service", "-P", "9x=1", "x"));
        assertEquals(new Run(1, "", "vrrpadm: service 'y' does not exist\n"), vrrpadm("show-service", "y"));
    }

    @Test
    @DisplayName("every column of show-service and show-cluster is a key the daemon sends")
    void shouldSendEveryColumn() throws IOException {
        vrrpadm("create-service", "-t", "exec", "-a", "192.0.2.9/24", "-l", "eth0", "-P", "command=sleep 1", "x");
        final JsonNode services = JSON.readTree(vrrpadm("show-service", "--json", "-o", "all").out());
        assertEquals(2, services.size(), "one row per node");
        for (final ServiceField field : ServiceField.values()) {
            assertTrue(services.get(0).has(field.key()), field.name());
            assertFalse(services.get(0).get(field.key()).isNull(), field.name() + " has a value on h1");
        }
        assertEquals("x:h1:started:fine 2.000s ago:start 2.000s ago\nx:h2:failed::\n",
                vrrpadm("show-service", "-p", "-o", "name,node,state,last_check,last_action").out());
        final JsonNode cluster = JSON.readTree(vrrpadm("show-cluster", "--json").out());
        assertEquals(3, cluster.size());
        for (final ClusterField field : ClusterField.values()) {
            assertFalse(cluster.get(0).get(field.key()).isNull(), field.name());
        }
        assertEquals("h1:up:coordinator:3:yes\nh2:up:member:3:yes\nh3:down:::\n",
                vrrpadm("show-cluster", "-p", "-o", "node,status,role,view,quorum").out());
    }
}
