package io.vrrpd.sim;

import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.IpAddress;

/**
 * Names one router for the timeline: where it is (LAN, host), which election it takes part in (VRID,
 * family) and its primary address, the one its peers see in their logs and the RFC 5798 §6.4.3 tie-breaker.
 *
 * @param lan     the LAN's name
 * @param host    the host's name
 * @param vrid    Virtual Router Identifier
 * @param family  the address family
 * @param address the router's primary address
 */
public record RouterId(String lan, String host, int vrid, AddressFamily family, IpAddress address) {

    /** The election this router takes part in. */
    public GroupKey group() {
        return new GroupKey(lan, vrid, family);
    }

    @Override
    public String toString() {
        return host + " vrid " + vrid + " " + family.display() + " " + address;
    }
}
