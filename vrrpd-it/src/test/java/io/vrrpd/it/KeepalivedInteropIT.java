package io.vrrpd.it;

import java.nio.file.Path;

/**
 * vrrpd (h1) and Debian's keepalived 2.2.7 (h2, {@link Keepalived}) on VRID 51: the {@link InteropScenario}s.
 * keepalived runs VRRPv3 with {@code advert_int 0.2} and VRRPv2 with {@code advert_int 1}, no VMAC (it puts the
 * virtual address on eth0), no authentication (v2 auth type 0, the only one vrrpd speaks).
 */
class KeepalivedInteropIT extends InteropScenario {
    @Override
    Peer newPeer(final Path dir, final Peer.Settings settings) {
        return new Keepalived(lab, PEER, dir, settings);
    }
}
