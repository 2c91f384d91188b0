package io.vrrpd.linux;

import io.vrrpd.linux.RtnetlinkCodec.Message;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * Link and address events of one network namespace: a NETLINK_ROUTE socket subscribed to RTMGRP_LINK,
 * RTMGRP_IPV4_IFADDR and RTMGRP_IPV6_IFADDR, decoded into {@link RtnetlinkEvent}s.
 *
 * <p>Sized for scale: the receive buffer is {@link #RECEIVE_BUFFER_BYTES} (SO_RCVBUFFORCE as root, so
 * rmem_max does not cap it), because a burst of changes — a thousand routers' macvlans coming up — must not
 * overrun it; if it overruns anyway the kernel reports ENOBUFS, which becomes an
 * {@link RtnetlinkEvent.Overrun} telling the caller to resynchronise.
 *
 * <p>One thread polls; open it on the thread (namespace) to watch.
 */
public final class RtnetlinkMonitor implements AutoCloseable {
    /** linux/rtnetlink.h legacy multicast group bits for bind(2). */
    static final int RTMGRP_LINK = 0x1;
    static final int RTMGRP_IPV4_IFADDR = 0x10;
    static final int RTMGRP_IPV6_IFADDR = 0x100;
    public static final int RECEIVE_BUFFER_BYTES = 8 * 1024 * 1024;
    /** At most this many queued datagrams are drained per {@link #poll} call, so one call is bounded. */
    private static final int MAX_DATAGRAMS_PER_POLL = 256;

    private final NetlinkSocket socket;
    private final int receiveBuffer;

    private RtnetlinkMonitor(final NetlinkSocket socket, final int receiveBuffer) {
        this.socket = socket;
        this.receiveBuffer = receiveBuffer;
    }

    /** Subscribes in the calling thread's network namespace. */
    public static RtnetlinkMonitor open() throws ErrnoException {
        return open(RECEIVE_BUFFER_BYTES);
    }

    /** As {@link #open()} with another receive buffer size (tests provoke overruns with a tiny one). */
    static RtnetlinkMonitor open(final int receiveBufferBytes) throws ErrnoException {
        final NetlinkSocket socket = NetlinkSocket.open(RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR,
                "rtnetlink monitor");
        try {
            return new RtnetlinkMonitor(socket, socket.receiveBuffer(receiveBufferBytes));
        } catch (ErrnoException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** The receive buffer the kernel granted, in bytes. */
    public int receiveBuffer() {
        return receiveBuffer;
    }

    /**
     * Waits up to {@code timeoutMillis} for events, then hands everything already queued (bounded) to
     * {@code sink}.
     *
     * @return how many events were delivered; 0 on timeout
     */
    public int poll(final int timeoutMillis, final Consumer<? super RtnetlinkEvent> sink) throws ErrnoException {
        int delivered = 0;
        for (int i = 0; i < MAX_DATAGRAMS_PER_POLL; i++) {
            final ByteBuffer datagram;
            try {
                datagram = socket.receive(i == 0 ? Math.max(1, timeoutMillis) : 0);
            } catch (ErrnoException e) {
                if (e.errno() != Errno.ENOBUFS) {
                    throw e;
                }
                sink.accept(new RtnetlinkEvent.Overrun());
                delivered++;
                continue;
            }
            if (datagram == null) {
                break;
            }
            for (final Message message : RtnetlinkCodec.messages(datagram)) {
                final RtnetlinkEvent event = decode(message);
                if (event != null) {
                    sink.accept(event);
                    delivered++;
                }
            }
        }
        return delivered;
    }

    /** One message as an event; null for messages we do not report (or cannot decode). */
    static RtnetlinkEvent decode(final Message message) {
        return switch (message.type()) {
            case RtnetlinkCodec.RTM_NEWLINK -> new RtnetlinkEvent.LinkChanged(RtnetlinkCodec.decodeLink(message));
            case RtnetlinkCodec.RTM_DELLINK -> new RtnetlinkEvent.LinkRemoved(RtnetlinkCodec.decodeLink(message));
            case RtnetlinkCodec.RTM_NEWADDR -> {
                final LinkAddress address = RtnetlinkCodec.decodeAddress(message);
                yield address == null ? null : new RtnetlinkEvent.AddressAdded(address);
            }
            case RtnetlinkCodec.RTM_DELADDR -> {
                final LinkAddress address = RtnetlinkCodec.decodeAddress(message);
                yield address == null ? null : new RtnetlinkEvent.AddressRemoved(address);
            }
            case RtnetlinkCodec.NLMSG_OVERRUN -> new RtnetlinkEvent.Overrun();
            default -> null;
        };
    }

    @Override
    public void close() {
        socket.close();
    }
}
