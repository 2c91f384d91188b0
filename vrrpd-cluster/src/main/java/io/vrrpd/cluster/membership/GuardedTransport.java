package io.vrrpd.cluster.membership;

import org.jgroups.Address;
import org.jgroups.PhysicalAddress;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.BasicTCP;
import org.jgroups.protocols.FD_SOCK2;
import org.jgroups.protocols.TCP_NIO2;
import org.jgroups.blocks.cs.NioServer;

import java.net.InetSocketAddress;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.util.Collection;
import java.util.Set;

/**
 * The two protocols that open a listening port, each with a {@link MemberOnlyServer} instead of JGroups' plain
 * {@link NioServer}. JGroups builds that server inside {@code TCP_NIO2.start()} and {@code FD_SOCK2.createServer()}
 * with no factory to hand it another one: FD_SOCK2 has the protected {@code createServer}, TCP_NIO2 has none, so
 * {@link Tcp} is TCP_NIO2's start/stop/send (its few lines, not its management attributes) over
 * {@link BasicTCP}. Both keep the id of the protocol they replace: headers are filed by protocol id, and an
 * unregistered class would get id 0.
 */
final class GuardedTransport {

    private GuardedTransport() {
    }

    /** What the servers accept; see {@link MemberOnlyServer}. */
    record Limits(Set<InetSocketAddress> memberEndpoints, int maxFrameBytes, int maxPending, long handshakeMillis) {
        Limits {
            memberEndpoints = Set.copyOf(memberEndpoints);
        }
    }

    /** TCP_NIO2 on a {@link MemberOnlyServer}. */
    static final class Tcp extends BasicTCP {
        private final Limits limits;
        private MemberOnlyServer server;

        Tcp(final Limits limits) {
            this.limits = limits;
            setId(ClassConfigurator.getProtocolId(TCP_NIO2.class));
            setMaxLength(limits.maxFrameBytes());
        }

        MemberOnlyServer server() {
            return server;
        }

        @Override
        public boolean supportsMulticasting() {
            return false;
        }

        @Override
        public String printConnections() {
            return server.printConnections();
        }

        @Override
        public Tcp clearConnections(final boolean graceful) {
            server.clearConnections(graceful);
            return this;
        }

        @Override
        public void send(final Address dest, final byte[] data, final int offset, final int length) throws Exception {
            if (server != null) {
                try {
                    server.send(dest, data, offset, length);
                } catch (ClosedChannelException | CancelledKeyException ignored) {
                    // the connection closed meanwhile: the reliable layers retransmit
                } catch (Throwable ex) {
                    log.trace("%s: failed sending message to %s: %s", local_addr, dest, ex);
                }
            }
        }

        @Override
        public void retainAll(final Collection<Address> members) {
            server.retainAll(members, is_member);
        }

        @Override
        public void start() throws Exception {
            server = new MemberOnlyServer(getThreadFactory(), getSocketFactory(), getTimer(), "port", bind_addr,
                    bind_port, limits.memberEndpoints(), limits.maxFrameBytes(), limits.maxPending(),
                    limits.handshakeMillis(), "jgroups.nio.server");
            server.receiver(this).timeService(time_service).socketConnectionTimeout(sock_conn_timeout)
                    .tcpNodelay(tcp_nodelay).linger(linger).log(this.log).logDetails(log_details);
            server.maxSendBuffers(10).readerIdleTime(5000);
            server.addConnectionListener(this);
            if (send_buf_size > 0) {
                server.sendBufferSize(send_buf_size);
            }
            if (recv_buf_size > 0) {
                server.receiveBufferSize(recv_buf_size);
            }
            if (conn_expire_time > 0) {
                server.connExpireTimeout(conn_expire_time).reaperInterval(reaper_interval);
            }
            super.start();
        }

        @Override
        public void stop() {
            if (server != null) {
                server.stop();
            }
            super.stop();
        }

        @Override
        protected void handleConnect() throws Exception {
            server.start();
            super.handleConnect();
        }

        @Override
        protected void handleDisconnect() {
            super.handleDisconnect();
            server.stop();
        }

        @Override
        protected PhysicalAddress getPhysicalAddress() {
            return server != null ? (PhysicalAddress) server.localAddress() : null;
        }
    }

    /** FD_SOCK2 on a {@link MemberOnlyServer}: its frames are a few hundred bytes (CONNECT, CONNECT_RSP). */
    static final class FailureDetection extends FD_SOCK2 {
        private final Limits limits;
        private MemberOnlyServer server;

        FailureDetection(final Limits limits) {
            this.limits = limits;
            setId(ClassConfigurator.getProtocolId(FD_SOCK2.class));
        }

        MemberOnlyServer server() {
            return server;
        }

        @Override
        protected NioServer createServer(final int[] bindPorts) {
            try {
                // one port only (port_range 0): a busy port is an error, not a silent move
                server = new MemberOnlyServer(getThreadFactory(), getSocketFactory(), getTransport().getTimer(),
                        "failure detection port", bind_addr, bindPorts[0], limits.memberEndpoints(),
                        limits.maxFrameBytes(), limits.maxPending(), limits.handshakeMillis(),
                        "jgroups.nio.server.fd_sock");
                return server;
            } catch (Exception e) {
                throw new IllegalStateException("cannot listen on " + bind_addr + ":" + bindPorts[0] + ": " + e, e);
            }
        }
    }
}
