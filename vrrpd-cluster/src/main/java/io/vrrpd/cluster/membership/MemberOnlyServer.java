package io.vrrpd.cluster.membership;

import org.jgroups.Address;
import org.jgroups.blocks.cs.NioConnection;
import org.jgroups.blocks.cs.NioServer;
import org.jgroups.stack.IpAddress;
import org.jgroups.util.SocketFactory;
import org.jgroups.util.ThreadFactory;
import org.jgroups.util.TimeScheduler;
import org.jgroups.util.Util;

import java.io.EOFException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * JGroups' NIO server (the cluster port, and FD_SOCK2's port + 100) with what it lacks against a host on the LAN
 * that does not hold the key. Authentication (SYM_ENCRYPT) sits above the framing: before it, JGroups reads a
 * plaintext preamble (cookie, version, the peer's claimed address) and then a 4-byte length, for which it
 * allocates a (direct) buffer of that size. 32 connections announcing 1 GiB took a daemon from 146 MiB to
 * 3.4 GiB and out of its view. JGroups bounds the length ({@code max_length}, set by the protocols that create
 * this server) but has no hook for the rest, hence this subclass of {@link NioServer#handleAccept}:
 * <ul>
 *   <li>a connection from an address that is not a configured member's is closed at accept, before a byte is
 *       read;</li>
 *   <li>at most {@code maxPending} connections may be between accept and a complete preamble; more are closed
 *       at accept (a member connects once per peer, and reconnects after a close);</li>
 *   <li>a connection whose preamble is not complete {@code handshakeMillis} after accept is closed (a slow
 *       loris: connect, send nothing);</li>
 *   <li>the preamble's claimed address must be a configured member's endpoint on this port, from that member's
 *       address: JGroups files the connection under the claimed address and closes the one it replaces, so
 *       a stranger claiming a member's address would have cut that member's connection.</li>
 * </ul>
 * Refusals are counted per reason and logged at most once per reason every {@value #LOG_EVERY_MS} ms, with the
 * count since the last line: a flood of connections does not become a flood of log lines.
 *
 * <p>Memory bound: buffers grow only on connections that passed these checks, at most one per member endpoint
 * each way (JGroups keeps one connection per peer address) plus {@code maxPending}, each at most twice
 * {@code max_length} (the reader doubles its buffer).
 */
final class MemberOnlyServer extends NioServer {

    private static final System.Logger LOG = System.getLogger(MemberOnlyServer.class.getName());
    static final long LOG_EVERY_MS = 10_000;
    private static final int MAX_READS_PER_WAKEUP = 1024;

    /** Why a connection was closed before it carried a message. */
    enum Refusal {
        NOT_A_MEMBER("from an address that is not a [cluster] members address"),
        TOO_MANY_PENDING("too many connections without a complete preamble"),
        HANDSHAKE_TIMEOUT("no complete preamble in time"),
        WRONG_CLAIM("with a preamble that is not a member's (another cookie or version, or an address that is not"
                + " a member's endpoint on this port from that member's own address)"),
        FRAME_TOO_LARGE("announces a frame larger than the allowed maximum, or breaks the framing");

        final String text;

        Refusal(final String text) {
            this.text = text;
        }
    }

    private final String what;
    private final Set<InetAddress> memberAddresses;
    private final Set<InetSocketAddress> memberEndpoints;
    private final int maxPending;
    private final long handshakeNanos;
    private final TimeScheduler timer;
    private final Map<GuardedConnection, Long> pending = new ConcurrentHashMap<>();
    private final Map<Refusal, AtomicLong> refused = new EnumMap<>(Refusal.class);
    private final Map<Refusal, AtomicLong> unlogged = new EnumMap<>(Refusal.class);
    private final Map<Refusal, AtomicLong> lastLogNanos = new EnumMap<>(Refusal.class);
    private volatile Future<?> sweep;

    /**
     * @param what            the port's role, for log lines ("cluster port", "failure detection port")
     * @param bind            the address to listen on (and to connect from: members check each other's source)
     * @param port            the port
     * @param memberEndpoints the address:port a member claims on this port (its own server's address)
     * @param maxFrameBytes   JGroups' {@code max_length}: a longer frame closes the connection
     * @param maxPending      connections allowed between accept and a complete preamble
     * @param handshakeMillis how long a connection may take to send its preamble
     */
    MemberOnlyServer(final ThreadFactory threads, final SocketFactory sockets, final TimeScheduler timer,
                     final String what, final InetAddress bind, final int port,
                     final Set<InetSocketAddress> memberEndpoints, final int maxFrameBytes, final int maxPending,
                     final long handshakeMillis, final String serviceName) throws Exception {
        super(threads, sockets, bind, port, port, null, 0, 0, serviceName);
        this.timer = Objects.requireNonNull(timer, "timer");
        this.what = what;
        this.memberEndpoints = Set.copyOf(memberEndpoints);
        final Set<InetAddress> addresses = new java.util.HashSet<>();
        memberEndpoints.forEach(e -> addresses.add(e.getAddress()));
        addresses.add(bind);
        this.memberAddresses = Set.copyOf(addresses);
        this.maxPending = maxPending;
        this.handshakeNanos = TimeUnit.MILLISECONDS.toNanos(handshakeMillis);
        for (final Refusal r : Refusal.values()) {
            refused.put(r, new AtomicLong());
            unlogged.put(r, new AtomicLong());
            lastLogNanos.put(r, new AtomicLong(System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(LOG_EVERY_MS)));
        }
        setMaxLength(maxFrameBytes);
        // Outgoing connections from the bind address: the member at the other end checks that our connection
        // comes from a member's address, and on a host with several addresses the kernel might pick another.
        clientBindAddress(bind);
        usePeerConnections(true);
    }

    @Override
    public synchronized void start() throws Exception {
        super.start();
        final long period = Math.max(10, TimeUnit.NANOSECONDS.toMillis(handshakeNanos) / 4);
        sweep = timer.scheduleWithFixedDelay(this::expireHandshakes, period, period, TimeUnit.MILLISECONDS, false);
    }

    @Override
    public synchronized void stop() {
        final Future<?> s = sweep;
        if (s != null) {
            s.cancel(false);
        }
        pending.keySet().forEach(Util::close);
        pending.clear();
        super.stop();
    }

    @Override
    protected void handleAccept(final SelectionKey key) throws Exception {
        final SocketChannel client = channel.accept();
        if (client == null) {
            return;
        }
        final InetAddress from;
        try {
            from = ((InetSocketAddress) client.getRemoteAddress()).getAddress();
        } catch (Exception e) {
            Util.close(client);
            return;
        }
        if (!memberAddresses.contains(from)) {
            Util.close(client);
            refuse(Refusal.NOT_A_MEMBER, from);
            return;
        }
        expireHandshakes();
        if (pending.size() >= maxPending) {
            Util.close(client);
            refuse(Refusal.TOO_MANY_PENDING, from);
            return;
        }
        GuardedConnection conn = null;
        try {
            conn = new GuardedConnection(client, from);
            pending.put(conn, System.nanoTime());
            conn.key(client.register(selector, SelectionKey.OP_READ, conn));
        } catch (Exception e) {
            if (conn != null) {
                pending.remove(conn);
                Util.close(conn);
            } else {
                Util.close(client);
            }
            throw e;
        }
    }

    /** Connections refused for this reason since start. */
    long refused(final Refusal reason) {
        return refused.get(reason).get();
    }

    /** Connections accepted whose preamble is not complete yet. */
    int pendingConnections() {
        return pending.size();
    }

    private void expireHandshakes() {
        final long now = System.nanoTime();
        pending.forEach((conn, since) -> {
            if (now - since >= handshakeNanos && pending.remove(conn, since)) {
                refuse(Refusal.HANDSHAKE_TIMEOUT, conn.from);
                Util.close(conn);
            }
        });
    }

    private void refuse(final Refusal reason, final Object from) {
        refused.get(reason).incrementAndGet();
        final long count = unlogged.get(reason).incrementAndGet();
        final AtomicLong last = lastLogNanos.get(reason);
        final long now = System.nanoTime();
        final long then = last.get();
        if (now - then >= TimeUnit.MILLISECONDS.toNanos(LOG_EVERY_MS) && last.compareAndSet(then, now)) {
            unlogged.get(reason).addAndGet(-count);
            LOG.log(System.Logger.Level.WARNING, "cluster " + what + " " + localAddress() + ": closed " + count
                    + " connection(s) " + reason.text + " (last from " + from + ", " + refused.get(reason).get()
                    + " since start)");
        }
    }

    /** An accepted connection that checks the claimed address, and logs framing errors through the limiter. */
    private final class GuardedConnection extends NioConnection {
        private final InetAddress from;

        GuardedConnection(final SocketChannel channel, final InetAddress from) throws Exception {
            super(channel, MemberOnlyServer.this);
            this.from = from;
        }

        @Override
        public void read() throws Exception {
            // NioConnection.read with the refusal counted and rate-limited instead of a WARN line per attempt, and at
            // most MAX_READS_PER_WAKEUP messages at a time: the selector is level-triggered, what is left wakes it again
            for (int i = 0; i < MAX_READS_PER_WAKEUP; i++) {
                try {
                    if (!_read()) {
                        return;
                    }
                    updateLastAccessed();
                } catch (Exception e) {
                    if (!(e instanceof SocketException || e instanceof EOFException
                            || e instanceof ClosedChannelException)) {
                        refuse(pending.remove(this) != null ? Refusal.WRONG_CLAIM : Refusal.FRAME_TOO_LARGE,
                                from + " (" + e.getMessage() + ")");
                    }
                    pending.remove(this);
                    closeConnection(this);
                    return;
                }
            }
        }

        @Override
        protected boolean _read() throws Exception {
            if (peer_addr != null) {
                return super._read();
            }
            final Address claimed = peer_addr_reader.readPeerAddress(channel);
            if (claimed == null) {
                return false;
            }
            if (!(claimed instanceof IpAddress ip) || !from.equals(ip.getIpAddress())
                    || !memberEndpoints.contains(new InetSocketAddress(ip.getIpAddress(), ip.getPort()))) {
                throw new IllegalStateException("claims " + claimed);
            }
            if (pending.remove(this) == null) {
                throw new ClosedChannelException(); // expired meanwhile: already closed
            }
            peer_addr = claimed;
            server.handleIncomingConnection(peer_addr, this);
            return true;
        }
    }
}
