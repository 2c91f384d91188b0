package io.vrrpd.cluster;

import io.vrrpd.protocol.IpPrefix;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServiceSpecTest {

    private static ServiceSpec spec(final String name, final String type, final List<String> addresses,
                                    final String link, final long check, final Map<String, String> props) {
        return new ServiceSpec(name, type, addresses.stream().map(IpPrefix::parse).toList(), link, check,
                new TreeMap<>(props));
    }

    private static String refused(final String name, final String type, final List<String> addresses,
                                  final String link, final long check, final Map<String, String> props) {
        return assertThrows(IllegalArgumentException.class, () -> spec(name, type, addresses, link, check, props))
                .getMessage();
    }

    @Test
    void everyFieldIsCheckedWithAMessageThatNamesIt() {
        assertTrue(refused("-web", "ip", List.of("192.0.2.5/24"), "eth0", 0, Map.of())
                .startsWith("service name '-web' is not valid"));
        assertTrue(refused("web", "lsb:apache", List.of(), null, 0, Map.of()).startsWith("type 'lsb:apache' is not valid"));
        assertEquals("type ip needs at least one address (-a ADDR/PLEN,...)",
                refused("web", "ip", List.of(), null, 0, Map.of()));
        assertEquals("addresses need a link (-l LINK): the interface they are added to",
                refused("web", "ip", List.of("192.0.2.5/24"), null, 0, Map.of()));
        assertTrue(refused("web", "/bin/t", List.of(), null, 50, Map.of()).startsWith("check interval 50 ms"));
        assertTrue(refused("web", "/bin/t", List.of(), null, 0, Map.of("1x", "y"))
                .startsWith("property name '1x' is not valid"));
        assertEquals("type systemd needs the property unit (-P unit=NAME.service)",
                refused("web", "systemd", List.of(), null, 0, Map.of()));
        assertEquals("type exec needs the property command (-P command='...')",
                refused("web", "exec", List.of(), null, 0, Map.of()));
        spec("web", "ocf:heartbeat:IPaddr2", List.of(), null, 5000, Map.of("ip", "192.0.2.5"));
    }

    @Test
    void primaryConfigurationIsTypeAddressesLinkCheckAndWhatABuiltInTypeRuns() {
        final ServiceSpec exec = spec("web", "exec", List.of("192.0.2.5/24"), "eth0", 1000,
                Map.of("command", "httpd", "port", "80"));
        assertTrue(exec.samePrimary(exec.withProperties(Map.of("port", "8080"))));
        assertFalse(exec.samePrimary(exec.withProperties(Map.of("command", "nginx"))));
        assertFalse(exec.samePrimary(spec("web", "exec", List.of("192.0.2.6/24"), "eth0", 1000,
                Map.of("command", "httpd"))));
        assertEquals("8080", exec.withProperties(Map.of("port", "8080")).properties().get("port"));
        assertFalse(exec.withProperties(Map.of("port", "")).properties().containsKey("port"), "empty value removes");
    }
}
