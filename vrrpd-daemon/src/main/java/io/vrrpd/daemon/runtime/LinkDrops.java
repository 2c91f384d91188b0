package io.vrrpd.daemon.runtime;

import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.wire.Verdict;

/**
 * Packets a link's receiver dropped before they reached a router (vrrp_link_drops_total).
 *
 * @param link   the link
 * @param family its address family
 * @param drops  by {@link Verdict#ordinal()}
 */
public record LinkDrops(String link, AddressFamily family, long[] drops) {
    public LinkDrops {
        drops = drops.clone();
    }

    @Override
    public long[] drops() {
        return drops.clone();
    }
}
