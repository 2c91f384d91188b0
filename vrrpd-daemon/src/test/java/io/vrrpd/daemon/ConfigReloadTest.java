package io.vrrpd.daemon;

import io.vrrpd.daemon.config.ClusterConfig;
import io.vrrpd.daemon.config.Endpoint;
import io.vrrpd.daemon.config.NodeConfig;
import io.vrrpd.daemon.config.WebConfig;
import io.vrrpd.daemon.web.WebSetup;
import io.vrrpd.protocol.IpAddress;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** SIGHUP's vrrpd.toml rule: which changed keys need a restart, named as docs/CONFIG.md names them. */
class ConfigReloadTest {

    private static final Endpoint A = Endpoint.parse("192.0.2.1:7800", 7800);
    private static final Endpoint B = Endpoint.parse("192.0.2.2:7800", 7800);
    private static final ClusterConfig CLUSTER = new ClusterConfig("c1", IpAddress.parse("192.0.2.1"), 7800,
            List.of(A, B), null, 5000, 3000);
    private static final NodeConfig NODE = new NodeConfig("h1", CLUSTER, WebConfig.OFF, 5000);

    private static WebSetup web(final String listen) {
        return new WebSetup(new WebConfig(Endpoint.parse(listen, 0), Path.of("/etc/vrrpd/tokens"), null, null), null,
                null);
    }

    @Test
    @DisplayName("the live keys (check_interval, token_file) need no restart; nothing changed: nothing")
    void shouldNeedNoRestartForLiveKeys() {
        assertEquals(List.of(), ConfigReload.restartNeeded(NODE, web("127.0.0.1:8080"),
                new NodeConfig("h1", CLUSTER, new WebConfig(null, Path.of("/etc/vrrpd/other"), null, null), 1000),
                new WebSetup(new WebConfig(Endpoint.parse("127.0.0.1:8080", 0), Path.of("/etc/vrrpd/other"), null,
                        null), null, null)));
    }

    @Test
    @DisplayName("[node] name, each [cluster] key and [web] listen need a restart")
    void shouldNameEachKeyThatNeedsARestart() {
        final ClusterConfig changed = new ClusterConfig("c2", IpAddress.parse("192.0.2.1"), 7800,
                List.of(A, B, Endpoint.parse("192.0.2.3", 7800)), Path.of("/etc/vrrpd/key"), 6000, 3000);
        assertEquals(List.of("[node] name", "[cluster] name", "[cluster] members", "[cluster] key_file",
                        "[cluster] fencing_delay", "[web] listen"),
                ConfigReload.restartNeeded(NODE, web("127.0.0.1:8080"), new NodeConfig("h9", changed, WebConfig.OFF,
                        5000), web("127.0.0.1:8081")));
        assertEquals(List.of("[cluster]", "[web] listen"), ConfigReload.restartNeeded(NODE, null,
                new NodeConfig("h1", null, WebConfig.OFF, 5000), web("127.0.0.1:8080")));
    }
}
