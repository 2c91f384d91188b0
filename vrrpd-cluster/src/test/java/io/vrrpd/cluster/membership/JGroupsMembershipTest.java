package io.vrrpd.cluster.membership;

import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.Event;
import org.jgroups.Message;
import org.jgroups.EmptyMessage;
import org.jgroups.protocols.DISCARD;
import org.jgroups.protocols.EncryptHeader;
import org.jgroups.protocols.FD_ALL3;
import org.jgroups.protocols.FailureDetection;
import org.jgroups.protocols.SYM_ENCRYPT;
import org.jgroups.stack.IpAddress;
import org.jgroups.stack.Protocol;
import org.jgroups.util.MessageBatch;
import org.jgroups.util.Tuple;
import org.jgroups.util.Util;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real JGroups stacks, several nodes in this JVM on 127.0.0.1 with their own ports. Partitions are cut with
 * JGroups' DISCARD protocol, inserted only here, right above the transport.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JGroupsMembershipTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final long WAIT_MS = 15_000;

    @TempDir
    Path dir;

    private final List<JGroupsMembership> started = new ArrayList<>();
    private Path key;

    @BeforeEach
    void key() throws IOException {
        key = keyFile("cluster.key");
    }

    @AfterEach
    void closeAll() {
        for (final JGroupsMembership m : started) {
            m.close();
        }
    }

    @Test
    void threeNodesFormOneQuorateViewWithOneCoordinator() throws Exception {
        final Cluster c = cluster(3, UnaryOperator.identity());
        c.startAll();
        c.awaitAll(v -> v.members().size() == 3);
        final ClusterView first = c.recorders.get(0).last();
        for (final Recorder r : c.recorders) {
            final ClusterView v = r.last();
            assertEquals(List.of("a", "b", "c"), v.members(), "view order is join order");
            assertEquals("a", v.coordinator());
            assertTrue(v.quorate());
            assertEquals(2, v.quorumSize());
            assertEquals(first.viewId(), v.viewId());
            assertEquals(List.of(new ClusterView.Member("a", c.endpoint(0), true),
                    new ClusterView.Member("b", c.endpoint(1), true),
                    new ClusterView.Member("c", c.endpoint(2), true)), v.configured());
        }
        assertEquals(first, c.nodes.get(1).view(), "view() is the last delivered view");
        assertFalse(c.nodes.get(0).channel().getProtocolStack().getTransport().getDiagnosticsHandler().isEnabled(),
                "no clear-text probe service");
    }

    @Test
    void aCrashedNodeLeavesTheViewWithinASecond() throws Exception {
        final Cluster c = cluster(3, UnaryOperator.identity());
        c.startAll();
        c.awaitAll(v -> v.members().size() == 3);
        final long t0 = System.nanoTime();
        Util.shutdown(c.nodes.get(2).channel()); // no LEAVE: what a killed process looks like to the others
        final long a = await(() -> c.recorders.get(0).last().members().size() == 2);
        final long b = await(() -> c.recorders.get(1).last().members().size() == 2);
        final long ms = TimeUnit.NANOSECONDS.toMillis(Math.max(a, b) - t0);
        System.out.println("killed process removed from the view after " + ms + " ms");
        assertTrue(ms < 3_000, "detection took " + ms + " ms");
        final ClusterView v = c.recorders.get(0).last();
        assertEquals(List.of("a", "b"), v.members());
        assertTrue(v.quorate(), "2 of 3 is a majority");
        assertEquals(new ClusterView.Member("c", c.endpoint(2), false), v.configured().get(2),
                "a member that left keeps its last name");
    }

    @Test
    void aKilledProcessLeavesTheViewWithinASecond() throws Exception {
        final int[] ports = freePorts(3);
        final List<InetSocketAddress> members = new ArrayList<>();
        for (final int port : ports) {
            members.add(new InetSocketAddress(LOOPBACK, port));
        }
        final List<Recorder> recorders = List.of(new Recorder(), new Recorder());
        for (int i = 0; i < 2; i++) {
            membership(new ClusterSettings("test", String.valueOf((char) ('a' + i)), LOOPBACK, ports[i], members,
                    key, fast()), UnaryOperator.identity()).start(recorders.get(i));
            final Recorder r = recorders.get(i);
            await(() -> !r.views.isEmpty());
        }
        final List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), MemberProcess.class.getName(),
                "c", String.valueOf(ports[2]), key.toString()));
        for (final int port : ports) {
            command.add(String.valueOf(port));
        }
        final Process child = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("c.log").toFile()).start();
        try {
            await(() -> recorders.stream().allMatch(r -> r.last().members().equals(List.of("a", "b", "c"))));
            final long t0 = System.nanoTime();
            child.destroyForcibly(); // SIGKILL: the kernel closes its sockets, nothing is said
            final long seen = await(() -> recorders.stream().allMatch(r -> r.last().members().size() == 2));
            final long ms = TimeUnit.NANOSECONDS.toMillis(seen - t0);
            System.out.println("SIGKILLed member removed from the view after " + ms + " ms");
            assertTrue(ms < 3_000, "detection took " + ms + " ms");
            assertTrue(recorders.get(0).last().quorate());
        } finally {
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /**
     * A send to a member whose connection closed (FIN from its dying process, then its host silent) reconnects in
     * the sending thread, and FD_ALL3 sends every member's heartbeat from one thread. With a connect timeout as long
     * as the failure timeout, the survivors of a crashed coordinator stopped hearing each other and split into
     * singletons (bench/cluster.sh: 11-18 s to a served page instead of ~2 s). The connect must give up within one
     * heartbeat interval and a quarter of the failure timeout, for any timing.
     */
    @Test
    void aConnectToAVanishedHostGivesUpBeforeLiveMembersMissAHeartbeat() throws Exception {
        for (final ClusterSettings.Timing t : List.of(ClusterSettings.Timing.DEFAULTS, fast(),
                new ClusterSettings.Timing(10, 20, 10, 100, 200), new ClusterSettings.Timing(1_000, 10_000, 500, 2_000, 5_000))) {
            final JGroupsMembership m = new JGroupsMembership(new ClusterSettings("test", "a", LOOPBACK, 7800,
                    List.of(), null, t));
            final int connect = m.stack(new javax.crypto.spec.SecretKeySpec(new byte[32], "ChaCha20")).stream()
                    .filter(p -> p instanceof org.jgroups.protocols.BasicTCP).map(p -> (org.jgroups.protocols.BasicTCP) p)
                    .findFirst().orElseThrow().getSockConnTimeout();
            assertTrue(connect > 0 && connect <= t.heartbeatIntervalMillis() && 4L * connect <= t.failureTimeoutMillis(),
                    "TCP connect timeout " + connect + " ms with " + t);
        }
    }

    /**
     * Hosts use one port on different addresses, as in any real deployment. FD_SOCK2 used to listen on the wildcard
     * address and so told the member it watches to answer at 0.0.0.0: the answer went back to the asking host, every
     * ping connect failed after FD_SOCK2's connect timeout (1 s), and since that connect runs in the thread that
     * installs a view, every view change reached the application a second late on every host (bench/cluster.sh).
     * Each member's watch must be connected, and the survivors of a crashed coordinator must install their view
     * within a connect timeout of each other.
     */
    @Test
    void failureDetectionConnectsToEachNeighbourOnHostsSharingAPort() throws Exception {
        final List<InetAddress> hosts = List.of(InetAddress.ofLiteral("127.0.0.1"), InetAddress.ofLiteral("127.0.0.2"),
                InetAddress.ofLiteral("127.0.0.3"));
        final int port = freePortOn(hosts);
        final List<InetSocketAddress> members = hosts.stream().map(h -> new InetSocketAddress(h, port)).toList();
        final List<JGroupsMembership> nodes = new ArrayList<>();
        final List<Recorder> recorders = new ArrayList<>();
        for (int i = 0; i < hosts.size(); i++) {
            final JGroupsMembership m = membership(new ClusterSettings("test", String.valueOf((char) ('a' + i)),
                    hosts.get(i), port, members, key, fast()), UnaryOperator.identity());
            final Recorder r = new Recorder();
            m.start(r);
            nodes.add(m);
            recorders.add(r);
            await(() -> !r.views.isEmpty());
        }
        await(() -> recorders.stream().allMatch(r -> r.last().members().size() == 3));
        for (final JGroupsMembership m : nodes) {
            final org.jgroups.protocols.FD_SOCK2 fd = m.channel().getProtocolStack()
                    .findProtocol(org.jgroups.protocols.FD_SOCK2.class);
            assertEquals(m.settings().bind(), fd.getBindAddress());
            assertEquals(ClusterStack.failureDetectionConnectTimeoutMillis(fast()), fd.getValue("connect_timeout"));
            await(() -> "CONNECTED".equals(fd.getClientState()));
        }
        Util.shutdown(nodes.getFirst().channel()); // the coordinator crashes: no LEAVE
        final long b = await(() -> recorders.get(1).last().members().equals(List.of("b", "c")));
        final long c = await(() -> recorders.get(2).last().members().equals(List.of("b", "c")));
        final long apart = TimeUnit.NANOSECONDS.toMillis(Math.abs(b - c));
        System.out.println("survivors installed the view " + apart + " ms apart");
        assertTrue(apart < ClusterStack.failureDetectionConnectTimeoutMillis(fast()),
                "the survivors installed the view " + apart + " ms apart");
    }

    @Test
    void aPartitionLeavesOneQuorateSideAndHealsIntoOneView() throws Exception {
        final List<DISCARD> discards = new CopyOnWriteArrayList<>();
        final Cluster c = cluster(3, stack -> {
            final DISCARD d = new DISCARD();
            discards.add(d);
            stack.add(1, d);
            return stack;
        });
        c.startAll();
        c.awaitAll(v -> v.members().size() == 3);
        final Address addrC = c.nodes.get(2).channel().getAddress();
        final long t0 = System.nanoTime();
        discards.get(0).addIgnoreMember(addrC);
        discards.get(1).addIgnoreMember(addrC);
        discards.get(2).addIgnoredMembers(c.nodes.get(0).channel().getAddress(),
                c.nodes.get(1).channel().getAddress());
        final long majority = await(() -> c.recorders.get(0).last().members().equals(List.of("a", "b"))
                && c.recorders.get(1).last().members().equals(List.of("a", "b")));
        final long minority = await(() -> c.recorders.get(2).last().members().equals(List.of("c")));
        System.out.println("silent host removed after " + TimeUnit.NANOSECONDS.toMillis(majority - t0)
                + " ms; the isolated host saw itself alone after " + TimeUnit.NANOSECONDS.toMillis(minority - t0)
                + " ms");
        assertTrue(c.recorders.get(0).last().quorate());
        assertTrue(c.recorders.get(1).last().quorate());
        final ClusterView alone = c.recorders.get(2).last();
        assertFalse(alone.quorate(), "1 of 3 is no majority");
        assertEquals(List.of(false, false, true), alone.configured().stream().map(ClusterView.Member::up).toList());
        assertTrue(TimeUnit.NANOSECONDS.toMillis(majority - t0) < 3_000);

        final long t1 = System.nanoTime();
        discards.forEach(DISCARD::resetIgnoredMembers);
        c.awaitAll(v -> v.members().size() == 3);
        System.out.println("partition healed into one view after " + TimeUnit.NANOSECONDS.toMillis(
                System.nanoTime() - t1) + " ms");
        final ClusterView healed = c.recorders.get(2).last();
        for (final Recorder r : c.recorders) {
            assertEquals(healed.viewId(), r.last().viewId());
            assertEquals(healed.members(), r.last().members());
            assertTrue(r.last().quorate());
        }
    }

    @Test
    void aHostWithAnotherKeyNeitherJoinsNorInjects() throws Exception {
        // On a, right above the transport: count what arrives from the intruder, to show its packets got there.
        final AtomicInteger fromIntruder = new AtomicInteger();
        final List<Address> intruderAddress = new CopyOnWriteArrayList<>();
        final AtomicInteger stacks = new AtomicInteger();
        final UnaryOperator<List<Protocol>> counting = stack -> {
            if (stacks.getAndIncrement() == 0) { // a's stack is built first
                stack.add(1, new Protocol() {
                    @Override
                    public Object up(final Message msg) {
                        count(msg.src());
                        return up_prot.up(msg);
                    }

                    @Override
                    public void up(final MessageBatch batch) {
                        for (final Message msg : batch) {
                            count(msg.src());
                        }
                        up_prot.up(batch);
                    }

                    private void count(final Address src) {
                        if (intruderAddress.contains(src)) {
                            fromIntruder.incrementAndGet();
                        }
                    }
                });
            }
            return stack;
        };
        final Cluster c = cluster(3, 1, counting, counting);
        c.startAll();
        c.awaitAll(v -> v.members().size() == 3);
        final long viewId = c.recorders.get(0).last().viewId();
        // A configured member's address and port (a stranger's connections are closed at accept, before any key
        // matters), with another key: what a member with a wrong or stolen-and-rotated key looks like.
        final int port = c.members.get(3).getPort();
        final JGroupsMembership intruder = membership(new ClusterSettings("test", "mallory", LOOPBACK, port,
                c.members, keyFile("other.key"), fast()), UnaryOperator.identity());
        final Recorder seen = new Recorder();
        intruder.start(seen);
        intruderAddress.add(intruder.channel().getAddress());
        // Give discovery, joins and several merge rounds their chance.
        Thread.sleep(3 * fast().mergeIntervalMillis());
        assertEquals(List.of("mallory"), intruder.view().members());
        // Inject: the intruder knows a's JGroups address and where it listens, and sends to it directly.
        final Address a = c.nodes.get(0).channel().getAddress();
        intruder.channel().down(new Event(Event.ADD_PHYSICAL_ADDRESS,
                new Tuple<>(a, new IpAddress(LOOPBACK, c.members.get(0).getPort()))));
        for (int i = 0; i < 20; i++) {
            intruder.channel().send(new BytesMessage(a, "evil".getBytes(StandardCharsets.UTF_8)));
        }
        c.nodes.get(1).send("a", "good".getBytes(StandardCharsets.UTF_8));
        await(() -> c.recorders.get(0).messages().contains("b:good"));
        Thread.sleep(500);
        assertEquals(List.of("b:good"), c.recorders.get(0).messages(), "nothing from the intruder");
        assertTrue(fromIntruder.get() >= 20, "the intruder's packets reached a: " + fromIntruder.get());
        for (final Recorder r : c.recorders) {
            assertEquals(viewId, r.last().viewId(), "no view change: the intruder never joined");
        }
    }

    @Test
    void forgedHeartbeatsCannotKeepASilentHostInTheView() throws Exception {
        final List<DISCARD> discards = new CopyOnWriteArrayList<>();
        final Cluster c = cluster(3, stack -> {
            final DISCARD d = new DISCARD();
            discards.add(d);
            stack.add(1, d);
            return stack;
        });
        c.startAll();
        c.awaitAll(v -> v.members().size() == 3);
        // The attacker has no key but sees traffic: the key version in every EncryptHeader is in clear text. It
        // sends bare FD_ALL3 heartbeats (no payload: SYM_ENCRYPT has nothing to decrypt) claiming to be c.
        final int port = freePorts(1)[0];
        final JGroupsMembership intruder = membership(new ClusterSettings("test", "mallory", LOOPBACK, port,
                List.of(), keyFile("other.key"), fast()), UnaryOperator.identity());
        intruder.start(new Recorder());
        final org.jgroups.stack.ProtocolStack victim = c.nodes.get(0).channel().getProtocolStack();
        final SYM_ENCRYPT encrypt = victim.findProtocol(SYM_ENCRYPT.class);
        final short heartbeatId = victim.findProtocol(FD_ALL3.class).getId();
        final Address addrC = c.nodes.get(2).channel().getAddress();
        final List<Address> targets = List.of(c.nodes.get(0).channel().getAddress(),
                c.nodes.get(1).channel().getAddress());
        for (int i = 0; i < 2; i++) {
            intruder.channel().down(new Event(Event.ADD_PHYSICAL_ADDRESS,
                    new Tuple<>(targets.get(i), new IpAddress(LOOPBACK, c.members.get(i).getPort()))));
        }
        final Thread forger = Thread.ofPlatform().daemon().start(() -> {
            for (int i = 0; i < 400 && !Thread.currentThread().isInterrupted(); i++) {
                for (final Address target : targets) {
                    intruder.channel().getProtocolStack().getTransport().down(new EmptyMessage(target)
                            .setSrc(addrC)
                            .putHeader(heartbeatId, new FailureDetection.HeartbeatHeader())
                            .putHeader(encrypt.getId(), new EncryptHeader((byte) 0, encrypt.symVersion(),
                                    new byte[12])));
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        try {
            discards.get(2).discardAll(true); // c goes silent, its sockets stay open: only heartbeats tell
            final long t0 = System.nanoTime();
            await(() -> c.recorders.get(0).last().members().equals(List.of("a", "b")));
            final long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            System.out.println("silent host removed despite forged heartbeats after " + ms + " ms");
            // Without SERIALIZE under the encryption the forged heartbeats count, and c stays for as long as
            // the forger runs (about 9 s).
            assertTrue(ms < 3_000, "the forged heartbeats kept the silent host for " + ms + " ms");
        } finally {
            forger.interrupt();
            forger.join(5_000);
        }
    }

    @Test
    void aTamperedMessageIsDroppedAndRetransmittedNotDelivered() throws Exception {
        final int n = 20;
        final AtomicInteger flipped = new AtomicInteger();
        // On b, between the transport and the decryption: flip the last byte of the first 5 large messages.
        final Cluster c = cluster(2, UnaryOperator.identity(), stack -> {
            stack.add(1, new Protocol() {
                @Override
                public Object up(final Message msg) {
                    tamper(msg);
                    return up_prot.up(msg);
                }

                @Override
                public void up(final MessageBatch batch) {
                    for (final Message msg : batch) {
                        tamper(msg);
                    }
                    up_prot.up(batch);
                }

                private void tamper(final Message msg) {
                    if (msg.getLength() > 900 && flipped.getAndIncrement() < 5) {
                        msg.getArray()[msg.getOffset() + msg.getLength() - 1] ^= 1;
                    }
                }
            });
            return stack;
        });
        c.startAll();
        c.awaitAll(v -> v.members().size() == 2);
        final List<String> sent = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            final byte[] payload = new byte[1000];
            Arrays.fill(payload, (byte) ('A' + i % 26));
            sent.add("a:" + new String(payload, StandardCharsets.ISO_8859_1));
            c.nodes.get(0).send("b", payload);
        }
        await(() -> c.recorders.get(1).messages().size() >= n);
        assertTrue(flipped.get() >= 5, "the tamperer saw the messages");
        assertEquals(sent, c.recorders.get(1).messages(), "exactly what was sent, in order, nothing altered");
        assertEquals(JGroupsMembership.CIPHER, ((SYM_ENCRYPT) c.nodes.get(1).channel().getProtocolStack()
                .findProtocol(SYM_ENCRYPT.class)).symAlgorithm(), "an AEAD cipher, not the key's bare algorithm");
    }

    @Test
    void messagesArriveInOrderFromEachSenderAndBroadcastReachesTheSender() throws Exception {
        final Cluster c = cluster(3, UnaryOperator.identity());
        c.startAll();
        c.awaitAll(v -> v.members().size() == 3);
        final int n = 300;
        for (int i = 0; i < n; i++) {
            c.nodes.get(0).broadcast(("x" + i).getBytes(StandardCharsets.UTF_8));
            c.nodes.get(1).send("c", ("y" + i).getBytes(StandardCharsets.UTF_8));
        }
        await(() -> c.recorders.get(2).messages().size() == 2 * n && c.recorders.get(0).messages().size() == n);
        final List<String> atC = c.recorders.get(2).messages();
        final List<String> fromA = atC.stream().filter(m -> m.startsWith("a:")).toList();
        final List<String> fromB = atC.stream().filter(m -> m.startsWith("b:")).toList();
        for (int i = 0; i < n; i++) {
            assertEquals("a:x" + i, fromA.get(i));
            assertEquals("b:y" + i, fromB.get(i));
        }
        assertEquals(fromA, c.recorders.get(0).messages(), "a's broadcast reached a too, in order");
        assertTrue(c.recorders.get(1).messages().stream().noneMatch(m -> m.startsWith("b:")),
                "a unicast goes only to its target");
        c.nodes.get(0).send("nobody", new byte[]{1}); // not in the view: dropped without an exception
    }

    @Test
    void aMessageFromOutsideTheViewIsNotDelivered() throws Exception {
        final Cluster c = cluster(2, UnaryOperator.identity());
        c.startAll();
        c.awaitAll(v -> v.members().size() == 2);
        // UNICAST3 delivers whatever it could decrypt, also from a host with the key that is not in this view
        // (the other side of a partition, a member just removed): the contract is "from the current view only".
        final Address stranger = org.jgroups.util.ExtendedUUID.randomUUID("x")
                .put(JGroupsMembership.NODE_KEY, "x".getBytes(StandardCharsets.UTF_8));
        c.nodes.get(1).channel().getReceiver().receive(new BytesMessage(c.nodes.get(1).channel().getAddress(),
                "stale".getBytes(StandardCharsets.UTF_8)).setSrc(stranger));
        c.nodes.get(0).send("b", "fresh".getBytes(StandardCharsets.UTF_8));
        await(() -> !c.recorders.get(1).messages().isEmpty());
        Thread.sleep(100);
        assertEquals(List.of("a:fresh"), c.recorders.get(1).messages());
    }

    @Test
    void ipv6() throws Exception {
        final int[] ports = freePorts(2);
        final InetAddress v6 = InetAddress.ofLiteral("::1");
        final List<InetSocketAddress> members = List.of(new InetSocketAddress(v6, ports[0]),
                new InetSocketAddress(v6, ports[1]));
        final Recorder ra = new Recorder();
        final Recorder rb = new Recorder();
        membership(new ClusterSettings("six", "a", v6, ports[0], members, key, fast()), UnaryOperator.identity())
                .start(ra);
        await(() -> !ra.views.isEmpty());
        membership(new ClusterSettings("six", "b", v6, ports[1], members, key, fast()), UnaryOperator.identity())
                .start(rb);
        await(() -> !rb.views.isEmpty() && rb.last().members().size() == 2);
        assertEquals(List.of(new ClusterView.Member("a", "[::1]:" + ports[0], true),
                new ClusterView.Member("b", "[::1]:" + ports[1], true)), rb.last().configured());
        assertTrue(rb.last().quorate());
    }

    @Test
    void aListenerThatThrowsDoesNotStopDelivery() throws Exception {
        final Cluster c = cluster(2, UnaryOperator.identity());
        c.recorders.get(1).throwEvery = 2;
        c.startAll();
        c.awaitAll(v -> v.members().size() == 2);
        for (int i = 0; i < 10; i++) {
            c.nodes.get(0).send("b", ("m" + i).getBytes(StandardCharsets.UTF_8));
        }
        await(() -> c.recorders.get(1).messages().size() == 10);
        assertEquals(List.of("a:m0", "a:m1", "a:m2", "a:m3", "a:m4", "a:m5", "a:m6", "a:m7", "a:m8", "a:m9"),
                c.recorders.get(1).messages());
        assertTrue(c.recorders.get(1).thrown.get() >= 5);
        c.nodes.get(0).close();
        await(() -> c.recorders.get(1).last().members().equals(List.of("b")));
        assertFalse(c.recorders.get(1).last().quorate(), "1 of 2 is no majority");
    }

    @Test
    void listenerCallsNeverOverlap() throws Exception {
        final Cluster c = cluster(3, UnaryOperator.identity());
        c.recorders.get(2).slowMillis = 1;
        c.startAll();
        c.awaitAll(v -> v.members().size() == 3);
        for (int i = 0; i < 50; i++) {
            c.nodes.get(0).broadcast(new byte[]{1});
            c.nodes.get(1).broadcast(new byte[]{2});
        }
        await(() -> c.recorders.get(2).messages().size() == 100);
        assertEquals(1, c.recorders.get(2).maxConcurrent.get());
    }

    @Test
    void aCrashedNodeRestartedAtOnceRejoinsUnderItsName() throws Exception {
        final Cluster c = cluster(3, UnaryOperator.identity());
        c.startAll();
        c.awaitAll(v -> v.members().size() == 3);
        Util.shutdown(c.nodes.get(2).channel());
        // Restarted before the others noticed the crash (systemd's Restart=): its old incarnation is still in
        // their view, under the same name and bind:port. That is no name clash.
        final JGroupsMembership again = membership(c.nodes.get(2).settings(), UnaryOperator.identity());
        final Recorder r = new Recorder();
        again.start(r);
        await(() -> !r.views.isEmpty() && r.last().members().equals(List.of("a", "b", "c"))
                && c.recorders.get(0).last().members().equals(List.of("a", "b", "c")));
        again.send("a", "back".getBytes(StandardCharsets.UTF_8));
        await(() -> c.recorders.get(0).messages().contains("c:back"));
    }

    @Test
    void aSecondHostWithTheSameNameIsRefused() throws Exception {
        final Cluster c = cluster(1, 1, UnaryOperator.identity(), UnaryOperator.identity());
        c.startAll();
        final int port = c.members.get(1).getPort(); // the second configured member, started under a's name
        final JGroupsMembership twin = membership(new ClusterSettings("test", "a", LOOPBACK, port, c.members, key,
                fast()), UnaryOperator.identity());
        final Recorder twinEvents = new Recorder();
        final IOException e = assertThrows(IOException.class, () -> twin.start(twinEvents));
        assertTrue(e.getMessage().contains("node name 'a' is already used by the member at "
                + c.endpoint(0)), e.getMessage());
        assertTrue(twinEvents.views.isEmpty(), "a refused start delivers nothing");
        await(() -> c.recorders.get(0).last().members().equals(List.of("a")));
    }

    @Test
    void aNodeAloneBecomesCoordinatorQuicklyAndAClusterOfOneIsQuorate() throws Exception {
        final int port = freePorts(1)[0];
        final JGroupsMembership alone = membership(new ClusterSettings("solo", "a", LOOPBACK, port, List.of(),
                null, fast()), UnaryOperator.identity());
        assertEquals(0, alone.view().viewId(), "before start");
        final Recorder r = new Recorder();
        final long t0 = System.nanoTime();
        alone.start(r);
        final long ms = TimeUnit.NANOSECONDS.toMillis(await(() -> !r.views.isEmpty()) - t0);
        System.out.println("a node alone installed its first view after " + ms + " ms");
        assertTrue(ms < 5_000);
        assertEquals(List.of("a"), r.last().members());
        assertTrue(r.last().quorate());
        assertEquals(1, r.last().quorumSize());
        assertEquals(1, r.last().viewId(), "the first view is 1: 0 means no view yet");
        alone.broadcast("self".getBytes(StandardCharsets.UTF_8));
        await(() -> r.messages().equals(List.of("a:self")));
    }

    @Test
    void aBusyPortIsAOneLineError() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, LOOPBACK)) {
            final JGroupsMembership m = membership(new ClusterSettings("test", "a", LOOPBACK, busy.getLocalPort(),
                    List.of(), null, fast()), UnaryOperator.identity());
            final IOException e = assertThrows(IOException.class, () -> m.start(new Recorder()));
            assertTrue(e.getMessage().startsWith("cluster test: cannot join on 127.0.0.1:" + busy.getLocalPort()),
                    e.getMessage());
            assertFalse(e.getMessage().contains("\n"));
        }
    }

    // ------------------------------------------------------------------------------------------------------------

    /** Faster merges than the default so a healed partition merges within the test's patience. */
    private static ClusterSettings.Timing fast() {
        return new ClusterSettings.Timing(100, 500, 250, 500, 1_000);
    }

    private Cluster cluster(final int size, final UnaryOperator<List<Protocol>> hook) throws IOException {
        return cluster(size, hook, hook);
    }

    /** {@code lastHook} applies to the last node, {@code hook} to the others. */
    private Cluster cluster(final int size, final UnaryOperator<List<Protocol>> hook,
                            final UnaryOperator<List<Protocol>> lastHook) throws IOException {
        return cluster(size, 0, hook, lastHook);
    }

    /** With {@code spare} more configured members that no node of the cluster uses (for a test's own host). */
    private Cluster cluster(final int size, final int spare, final UnaryOperator<List<Protocol>> hook,
                            final UnaryOperator<List<Protocol>> lastHook) throws IOException {
        final int[] ports = freePorts(size + spare);
        final List<InetSocketAddress> members = new ArrayList<>();
        for (final int port : ports) {
            members.add(new InetSocketAddress(LOOPBACK, port));
        }
        final Cluster c = new Cluster(members);
        for (int i = 0; i < size; i++) {
            final String name = String.valueOf((char) ('a' + i));
            c.nodes.add(membership(new ClusterSettings("test", name, LOOPBACK, ports[i], members, key, fast()),
                    i == size - 1 ? lastHook : hook));
            c.recorders.add(new Recorder());
        }
        return c;
    }

    private JGroupsMembership membership(final ClusterSettings settings, final UnaryOperator<List<Protocol>> hook) {
        final JGroupsMembership m = new JGroupsMembership(settings, hook);
        started.add(m);
        return m;
    }

    private Path keyFile(final String name) throws IOException {
        final byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        final Path file = dir.resolve(name);
        Files.write(file, bytes);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    /** Ports p with p and p + 100 (failure detection) free on loopback (LoopbackPorts). */
    private static int[] freePorts(final int count) throws IOException {
        return LoopbackPorts.free(count);
    }

    private static int freePortOn(final List<InetAddress> hosts) throws IOException {
        return LoopbackPorts.freeOn(hosts);
    }

    /** Waits (bounded) for the condition; returns System.nanoTime() when it was first seen true. */
    private static long await(final BooleanSupplier condition) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return System.nanoTime();
            }
            Thread.sleep(5);
        }
        throw new AssertionError("condition not met within " + WAIT_MS + " ms");
    }

    private static final class Cluster {
        final List<InetSocketAddress> members;
        final List<JGroupsMembership> nodes = new ArrayList<>();
        final List<Recorder> recorders = new ArrayList<>();

        Cluster(final List<InetSocketAddress> members) {
            this.members = members;
        }

        String endpoint(final int i) {
            return "127.0.0.1:" + members.get(i).getPort();
        }

        void startAll() throws IOException, InterruptedException {
            for (int i = 0; i < nodes.size(); i++) {
                nodes.get(i).start(recorders.get(i));
                final Recorder r = recorders.get(i);
                await(() -> !r.views.isEmpty()); // one after the other: each joins the first one's view
            }
        }

        void awaitAll(final java.util.function.Predicate<ClusterView> p) throws InterruptedException {
            await(() -> recorders.stream().allMatch(r -> !r.views.isEmpty() && p.test(r.last())));
        }
    }

    /** Records the listener calls; can be told to throw or be slow. */
    private static final class Recorder implements Membership.Listener {
        final List<ClusterView> views = new CopyOnWriteArrayList<>();
        private final List<String> received = new CopyOnWriteArrayList<>();
        final AtomicInteger thrown = new AtomicInteger();
        final AtomicInteger concurrent = new AtomicInteger();
        final AtomicInteger maxConcurrent = new AtomicInteger();
        volatile int throwEvery;
        volatile int slowMillis;

        @Override
        public void viewChanged(final ClusterView view) {
            enter();
            try {
                views.add(view);
            } finally {
                concurrent.decrementAndGet();
            }
        }

        @Override
        public void received(final String from, final byte[] payload) {
            enter();
            try {
                received.add(from + ":" + new String(payload, StandardCharsets.ISO_8859_1));
                if (slowMillis > 0) {
                    Thread.sleep(slowMillis);
                }
                if (throwEvery > 0 && received.size() % throwEvery == 0) {
                    thrown.incrementAndGet();
                    throw new IllegalStateException("listener failure (test)");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                concurrent.decrementAndGet();
            }
        }

        private void enter() {
            final int now = concurrent.incrementAndGet();
            maxConcurrent.accumulateAndGet(now, Math::max);
        }

        ClusterView last() {
            return views.getLast();
        }

        List<String> messages() {
            return List.copyOf(received);
        }
    }
}
