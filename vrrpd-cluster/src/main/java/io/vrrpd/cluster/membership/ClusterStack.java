package io.vrrpd.cluster.membership;

import org.jgroups.protocols.FD_ALL3;
import org.jgroups.protocols.FRAG4;
import org.jgroups.protocols.MERGE3;
import org.jgroups.protocols.SERIALIZE;
import org.jgroups.protocols.SYM_ENCRYPT;
import org.jgroups.protocols.TCPPING;
import org.jgroups.protocols.UNICAST3;
import org.jgroups.protocols.VERIFY_SUSPECT2;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.protocols.pbcast.STABLE;
import org.jgroups.stack.Protocol;

import javax.crypto.SecretKey;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The JGroups protocol stack of {@link JGroupsMembership}, built in code, and the numbers it is built from: timing,
 * connect timeouts and the bounds on what a connection may send before it is authenticated. Why each layer is
 * there: {@link JGroupsMembership}'s class comment and docs/ARCHITECTURE.md, "Membership".
 */
final class ClusterStack {

    private ClusterStack() {
    }

    /** The protocol stack for {@code settings}, transport first, sealed with {@code key}. */
    static List<Protocol> build(final ClusterSettings settings, final SecretKey key) {
        final ClusterSettings.Timing t = settings.timing();
        final List<InetSocketAddress> initial = settings.members().isEmpty()
                ? List.of(settings.localEndpoint()) : settings.members();
        final GuardedTransport.Tcp tcp = new GuardedTransport.Tcp(new GuardedTransport.Limits(
                Set.copyOf(initial), MAX_FRAME_BYTES, maxPendingConnections(initial.size()), handshakeMillis(t)));
        tcp.setBindAddress(settings.bind());
        tcp.setBindPort(settings.port());
        tcp.setPortRange(0);
        tcp.setSockConnTimeout(connectTimeoutMillis(t));
        // A connection that completed no message for this long is closed (it reconnects on the next send): a
        // member's carries heartbeats every heartbeat interval, so only a stalled frame ever gets this old.
        tcp.setConnExpireTime(idleConnectionMillis(t));
        tcp.setReaperInterval(idleConnectionMillis(t) / 2);
        // Order matters: setSecretKey resets sym_algorithm to the key's algorithm (plain ChaCha20, no MAC);
        // the AEAD transformation is set after it.
        final SYM_ENCRYPT encrypt = new SYM_ENCRYPT();
        setKey(encrypt, key);
        encrypt.symAlgorithm(JGroupsMembership.CIPHER);
        encrypt.symIvLength(12);
        final TCPPING ping = new TCPPING();
        ping.initialHosts(initial);
        ping.setPortRange(0);
        final MERGE3 merge = new MERGE3();
        merge.setMinInterval(Math.max(100, t.mergeIntervalMillis() / 2));
        merge.setMaxInterval(t.mergeIntervalMillis());
        merge.setCheckInterval(t.mergeIntervalMillis() * 2);
        final List<InetSocketAddress> fdEndpoints = initial.stream().map(m -> new InetSocketAddress(m.getAddress(),
                m.getPort() + ClusterSettings.FAILURE_DETECTION_PORT_OFFSET)).toList();
        final GuardedTransport.FailureDetection fdSock = new GuardedTransport.FailureDetection(
                new GuardedTransport.Limits(Set.copyOf(fdEndpoints), MAX_FAILURE_DETECTION_FRAME_BYTES,
                        maxPendingConnections(initial.size()), handshakeMillis(t)));
        // On the bind address, not JGroups' default (the wildcard): each member tells the member it pings where to
        // answer by its server's address, and "0.0.0.0:7900" sent the answer back to the asking host itself. Every
        // ping connect then failed after connect_timeout, in the thread that installs a view (bench/cluster.sh: each
        // view change a second late on every host, the new coordinator's before it even sent the view).
        fdSock.setBindAddress(settings.bind());
        fdSock.setOffset(ClusterSettings.FAILURE_DETECTION_PORT_OFFSET);
        fdSock.setPortRange(0);
        fdSock.setValue("connect_timeout", failureDetectionConnectTimeoutMillis(t));
        final FD_ALL3 fdAll = new FD_ALL3();
        fdAll.setInterval(t.heartbeatIntervalMillis());
        fdAll.setTimeout(t.failureTimeoutMillis());
        final VERIFY_SUSPECT2 verify = new VERIFY_SUSPECT2();
        verify.setTimeout(t.verifyTimeoutMillis());
        final NAKACK2 nakack = new NAKACK2();
        nakack.useMcastXmit(false); // TCP has no multicast: retransmissions are unicast
        nakack.setXmitInterval(Math.max(50, t.heartbeatIntervalMillis() * 2));
        final UNICAST3 unicast = new UNICAST3();
        unicast.setXmitInterval(Math.max(50, t.heartbeatIntervalMillis() * 2));
        final STABLE stable = new STABLE();
        stable.setDesiredAverageGossip(5_000);
        stable.setMaxBytes(1_000_000);
        final GMS gms = new GMS();
        gms.setJoinTimeout(t.joinTimeoutMillis());
        gms.setMaxJoinAttempts(3);
        gms.setLeaveTimeout(t.joinTimeoutMillis());
        gms.setMergeTimeout(Math.max(1_000, t.mergeIntervalMillis()));
        gms.setViewAckCollectionTimeout(Math.max(200, t.silentDetectionMillis()));
        gms.printLocalAddress(false);
        final FRAG4 frag = new FRAG4();
        frag.setFragSize(FRAGMENT_BYTES);
        return new ArrayList<>(List.of(tcp, encrypt, new SERIALIZE(), ping, merge, fdSock, fdAll, verify, nakack,
                unicast, stable, gms, frag));
    }

