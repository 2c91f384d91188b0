package io.vrrpd.sim;

import io.vrrpd.protocol.AddressFamily;

/**
 * One virtual router as the LAN sees it: every router with this VRID and family on this LAN takes part in
 * the same election (RFC 5798 §1: the IPv4 and IPv6 routers of one VRID are separate instances).
 *
 * @param lan    the LAN's name
 * @param vrid   Virtual Router Identifier
 * @param family the address family
 */
public record GroupKey(String lan, int vrid, AddressFamily family) {

    @Override
    public String toString() {
        return lan + " vrid " + vrid + " " + family.display();
    }
}
