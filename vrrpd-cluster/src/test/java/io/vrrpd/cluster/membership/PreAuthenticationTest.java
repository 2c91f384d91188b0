package io.vrrpd.cluster.membership;

import org.jgroups.Version;
import org.jgroups.blocks.cs.Connection;
import org.jgroups.stack.IpAddress;
import org.jgroups.util.ByteArrayDataOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A host without the key against the two ports a member listens on (issue 10, item 4). Before authentication
 * JGroups reads a plaintext preamble and a 4-byte frame length, and allocated a buffer of that length: 32
 * connections announcing 1 GiB took a daemon to 3.4 GiB and out of its view. Scenarios: two members a and b on
 * 127.0.0.1, plus a third configured member that does not run (its endpoint is a valid claim, so the announced
 * frame gets past every check of the preamble); the attacker connects from 127.0.0.1 (a member's address, the worst
 * case) or 127.0.0.2 (a stranger).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class PreAuthenticationTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final int CONNECTIONS = 32;
    private static final int ONE_GIB = 1 << 30;
    private static final long MEMORY_BOUND = 64L << 20;

    @TempDir
    Path dir;

    private final List<JGroupsMembership> started = new ArrayList<>();
    private final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void closeAll() {
        sockets.forEach(s -> {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing
            }
        });
        started.forEach(JGroupsMembership::close);
    }

    @Test
    void oneGibAnnouncementsOnTheClusterPortAreClosedAndMemoryStaysBounded() throws Exception {
        final Pair p = pair();
        announceFromAMember(p, 0);
    }

    @Test
    void oneGibAnnouncementsOnTheFailureDetectionPortAreClosedAndMemoryStaysBounded() throws Exception {
        final Pair p = pair();
        announceFromAMember(p, ClusterSettings.FAILURE_DETECTION_PORT_OFFSET);
    }

    @Test
    void aStrangersConnectionsAreClosedAtOnceOnBothPorts() throws Exception {
        final Pair p = pair();
        for (final int offset : new int[]{0, ClusterSettings.FAILURE_DETECTION_PORT_OFFSET}) {
            final List<Socket> attack = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                final Socket s = connect(InetAddress.getByName("127.0.0.2"), p.port(0) + offset);
                s.getOutputStream().write(preamble(p.spare, offset, ONE_GIB)); // may already fail: closed at accept
                attack.add(s);
            }
            for (final Socket s : attack) {
                assertClosedWithin(s, 500, "a connection from 127.0.0.2 (not a member's address)");
            }
        }
        p.assertIntact();
        final MemberOnlyServer srv = transport(p.a).server();
        assertTrue(srv.refused(MemberOnlyServer.Refusal.NOT_A_MEMBER) >= CONNECTIONS, "counted");
    }

    @Test
    void aClaimOfAnotherEndpointIsRefusedBeforeAnyFrameIsRead() throws Exception {
        final Pair p = pair();
        final Socket s = connect(LOOPBACK, p.port(0));
        s.getOutputStream().write(preamble(new InetSocketAddress(LOOPBACK, 1), 0, ONE_GIB));
        assertClosedWithin(s, 1_000, "a preamble claiming 127.0.0.1:1 (no member's endpoint)");
        assertEquals(1, transport(p.a).server().refused(MemberOnlyServer.Refusal.WRONG_CLAIM));
        p.assertIntact();
    }

    @Test
    void aSlowLorisIsClosedAfterTheHandshakeTimeAndCannotFillThePendingTable() throws Exception {
        final Pair p = pair();
        final long handshake = ClusterStack.handshakeMillis(p.a.settings().timing());
        final int maxPending = ClusterStack.maxPendingConnections(3);
        final List<Socket> silent = new ArrayList<>();
        final long t0 = System.nanoTime();
        for (int i = 0; i < maxPending + 8; i++) {
            silent.add(connect(LOOPBACK, p.port(0))); // connect, send nothing
        }
        // The table is full: the extra ones are closed at accept, long before the handshake time.
        for (final Socket s : silent.subList(maxPending, silent.size())) {
            assertClosedWithin(s, (int) handshake / 2, "a connection beyond the " + maxPending + " pending ones");
        }
        for (final Socket s : silent.subList(0, maxPending)) {
            assertClosedWithin(s, (int) (handshake * 2 - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)),
                    "a connection that sent no preamble");
        }
        final long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        System.out.println("slow loris: " + maxPending + " silent connections closed " + ms + " ms after connect"
                + " (handshake time " + handshake + " ms)");
        assertTrue(ms >= handshake - 100, "not before the handshake time: " + ms + " ms");
        assertEquals(0, transport(p.a).server().pendingConnections());
        p.assertIntact();
    }

    @Test
    void aMessageOfSeveralFramesStillArrives() throws Exception {
        final Pair p = pair();
        final byte[] big = new byte[1 << 20];
        Arrays.fill(big, (byte) 'x');
        p.a.send("b", big);
        await(() -> p.received.stream().anyMatch(m -> m.length == big.length), "1 MiB from a at b");
    }

    /** 32 connections from a member's address claim the spare endpoint and announce 1 GiB. */
    private void announceFromAMember(final Pair p, final int offset) throws Exception {
        final long before = memoryUsed();
        final List<Socket> attack = new ArrayList<>();
        for (int i = 0; i < CONNECTIONS; i++) {
            final Socket s = connect(LOOPBACK, p.port(0) + offset);
            try {
                s.getOutputStream().write(preamble(p.spare, offset, ONE_GIB));
                s.getOutputStream().write(new byte[1024]); // the start of the "frame"
            } catch (IOException closed) {
                // already closed by the server: what we want
            }
            attack.add(s);
        }
        for (final Socket s : attack) {
            assertClosedWithin(s, 2_000, "a connection that announced 1 GiB");
        }
        final long after = memoryUsed();
        System.out.println("port +" + offset + ": " + CONNECTIONS + " x 1 GiB announced: heap+direct used "
                + (before >> 20) + " MiB -> " + (after >> 20) + " MiB");
        assertTrue(after - before < MEMORY_BOUND, "memory grew by " + ((after - before) >> 20) + " MiB");
        p.assertIntact();
    }

    private static long memoryUsed() {
        System.gc();
        long direct = 0;
        for (final BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if ("direct".equals(pool.getName())) {
                direct = pool.getMemoryUsed();
            }
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() + direct;
    }

    /** JGroups' plaintext preamble (cookie, version, claimed address), then a frame length. */
    private static byte[] preamble(final InetSocketAddress claimed, final int offset, final int length)
            throws Exception {
        final IpAddress address = new IpAddress(claimed.getAddress(), claimed.getPort() + offset);
        final ByteArrayDataOutputStream out = new ByteArrayDataOutputStream(64);
        out.write(Connection.cookie, 0, Connection.cookie.length);
        out.writeShort(Version.version);
        out.writeShort(address.serializedSize());
        address.writeTo(out);
        out.writeInt(length);
        return Arrays.copyOf(out.buffer(), out.position());
    }

    private Socket connect(final InetAddress from, final int port) throws IOException {
        final Socket s = new Socket();
        sockets.add(s);
        s.bind(new InetSocketAddress(from, 0));
        s.connect(new InetSocketAddress(LOOPBACK, port), 1_000);
        return s;
    }

    /** The server closes the connection within {@code ms}: a read sees the end of the stream or a reset. */
    private static void assertClosedWithin(final Socket s, final int ms, final String what) throws IOException {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(1, ms));
        final InputStream in = s.getInputStream();
        final byte[] buf = new byte[4096];
        for (int i = 0; i < 10_000; i++) { // bounded: each read waits at most until the deadline
            final long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                break;
            }
            s.setSoTimeout((int) left);
            try {
                if (in.read(buf) < 0) {
                    return;
                }
            } catch (SocketTimeoutException e) {
                break;
            } catch (IOException e) {
                return; // reset: closed
            }
        }
        throw new AssertionError(what + " is still open after " + ms + " ms");
    }

    private Pair pair() throws Exception {
        final int[] ports = freePorts(3);
        final List<InetSocketAddress> members = List.of(new InetSocketAddress(LOOPBACK, ports[0]),
                new InetSocketAddress(LOOPBACK, ports[1]), new InetSocketAddress(LOOPBACK, ports[2]));
        final Path key = dir.resolve("cluster.key");
        if (!Files.exists(key)) {
            Files.write(key, "a secret of 32 bytes, not less.!".getBytes(StandardCharsets.UTF_8));
            Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        }
        final ClusterSettings.Timing timing = new ClusterSettings.Timing(100, 500, 250, 500, 1_000);
        final List<byte[]> received = new CopyOnWriteArrayList<>();
        final List<ClusterView> viewsA = new CopyOnWriteArrayList<>();
        final List<ClusterView> viewsB = new CopyOnWriteArrayList<>();
        final JGroupsMembership a = new JGroupsMembership(new ClusterSettings("test", "a", LOOPBACK, ports[0],
                members, key, timing));
        final JGroupsMembership b = new JGroupsMembership(new ClusterSettings("test", "b", LOOPBACK, ports[1],
                members, key, timing));
        started.add(a);
        started.add(b);
        a.start(listener(viewsA, new CopyOnWriteArrayList<>()));
        await(() -> !viewsA.isEmpty(), "a's first view");
        b.start(listener(viewsB, received));
        await(() -> viewsA.getLast().members().size() == 2 && !viewsB.isEmpty()
                && viewsB.getLast().members().size() == 2, "a and b in one view");
        return new Pair(a, b, members.get(2), viewsA, viewsB, received);
    }

    private static Membership.Listener listener(final List<ClusterView> views, final List<byte[]> received) {
        return new Membership.Listener() {
            @Override
            public void viewChanged(final ClusterView view) {
                views.add(view);
            }

            @Override
            public void received(final String from, final byte[] payload) {
                received.add(payload);
            }
        };
    }

    private static GuardedTransport.Tcp transport(final JGroupsMembership m) {
        return (GuardedTransport.Tcp) m.channel().getProtocolStack().getTransport();
    }

    private record Pair(JGroupsMembership a, JGroupsMembership b, InetSocketAddress spare,
                        List<ClusterView> viewsA, List<ClusterView> viewsB, List<byte[]> received) {
        int port(final int i) {
            return i == 0 ? a.settings().port() : b.settings().port();
        }

        /** No view change since a and b met, and a message still goes from a to b. */
        void assertIntact() throws InterruptedException {
            final int viewsNow = viewsA.size();
            final byte[] ping = ("ping " + System.nanoTime()).getBytes(StandardCharsets.UTF_8);
            a.send("b", ping);
            await(() -> received.stream().anyMatch(m -> Arrays.equals(m, ping)), "a message from a at b");
            assertEquals(List.of("a", "b"), a.view().members());
            assertEquals(List.of("a", "b"), b.view().members());
            assertEquals(viewsNow, viewsA.size(), "no view change at a");
            assertEquals(1, viewsA.stream().filter(v -> v.members().size() == 2).map(ClusterView::viewId).distinct()
                    .count(), "a saw one two-member view: nobody left and came back");
        }
    }

    private static void await(final java.util.function.BooleanSupplier condition, final String what)
            throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 15 s: " + what);
            }
            Thread.sleep(10);
        }
    }

    private static int[] freePorts(final int n) throws IOException {
        return LoopbackPorts.free(n);
    }
}