    /**
     * The largest frame the cluster port reads ({@code max_length}); a longer announced frame closes the connection
     * before any buffer is allocated for it. Everything the services layer sends is cut by FRAG4 into fragments of
     * {@value #FRAGMENT_BYTES} bytes; below FRAG4, SERIALIZE and SYM_ENCRYPT add some hundred bytes, and the
     * transport bundles messages into frames of at most 64,000 bytes (JGroups' bundler max_size) or sends a larger
     * one alone. The messages of the layers under FRAG4 (views, joins, merges, digests) hold some hundred bytes
     * per member. Four times the largest real frame: a bound, not a tight fit.
     */
    static final int MAX_FRAME_BYTES = 256 * 1024;
    /** FRAG4's fragment size (JGroups' default, set explicitly: {@link #MAX_FRAME_BYTES} depends on it). */
    static final int FRAGMENT_BYTES = 60_000;
    /** FD_SOCK2's frames are its CONNECT and CONNECT_RSP: a header with two addresses and the cluster name. */
    static final int MAX_FAILURE_DETECTION_FRAME_BYTES = 16 * 1024;

    /**
     * Connections between accept and a complete preamble, per port: each member connects once per peer (and again
     * after a close), so twice the members plus a margin for reconnects that overlap a close.
     */
    static int maxPendingConnections(final int members) {
        return 2 * members + 4;
    }

    /**
     * How long a connection may take to send its preamble: a member sends it right after connect, so a LAN
     * needs a millisecond; the failure timeout (at least a second) leaves a loaded host time.
     */
    static long handshakeMillis(final ClusterSettings.Timing t) {
        return Math.max(1_000, t.failureTimeoutMillis());
    }

    /** See {@code setConnExpireTime} in {@link #stack}: four failure timeouts, at least 10 s. */
    static long idleConnectionMillis(final ClusterSettings.Timing t) {
        return Math.max(10_000, 4 * t.failureTimeoutMillis());
    }

    /**
     * TCP's connect timeout. A send to a member whose connection closed (its process died and sent FIN, then its
     * host went silent: a reboot, a kernel panic, a cable) reconnects in the sending thread, and FD_ALL3 sends its
     * heartbeats to every member from one thread: while that connect waits, the live members hear no heartbeat.
     * A connect as long as the failure timeout made the survivors of a crashed coordinator suspect each other and
     * split into singletons that took MERGE3 seconds to heal (bench/cluster.sh: 11-18 s instead of ~2 s). On a LAN a
     * connect takes well under a millisecond; one heartbeat interval (at most a quarter of the failure timeout)
     * leaves every live member heard in time.
     */
    static int connectTimeoutMillis(final ClusterSettings.Timing t) {
        return (int) Math.max(1, Math.min(t.heartbeatIntervalMillis(), t.failureTimeoutMillis() / 4));
    }

    /**
     * FD_SOCK2's connect timeout (JGroups' default: 1000 ms). A view change waits for it: each member connects to the
     * member after it in the new view (the one it watches) in the thread that installs the view, and the coordinator
     * installs a view before it sends it. A live member on a LAN answers within milliseconds; a member that does not
     * answer within the suspicion check's time is treated like one that does not answer the check (suspected, and
     * removed only if it stays silent), so that is how long a view change may wait for it.
     */
    static int failureDetectionConnectTimeoutMillis(final ClusterSettings.Timing t) {
        return (int) Math.max(1, t.verifyTimeoutMillis());
    }

    private static void setKey(final SYM_ENCRYPT encrypt, final SecretKey key) {
        try {
            encrypt.setSecretKey(key);
        } catch (Exception e) {
            throw new IllegalArgumentException("cluster: the message key is not usable: " + e, e);
        }
    }
}
