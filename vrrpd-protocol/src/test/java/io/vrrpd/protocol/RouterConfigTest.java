package io.vrrpd.protocol;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RouterConfigTest {

    private static RouterConfig.Builder v4() {
        return RouterConfig.builder("web", 51, AddressFamily.IPV4).primaryAddress("192.0.2.1")
                .virtualAddresses("192.0.2.100/24");
    }

    private static void assertRefused(final RouterConfig.Builder builder, final String... fragments) {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::build);
        for (final String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), () -> "'" + e.getMessage() + "' lacks '" + fragment + "'");
        }
    }

    @Test
    @DisplayName("should default as DESIGN.md §2: priority 100, 1000 ms, v3, preempt, accept, pseudo-header checksum")
    void shouldApplyDefaults() {
        final RouterConfig config = v4().build();
        assertEquals(100, config.priority());
        assertEquals(1_000_000_000L, config.advertisementIntervalNanos());
        assertEquals(VrrpVersion.V3, config.version());
        assertTrue(config.preempt());
        assertTrue(config.accept());
    }

    @Test
    @DisplayName("RFC 5798 §5.2.3: VRID is 1-255")
    void shouldRefuseVridOutOfRange() {
        assertRefused(RouterConfig.builder("web", 0, AddressFamily.IPV4).primaryAddress("192.0.2.1")
                .virtualAddresses("192.0.2.100"), "vrid", "0", "1-255");
        assertRefused(RouterConfig.builder("web", 256, AddressFamily.IPV4).primaryAddress("192.0.2.1")
                .virtualAddresses("192.0.2.100"), "vrid", "1-255");
    }

    @Test
    @DisplayName("RFC 5798 §5.2.4: priority is 1-255")
    void shouldRefusePriorityOutOfRange() {
        assertRefused(v4().priority(0), "priority", "1-255");
        assertRefused(v4().priority(256), "priority", "1-255");
    }

    @Test
    @DisplayName("RFC 5798 §5.2.7: v3 interval is 10-40950 ms in centiseconds")
    void shouldRefuseV3IntervalsTheWireCannotCarry() {
        assertRefused(v4().intervalMillis(5), "adv_interval", "10-40950 ms");
        assertRefused(v4().intervalMillis(40960), "adv_interval", "10-40950 ms");
        assertRefused(v4().intervalMillis(105), "adv_interval", "105 ms", "steps of 10 ms");
        assertEquals(10_000_000L, v4().intervalMillis(10).build().advertisementIntervalNanos());
        assertEquals(40_950_000_000L, v4().intervalMillis(40950).build().advertisementIntervalNanos());
    }

    @Test
    @DisplayName("RFC 3768 §5.3.7: v2 interval is whole seconds; sub-second is refused, not rounded")
    void shouldRefuseSubSecondV2Intervals() {
        assertRefused(v4().version(VrrpVersion.V2).intervalMillis(500), "adv_interval", "500 ms", "whole seconds");
        assertRefused(v4().version(VrrpVersion.V2).intervalMillis(1500), "whole seconds");
        assertRefused(v4().version(VrrpVersion.V2).intervalMillis(256_000), "1000-255000 ms");
        assertEquals(2_000_000_000L, v4().version(VrrpVersion.V2).intervalMillis(2000).build()
                .advertisementIntervalNanos());
    }

    @Test
    @DisplayName("RFC 3768 is IPv4 only")
    void shouldRefuseV2OverIpv6() {
        assertRefused(RouterConfig.builder("v6", 5, AddressFamily.IPV6).version(VrrpVersion.V2)
                .primaryAddress("fe80::1").virtualAddresses("fe80::5"), "VRRPv2", "IPv4 only");
    }

    @Test
    @DisplayName("Solaris vrrpadm: no_accept with priority 255 is refused")
    void shouldRefuseOwnerWithoutAccept() {
        assertRefused(v4().priority(255).accept(false), "accept_mode must be true for virtual IP owner");
    }

    @Test
    @DisplayName("RFC 5798 §5.2.9: the first IPv6 address is the link-local one")
    void shouldRequireLinkLocalFirstForIpv6() {
        assertRefused(RouterConfig.builder("v6", 5, AddressFamily.IPV6).primaryAddress("fe80::1")
                .virtualAddresses("2001:db8::5/64"), "link-local");
        RouterConfig.builder("v6", 5, AddressFamily.IPV6).primaryAddress("fe80::1")
                .virtualAddresses("fe80::5/64", "2001:db8::5/64").build();
    }

    @Test
    @DisplayName("RFC 5798 §5.1.2.1: an IPv6 router's primary address (its advertisement source) is link-local")
    void shouldRequireLinkLocalPrimaryForIpv6() {
        assertRefused(RouterConfig.builder("v6", 5, AddressFamily.IPV6).primaryAddress("2001:db8::2")
                .virtualAddresses("fe80::5/64"), "primary address", "not link-local", "§5.1.2.1");
    }

    @Test
    void shouldRefuseMixedFamiliesDuplicatesAndMulticast() {
        assertRefused(v4().virtualAddresses("2001:db8::1"), "address", "not an IPv4 address");
        assertRefused(v4().virtualAddresses("192.0.2.5", "192.0.2.5/24"), "listed twice");
        assertRefused(v4().virtualAddresses("224.0.0.18"), "multicast");
        assertRefused(v4().virtualAddresses(), "at least one");
        assertRefused(v4().primaryAddress("2001:db8::1"), "primary address");
    }

    @Test
    @DisplayName("issue 10 item 6: unspecified, loopback, multicast, IPv4 link-local and /0 are no virtual addresses")
    void shouldRefuseAddressesThatWouldTakeOverTheHostsOwnTraffic() {
        assertRefused(v4().virtualAddresses("0.0.0.0/0"), "address: 0.0.0.0/0 is the unspecified address", "allowed:");
        assertRefused(v4().virtualAddresses("127.0.0.1/8"), "address: 127.0.0.1/8 is a loopback address", "allowed:");
        assertRefused(v4().virtualAddresses("169.254.1.1/16"), "IPv4 link-local", "allowed:");
        assertRefused(v4().virtualAddresses("239.1.1.1/32"), "multicast");
        assertRefused(v4().virtualAddresses("192.0.2.5/0"), "192.0.2.5/0 has a /0 prefix", "allowed:");
        final RouterConfig.Builder v6 = RouterConfig.builder("v6", 5, AddressFamily.IPV6).primaryAddress("fe80::2");
        assertRefused(v6.virtualAddresses("fe80::5/64", "::1/128"), "::1/128 is a loopback address");
        assertRefused(v6.virtualAddresses("fe80::5/64", "::/0"), "is the unspecified address");
        assertRefused(v6.virtualAddresses("fe80::5/64", "2001:db8::5/0"), "/0 prefix");
        // What stays allowed: ordinary unicast addresses, and the IPv6 link-local first address.
        v4().virtualAddresses("192.0.2.5/24", "198.51.100.1/32").build();
        v6.virtualAddresses("fe80::5/64", "2001:db8::5/64").build();
    }

    @Test
    @DisplayName("RFC 5798 §5.1: one advertisement must fit an unfragmented 1500-byte packet")
    void shouldRefuseTooManyAddresses() {
        final String[] many = new String[400];
        for (int i = 0; i < many.length; i++) {
            many[i] = (i < 250 ? "198.51.100." : "203.0.113.") + (1 + i % 250);
        }
        assertRefused(v4().virtualAddresses(many), "do not fit", "1-255");
    }
}
