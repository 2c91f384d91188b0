package io.vrrpd.it;

import java.nio.file.Path;

/**
 * vrrpd (h1) and FRR 8.4's vrrpd (h2, with zebra; {@link Frr}) on VRID 51: the {@link InteropScenario}s. FRR
 * runs with {@code vrrp 51 advertisement-interval 200} (ms) for VRRPv3 and {@code 1000} for VRRPv2, on the macvlan
 * vrrp4-2-51 / vrrp6-2-51 it requires. Over IPv6 FRR lists only the global address (no link-local) and sends from
 * the macvlan's own link-local address; vrrpd's address check leaves link-local addresses out, so it accepts them.
 */
class FrrInteropIT extends InteropScenario {
    @Override
    Peer newPeer(final Path dir, final Peer.Settings settings) {
        return new Frr(lab, PEER, dir, settings);
    }
}
