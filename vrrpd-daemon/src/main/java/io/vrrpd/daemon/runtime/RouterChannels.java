package io.vrrpd.daemon.runtime;

import io.vrrpd.linux.Errno;
import io.vrrpd.linux.ErrnoException;
import io.vrrpd.protocol.AddressFamily;

import java.util.HashMap;
import java.util.Map;

/**
 * The open {@link LinkChannel}s, one per (link index, address family), shared by the routers on it. Keyed by
 * the link's index, not its name: a link deleted and created again under the same name ({@code ip link del
 * eth0}, then add) is another link with another index, and a channel's socket is bound to the old one. Keyed
 * by name, a router re-created on the new link would join the old channel while another router still held
 * it, and hear nothing. A channel is closed (its socket and receiver with it) when its last router leaves.
 * Loop thread only.
 */
final class RouterChannels {
    private record Key(int ifindex, AddressFamily family) {
    }

    private final VrrpLoop loop;
    private final Map<Key, LinkChannel> channels = new HashMap<>();

    RouterChannels(final VrrpLoop loop) {
        this.loop = loop;
    }

    /** The channel of link {@code ifindex} (named {@code link}) for {@code family}, opened if needed. */
    LinkChannel open(final String link, final int ifindex, final AddressFamily family) throws ErrnoException {
        final LinkChannel existing = channels.get(new Key(ifindex, family));
        if (existing != null) {
            return existing;
        }
        final LinkChannel channel = new LinkChannel(link, family, loop);
        if (channel.ifindex() != ifindex) {
            // The name moved to another link between the lookup and the bind: the next link event reconciles.
            channel.close();
            throw new ErrnoException("bind the VRRP socket to " + link + " (re-created meanwhile)", Errno.ENODEV);
        }
        channels.put(new Key(ifindex, family), channel);
        return channel;
    }

    /** Detaches {@code vrid} from {@code channel}; the last router to leave closes it. */
    void release(final LinkChannel channel, final int vrid) {
        channel.detach(vrid);
        if (channel.isEmpty()) {
            channels.remove(new Key(channel.ifindex(), channel.family()), channel);
            channel.close();
        }
    }

    /** The open channel on the link named {@code link} for {@code family}, or null (for show-router). */
    LinkChannel find(final String link, final AddressFamily family) {
        for (final LinkChannel channel : channels.values()) {
            if (channel.link().equals(link) && channel.family() == family) {
                return channel;
            }
        }
        return null;
    }

    /** How many channels (sockets) are open: one per link and family in use. */
    int size() {
        return channels.size();
    }

    void closeAll() {
        channels.values().forEach(LinkChannel::close);
        channels.clear();
    }
}
