package io.vrrpd.linux;

import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.IpPrefix;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sysctls written from a thread inside a lab namespace land in that namespace (and only there). */
@Timeout(60)
class SysctlTest {
    private static final Duration IN_NS = Duration.ofSeconds(10);
    private static NetnsLab lab;

    @BeforeAll
    static void setUp() {
        NetnsLab.assumeRoot();
        lab = NetnsLab.create();
        lab.addHost("a");
        lab.connect("a", "eth0", "192.0.2.1/24", "2001:db8::1/64");
    }

    @AfterAll
    static void tearDown() {
        if (lab != null) {
            final String prefix = lab.prefix();
            lab.close();
            assertEquals(List.of(), NetnsLab.existingWithPrefix(prefix), "lab namespaces left behind");
        }
    }

    private static String sysctlInLab(final String key) {
        return lab.inNs(lab.ns("a"), "sysctl", "-n", key).trim();
    }

    @Test
    void shouldPrepareTheParentLinkInsideTheNamespace() throws Exception {
        lab.in("a", IN_NS, () -> {
            Sysctl.prepareParentLink("eth0");
            return null;
        });
        assertEquals("1", sysctlInLab("net.ipv4.conf.eth0.arp_ignore"));
        assertEquals("2", sysctlInLab("net.ipv4.conf.eth0.arp_announce"));
        assertEquals(1, (int) lab.in("a", IN_NS, () -> Sysctl.readInt(Sysctl.ipv4Conf("eth0", "arp_ignore"))));
    }

    @Test
    void shouldFailForALinkThatDoesNotExist() {
        final IOException e = assertThrows(IOException.class, () -> lab.in("a", IN_NS, () -> {
            Sysctl.writeInt(Sysctl.ipv4Conf("nosuch0", "arp_ignore"), 1);
            return null;
        }));
        assertTrue(e.getMessage().contains("nosuch0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Sysctl.path("net", "..", "kernel"));
    }

    /** With keep_addr_on_down a macvlan keeps its IPv6 virtual address across down (RtnetlinkTest shows the default). */
    @Test
    void shouldKeepIpv6AddressesAcrossDown() throws Exception {
        final IpPrefix vip6 = IpPrefix.parse("2001:db8::100/64");
        try (Rtnetlink rtnl = lab.in("a", IN_NS, Rtnetlink::open)) {
            final int index = rtnl.createMacvlan("vr60", rtnl.linkIndex("eth0"),
                    MacAddress.of(AddressFamily.IPV6.virtualMac(60)), MacvlanMode.BRIDGE, AddrGenMode.NONE);
            try {
                lab.in("a", IN_NS, () -> {
                    Sysctl.keepIpv6AddressesOnDown("vr60");
                    return null;
                });
                rtnl.addAddress(index, vip6);
                rtnl.setLinkUp(index, true);
                rtnl.setLinkUp(index, false);
                assertTrue(rtnl.addresses(index).stream().anyMatch(a -> a.prefix().equals(vip6)),
                        rtnl.addresses(index).toString());
            } finally {
                rtnl.deleteLink(index);
            }
        }
    }
}
