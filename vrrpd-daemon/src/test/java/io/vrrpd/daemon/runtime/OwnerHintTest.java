package io.vrrpd.daemon.runtime;

import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.RouterConfig;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The "another Master" line of an address owner advertising from the address it owns says why the other Master
 * may not hear it (a Linux peer holding the address drops our packets as a martian source), and only then.
 */
class OwnerHintTest {
    @Test
    void shouldExplainTheMartianSourceOnlyForAnOwnerAdvertisingFromTheAddressItOwns() {
        final RouterConfig fromOwned = RouterConfig.builder("own", 51, AddressFamily.IPV4).priority(255)
                .primaryAddress("192.0.2.1").virtualAddresses("192.0.2.1/24").build();
        assertEquals(" (it does not hear us if it holds 192.0.2.1 itself: a Linux peer drops packets from an address"
                + " it holds unless net.ipv4.conf.all.accept_local=1 there)", RouterInstance.ownerHint(fromOwned));
        final RouterConfig fromAnother = RouterConfig.builder("own", 51, AddressFamily.IPV4).priority(255)
                .primaryAddress("192.0.2.9").virtualAddresses("192.0.2.1/24").build();
        assertEquals("", RouterInstance.ownerHint(fromAnother), "advertising from another address: heard");
        final RouterConfig notOwner = RouterConfig.builder("web", 51, AddressFamily.IPV4).priority(200)
                .primaryAddress("192.0.2.1").virtualAddresses("192.0.2.100/24").build();
        assertEquals("", RouterInstance.ownerHint(notOwner));
    }
}
