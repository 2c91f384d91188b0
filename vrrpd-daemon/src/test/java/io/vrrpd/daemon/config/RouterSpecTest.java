package io.vrrpd.daemon.config;

import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.IpAddress;
import io.vrrpd.protocol.IpPrefix;
import io.vrrpd.protocol.RouterConfig;
import io.vrrpd.protocol.VrrpVersion;
import io.vrrpd.protocol.wire.ChecksumForm;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RouterSpecTest {

    static RouterSpec.Builder v4() {
        return RouterSpec.builder("web", 51, "eth0", AddressFamily.IPV4).addresses(List.of(IpPrefix.parse("192.0.2.100/24")));
    }

    static RouterSpec.Builder v6() {
        return RouterSpec.builder("web6", 51, "eth0", AddressFamily.IPV6)
                .addresses(List.of(IpPrefix.parse("2001:db8::100/64")));
    }

    private static void assertRefused(final RouterSpec.Builder builder, final String... fragments) {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::build);
        for (final String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), () -> "'" + e.getMessage() + "' lacks '" + fragment + "'");
        }
        assertTrue(!e.getMessage().contains("\n"), "one line");
    }

    private static RouterSpec.Builder named(final String name) {
        return RouterSpec.builder(name, 51, "eth0", AddressFamily.IPV4).addresses(List.of(IpPrefix.parse("192.0.2.1")));
    }

    @Test
    @DisplayName("should default as DESIGN.md §2: 100, 1000 ms, v3, preempt, accept, virtual MAC, enabled")
    void shouldApplyDefaults() {
        final RouterSpec spec = v4().build();
        assertEquals(100, spec.priority());
        assertEquals(1000, spec.advIntervalMs());
        assertEquals(VrrpVersion.V3, spec.version());
        assertTrue(spec.preempt() && spec.accept() && spec.enabled());
        assertEquals(MacMode.VIRTUAL, spec.mac());
        assertEquals(ChecksumForm.PSEUDO_HEADER, spec.checksum());
        assertEquals("e-pa", spec.mode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"w", "web-1", "a.b_c", "A234567890123456789012345678901"})
    void shouldAcceptNames(final String name) {
        assertEquals(name, named(name).build().name());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1web", "-web", "we b", "web/1", "A2345678901234567890123456789012", "wéb"})
    void shouldRefuseBadNames(final String name) {
        assertRefused(named(name), "name: '" + name + "'", "1-31", "starting with a letter");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", "eth0:1", "a/b", "eth 0", "abcdefghijklmnop"})
    void shouldRefuseBadLinks(final String link) {
        assertRefused(RouterSpec.builder("web", 1, link, AddressFamily.IPV4).addresses(List.of(IpPrefix.parse("192.0.2.1"))),
                "link: '" + link + "'", "1-15 characters");
    }

    @Test
    @DisplayName("should take the protocol rules from RouterConfig, with its messages")
    void shouldReuseRouterConfigRules() {
        assertRefused(RouterSpec.builder("web", 0, "eth0", AddressFamily.IPV4).addresses(v4().build().addresses()),
                "vrid: 0", "1-255");
        assertRefused(v4().priority(0), "priority: 0", "1-255");
        assertRefused(v4().advIntervalMs(5), "adv_interval: 5 ms", "10-40950");
        assertRefused(v4().advIntervalMs(105), "adv_interval: 105 ms", "steps of 10 ms");
        assertRefused(v4().version(VrrpVersion.V2).advIntervalMs(500), "adv_interval: 500 ms", "whole seconds");
        assertRefused(v4().priority(255).accept(false), "accept_mode must be true for virtual IP owner");
        assertRefused(v4().addresses(List.of()), "address: at least one virtual address is required");
        assertRefused(v4().addresses(List.of(IpPrefix.parse("2001:db8::1"))), "address: 2001:db8::1/128 is not an IPv4");
        assertRefused(v4().addresses(List.of(IpPrefix.parse("224.0.0.5"))), "address:", "multicast");
        assertRefused(v6().version(VrrpVersion.V2), "version:", "IPv4 only");
    }

    @Test
    @DisplayName("should put the MAC-derived link-local address first when an IPv6 router has none")
    void shouldDeriveLinkLocal() {
        final RouterSpec spec = v6().build();
        assertEquals(List.of(IpPrefix.parse("fe80::200:5eff:fe00:233/64"), IpPrefix.parse("2001:db8::100/64")),
                spec.addresses());
        assertEquals("fe80::200:5eff:fe00:2ff/64", RouterSpec.derivedLinkLocal(255).toString());
        assertEquals(List.of(RouterSpec.derivedLinkLocal(51)), v6().addresses(List.of()).build().addresses());
    }

    @Test
    @DisplayName("should move a given IPv6 link-local address to the front instead of deriving one")
    void shouldKeepGivenLinkLocal() {
        final RouterSpec spec = v6().addresses(List.of(IpPrefix.parse("2001:db8::100/64"), IpPrefix.parse("fe80::1/64")))
                .build();
        assertEquals(List.of(IpPrefix.parse("fe80::1/64"), IpPrefix.parse("2001:db8::100/64")), spec.addresses());
    }

    @Test
    void shouldRefuseIpv4AddressOnIpv6Router() {
        assertRefused(v6().addresses(List.of(IpPrefix.parse("192.0.2.1"))), "address: 192.0.2.1/32 is not an IPv6");
    }

    @Test
    void shouldCheckUnicastPeers() {
        assertEquals(List.of(IpAddress.parse("192.0.2.2")),
                v4().unicastPeers(List.of(IpAddress.parse("192.0.2.2"))).build().unicastPeers());
        assertRefused(v4().unicastPeers(List.of(IpAddress.parse("2001:db8::2"))), "--unicast-peer: 2001:db8::2", "IPv4");
        assertRefused(v4().unicastPeers(List.of(IpAddress.parse("224.0.0.18"))), "--unicast-peer:", "multicast");
        assertRefused(v4().unicastPeers(List.of(IpAddress.parse("192.0.2.2"), IpAddress.parse("192.0.2.2"))),
                "--unicast-peer: 192.0.2.2 is listed twice");
    }

    @Test
    void shouldCheckDependsSyntax() {
        assertEquals(List.of("systemd:nginx.service", "tcp:127.0.0.1:80@weight=-20"),
                v4().depends(List.of("systemd:nginx.service", "tcp:127.0.0.1:80@weight=-20")).build().depends());
        assertRefused(v4().depends(List.of("nginx")), "--depends: 'nginx'", "systemd:UNIT");
    }

    @Test
    void shouldAllowMessageOnlyChecksumForV3Ipv4Only() {
        assertEquals(ChecksumForm.MESSAGE_ONLY, v4().checksum(ChecksumForm.MESSAGE_ONLY).build().checksum());
        assertRefused(v6().checksum(ChecksumForm.MESSAGE_ONLY), "checksum: message-only", "pseudo-header");
        assertRefused(v4().version(VrrpVersion.V2).checksum(ChecksumForm.MESSAGE_ONLY), "checksum:");
    }

    @Test
    @DisplayName("MODE: enabled, owner, preempt, accept in that order, '-' where unset")
    void shouldComputeMode() {
        assertEquals("eopa", v4().priority(255).build().mode());
        assertEquals("---a", v4().enabled(false).preempt(false).build().mode());
        assertEquals("e-p-", v4().accept(false).build().mode());
    }

    @Test
    void shouldDetectConflicts() {
        final RouterSpec a = v4().build();
        assertTrue(a.conflictsWith(named("other").build()));
        assertTrue(!a.conflictsWith(RouterSpec.builder("other", 52, "eth0", AddressFamily.IPV4)
                .addresses(a.addresses()).build()));
        assertTrue(!a.conflictsWith(RouterSpec.builder("other", 51, "eth1", AddressFamily.IPV4)
                .addresses(a.addresses()).build()));
        assertTrue(!a.conflictsWith(a));
        assertTrue(!a.conflictsWith(v6().build()));
    }

    @Test
    void shouldBuildRouterConfigWithPrimaryAddress() {
        final RouterConfig config = v4().priority(120).build().toConfig(IpAddress.parse("192.0.2.1"));
        assertEquals(120, config.priority());
        assertEquals(IpAddress.parse("192.0.2.1"), config.primaryAddress());
        assertEquals(1_000_000_000L, config.advertisementIntervalNanos());
    }
}
