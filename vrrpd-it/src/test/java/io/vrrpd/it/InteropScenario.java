package io.vrrpd.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * vrrpd and another implementation ({@link Peer}: keepalived or FRR vrrpd) on one VRID (51) on the lab bridge:
 * vrrpd in h1, the peer in h2, a capture of the whole exchange on the client c. For VRRPv3/IPv4, VRRPv2/IPv4 and
 * VRRPv3/IPv6 ({@link Variant}), each side is Master once (200 against 100) and is stopped with SIGTERM; they must
 * agree on exactly one Master (vrrpd's {@code show-router}, the peer's own view), the Backup must take over about
 * Skew_Time after the Master's priority-0 advertisement, tshark must call every advertisement's checksum good, and
 * vrrpd must count no drops. Plus one deliberate misconfiguration: a VRRPv2 peer with another advertisement
 * interval, which vrrpd must drop and count as {@code interval_mismatch} (RFC 3768 §7.1) without flapping.
 */
abstract class InteropScenario extends LabScenario {
    static final int VRID = 51;
    static final String VRRPD = "h1";
    static final String PEER = "h2";
    static final String ROUTER = "r1";
    /** Slack on the Backup's reaction to a priority-0 advertisement, as ElectionFailoverIT allows. */
    static final long SKEW_SLACK_MS = 250;

    /** A VRRP version and address family, with the interval both sides use. */
    enum Variant {
        V3_IPV4(3, false, 200),
        V2_IPV4(2, false, 1000),
        V3_IPV6(3, true, 200);

        final int version;
        final boolean ipv6;
        final int intervalMs;

        Variant(final int version, final boolean ipv6, final int intervalMs) {
            this.version = version;
            this.ipv6 = ipv6;
            this.intervalMs = intervalMs;
        }

        String address() {
            return ipv6 ? "2001:db8::100/64" : "192.0.2.100/24";
        }
    }

    /** One VRRP packet as tshark decoded it, with its checksum verdict (1 good, 0 bad, 2 unverified). */
    record Adv(double epochSeconds, String source, int version, int vrid, int priority, int checksumStatus,
               String addresses) {
    }

    private final List<Peer> peers = new ArrayList<>();
    private int peerDirs;

    @Override
    final int hostCount() {
        return 2;
    }

    /** The implementation under comparison, in host {@link #PEER}, with its files under {@code dir}. */
    abstract Peer newPeer(Path dir, Peer.Settings settings);

    /** A peer (not started) with {@code variant}'s version, family and address; closed after the test. */
    Peer peer(final Variant variant, final int priority, final int intervalMs) {
        return peer(variant, priority, intervalMs, null);
    }

    /** As {@link #peer(Variant, int, int)}, with a VRRPv2 simple text password ({@code null}: none). */
    Peer peer(final Variant variant, final int priority, final int intervalMs, final String authPass) {
        return peer(new Peer.Settings(variant.version, variant.ipv6, VRID, priority, intervalMs,
                List.of(variant.address()), authPass));
    }

    /** A peer (not started) with exactly {@code settings}; closed after the test. */
    Peer peer(final Peer.Settings settings) {
        final Peer peer = newPeer(lab.work().resolve("peer" + (++peerDirs)), settings);
        peers.add(peer);
        return peer;
    }

    @RegisterExtension
    final AfterTestExecutionCallback printPeerLogsOnFailure = context -> {
        if (context.getExecutionException().isPresent()) {
            for (final Peer peer : peers) {
                System.err.println("---- " + peer + ": " + peer.dir());
                System.err.println(peer.log());
            }
        }
    };

    /** Runs before LabScenario's reset (subclass @AfterEach first): the peers end, their leftovers go. */
    @AfterEach
    final void closePeers() {
        for (final Peer peer : peers) {
            try {
                peer.close();
            } catch (RuntimeException | Error e) {
                System.err.println("closing " + peer + ": " + e);
            }
        }
        peers.clear();
    }

    // ------------------------------------------------------------------ the scenarios

    @ParameterizedTest(name = "{0}")
    @EnumSource(Variant.class)
    void vrrpdMaster_peerBackup_thenVrrpdSigterm_peerTakesOverAfterSkewTime(final Variant v) {
        final Capture capture = lab.capture(Lab.CLIENT);
        lab.startDaemons(VRRPD);
        createRouter(VRRPD, ROUTER, routerArgs(v, 200, v.intervalMs));
        d(VRRPD).awaitState(ROUTER, "MASTER", Duration.ofSeconds(10));
        final String primary = ip(d(VRRPD).router(ROUTER).json().path("primary_ip").asText());

        final long peerStarted = System.nanoTime();
        final Peer peer = peer(v, 100, v.intervalMs).start();
        peer.awaitState("BACKUP", Duration.ofSeconds(10));
        holdAgreement(peer, "MASTER", "BACKUP", holdTime(v));
        assertEquals(List.of("BACKUP"), peer.transitionsSince(peerStarted), peer + " entered only BACKUP");
        assertTrue(peer.operatorView().toUpperCase().contains("BACKUP"), peer + "'s view: " + peer.operatorView());
        assertEquals(ROUTER + ":MASTER:", lab.vrrpadmOk(VRRPD, "show-router", "-p", "-o", "name,state,drops", ROUTER)
                .strip(), "vrrpd's view: Master, no drops");

        final long stopped = System.nanoTime();
        assertEquals(0, d(VRRPD).stop(), "vrrpd exits 0 on SIGTERM");
        peer.awaitState("MASTER", Duration.ofMillis(masterDownMillis(v, 100)).plus(SLACK).plusSeconds(2));
        System.out.println("[measure] " + getClass().getSimpleName() + " " + v + ": " + peer.name()
                + " Master " + Wait.millisSince(stopped) + " ms after vrrpd's SIGTERM (vrrpd's exit included)");
        assertTrue(peer.operatorView().toUpperCase().contains("MASTER"), peer + "'s view: " + peer.operatorView());
        capture.await(peer + "'s first advertisement", p -> !p.source().equals(primary) && p.priority() == 100,
                Duration.ofSeconds(3));
        final List<String> delays = peer.linesSince(stopped).stream().map(Peer.Line::text)
                .filter(t -> t.matches("(?i).*(delay|interface up).*")).toList();
        if (!delays.isEmpty()) {
            System.out.println("[observation] " + getClass().getSimpleName() + " " + v + ": " + peer.name()
                    + " on taking over: " + delays);
        }

        final List<Adv> packets = decode(capture.stop().file());
        assertChecksumsGood(packets);
        final Adv zero = packets.stream().filter(p -> p.source().equals(primary) && p.priority() == 0).findFirst()
                .orElseThrow(() -> new AssertionError("no priority-0 advertisement from vrrpd (" + primary + "): "
                        + summary(packets)));
        assertTrue(packets.stream().noneMatch(p -> !p.source().equals(primary) && p.epochSeconds() < zero.epochSeconds()),
                peer + " advertised while vrrpd was Master: " + summary(packets));
        final Adv first = packets.stream()
                .filter(p -> !p.source().equals(primary) && p.epochSeconds() >= zero.epochSeconds()).findFirst()
                .orElseThrow(() -> new AssertionError("no advertisement from " + peer + " after vrrpd's priority 0: "
                        + summary(packets)));
        assertEquals(100, first.priority(), peer + " advertises its priority");
        // The peer's own timing is its business: it must have reacted to the priority 0 (well before its
        // Master_Down_Interval), not necessarily within Skew_Time + slack (FRR over IPv6 first lifts the macvlan's
        // protodown through zebra and holds its advertisement until the interface is up).
        assertTakeoverAfterSkew(v, zero, first, peer.name() + " (100)", false);
        observeAddresses(v, packets, primary);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Variant.class)
    void peerMaster_vrrpdBackup_thenPeerSigterm_vrrpdTakesOverAfterSkewTime(final Variant v) {
        final Capture capture = lab.capture(Lab.CLIENT);
        final Peer peer = peer(v, 200, v.intervalMs).start();
        peer.awaitState("MASTER", Duration.ofSeconds(15));

        final long vrrpdStarted = System.nanoTime();
        lab.startDaemons(VRRPD);
        createRouter(VRRPD, ROUTER, routerArgs(v, 100, v.intervalMs));
        d(VRRPD).awaitState(ROUTER, "BACKUP", Duration.ofSeconds(10));
        Wait.until(Duration.ofSeconds(5), "vrrpd to accept an advertisement from " + peer,
                () -> d(VRRPD).router(ROUTER).counter("adv_rcvd"), n -> n > 0);
        holdAgreement(peer, "BACKUP", "MASTER", holdTime(v));
        assertEquals(List.of(), peer.transitionsSince(vrrpdStarted), peer + " stayed Master once vrrpd ran");
        assertTrue(peer.operatorView().toUpperCase().contains("MASTER"), peer + "'s view: " + peer.operatorView());
        final Control.Router backup = d(VRRPD).router(ROUTER);
        final String primary = ip(backup.json().path("primary_ip").asText());
        final String peerAddress = ip(backup.json().path("peer").asText());
        assertEquals(Map.of(), backup.drops(), "vrrpd dropped none of " + peer + "'s advertisements");
        assertEquals(ROUTER + ":BACKUP::200", lab.vrrpadmOk(VRRPD, "show-router", "-p", "-o", "name,state,drops,p_prio",
                ROUTER).strip(), "vrrpd's view: Backup, no drops, the peer's priority");

        assertEquals(0, peer.stop(), peer + " exits 0 on SIGTERM");
        d(VRRPD).awaitState(ROUTER, "MASTER", Duration.ofMillis(masterDownMillis(v, 100)).plus(SLACK).plusSeconds(2));
        capture.await("vrrpd's first advertisement", p -> p.source().equals(primary) && p.priority() == 100,
                Duration.ofSeconds(3));
        assertEquals(List.of(ROUTER + " INIT->BACKUP", ROUTER + " BACKUP->MASTER"),
                d(VRRPD).transitionsSince(vrrpdStarted), "vrrpd's transitions");
        assertEquals(ROUTER + ":MASTER:", lab.vrrpadmOk(VRRPD, "show-router", "-p", "-o", "name,state,drops", ROUTER)
                .strip(), "vrrpd's view after the failover: Master, still no drops (the priority 0 was accepted)");

        final List<Adv> packets = decode(capture.stop().file());
        assertChecksumsGood(packets);
        assertTrue(packets.stream().filter(p -> !p.source().equals(primary)).allMatch(p -> p.source().equals(peerAddress)),
                "every other advertisement came from the Master vrrpd reported (" + peerAddress + "): "
                        + summary(packets));
        final Adv zero = packets.stream().filter(p -> !p.source().equals(primary) && p.priority() == 0).findFirst()
                .orElseThrow(() -> new AssertionError("no priority-0 advertisement from " + peer + ": "
                        + summary(packets)));
        assertTrue(packets.stream().noneMatch(p -> p.source().equals(primary) && p.epochSeconds() < zero.epochSeconds()),
                "vrrpd advertised while Backup: " + summary(packets));
        final Adv first = packets.stream()
                .filter(p -> p.source().equals(primary) && p.epochSeconds() >= zero.epochSeconds()).findFirst()
                .orElseThrow(() -> new AssertionError("no advertisement from vrrpd after the priority 0: "
                        + summary(packets)));
        assertEquals(100, first.priority(), "vrrpd advertises its priority");
        assertTakeoverAfterSkew(v, zero, first, "vrrpd (100)", true);
        observeAddresses(v, packets, primary);
    }

    /**
     * RFC 3768 §7.1: a VRRPv2 advertisement whose Adver Int differs from the locally configured one MUST be
     * discarded. The peer (200, 1 s) is Master first; vrrpd (100, 2 s) drops every one of its advertisements as
     * {@code interval_mismatch}, so it hears no Master and becomes Master itself once (both are Masters now: the
     * misconfiguration RFC 3768 describes) and stays so: no flapping, no other drop reason.
     */
    @Test
    void rfc3768_v2AdvertisementIntervalMismatch_droppedAsIntervalMismatch_noFlapping() {
        final int vrrpdInterval = 2000;
        final Peer peer = peer(Variant.V2_IPV4, 200, 1000).start();
        peer.awaitState("MASTER", Duration.ofSeconds(15));

        final long vrrpdStarted = System.nanoTime();
        lab.startDaemons(VRRPD);
        createRouter(VRRPD, ROUTER, routerArgs(Variant.V2_IPV4, 100, vrrpdInterval));
        Wait.until(Duration.ofSeconds(10), "vrrpd to drop 3 of " + peer + "'s advertisements as interval_mismatch",
                () -> d(VRRPD).router(ROUTER).drops(), drops -> drops.getOrDefault("interval_mismatch", 0L) >= 3);
        final long masterDown = 3L * vrrpdInterval + skewMillis(1000, 100); // RFC 3768: skew in seconds, any interval
        d(VRRPD).awaitState(ROUTER, "MASTER", Duration.ofMillis(masterDown).plus(SLACK).plusSeconds(1));
        final long before = d(VRRPD).router(ROUTER).drops().get("interval_mismatch");

        final long end = System.nanoTime() + Duration.ofMillis(2500).toNanos();
        while (System.nanoTime() - end < 0) {
            final Control.Router r = d(VRRPD).router(ROUTER);
            assertEquals("MASTER", r.state(), "vrrpd's state must hold");
            assertEquals(List.of("interval_mismatch"), List.copyOf(r.drops().keySet()), "the only drop reason");
            Wait.sleep(Duration.ofMillis(100));
        }
        final long after = d(VRRPD).router(ROUTER).drops().get("interval_mismatch");
        // Not one per second: keepalived 2.2.7 as Master restarts its advertisement timer on every advertisement it
        // receives, even one it discards, so with vrrpd's every 2 s it sends only 1 s after each of vrrpd's.
        assertTrue(after > before, "interval_mismatch kept counting the peer's advertisements for 2.5 s: "
                + before + " -> " + after);
        assertEquals(List.of(ROUTER + " INIT->BACKUP", ROUTER + " BACKUP->MASTER"),
                d(VRRPD).transitionsSince(vrrpdStarted), "vrrpd changed state once (no flapping)");
        final String shown = lab.vrrpadmOk(VRRPD, "show-router", "-p", "-o", "state,drops", ROUTER).strip();
        assertTrue(shown.matches("MASTER:interval_mismatch=\\d+"), "show-router -p -o state,drops: " + shown);
        System.out.println("[observation] " + getClass().getSimpleName() + " v2 interval mismatch: vrrpd " + shown
                + "; " + peer + " " + peer.state() + ", entered " + peer.transitionsSince(vrrpdStarted)
                + " since vrrpd started; its lines about vrrpd's advertisements: "
                + peer.linesSince(vrrpdStarted).stream().map(Peer.Line::text)
                .filter(t -> t.toLowerCase().contains("interval")).distinct().limit(3).toList());
    }

    /**
     * RFC 5798 §6.4.1/§6.4.3, the address owner: vrrpd on h1 with priority 255 protecting h1's own 192.0.2.1, in
     * {@code mac} mode, and the peer a Backup (100) of the same address. vrrpd is Master at once and advertises
     * 255 from the address it owns; the peer stays Backup (it accepts them) for longer than its
     * Master_Down_Interval. vrrpd's SIGTERM: priority 0 from 192.0.2.1, the peer takes over (RFC 5798 §6.4.2: after
     * Skew_Time, not Master_Down_Interval), h1 keeps its address. vrrpd starts again: Master at once, and the peer
     * gives the address back (BACKUP) on its first advertisement; the client reaches 192.0.2.1 at the owner's MAC.
     *
     * <p>h2 runs with {@code net.ipv4.conf.all.accept_local=1}, what a Linux Backup of an owner that advertises from
     * the owned address needs (docs/CONFIG.md): a peer holding 192.0.2.1 itself (keepalived once it took over, FRR
     * on its macvlan from the start) otherwise has its kernel drop every advertisement from 192.0.2.1 as a martian
     * source — keepalived stayed Master after the owner's return, FRR's Master_Down_Timer expired ~1 s after it
     * started (both Masters, each time). And {@code arp_ignore=1} (what
     * vrrpd sets on its own parent links): FRR keeps 192.0.2.1 on its macvlan while Backup, and with the default 0
     * h2's eth0 answered the client's ARP for it with h2's own MAC.
     */
    @ParameterizedTest(name = "mac {0}")
    @ValueSource(strings = {"virtual", "real"})
    void addressOwner_masterAtOnce_peerStaysBackup_takesOverOnSigterm_andGivesBack(final String mac) {
        final String own = Lab.ipv4(VRRPD);
        final Variant v = Variant.V3_IPV4;
        final Capture capture = lab.capture(Lab.CLIENT);
        lab.startDaemons(VRRPD);
        final long created = System.nanoTime();
        createRouter(VRRPD, ROUTER, "-V", "" + VRID, "-l", "eth0", "-A", "inet", "-p", "255", "-i", "" + v.intervalMs,
                "-a", own + "/24", "--mac", mac);
        d(VRRPD).awaitState(ROUTER, "MASTER", Duration.ofSeconds(1)); // at once: no Master_Down_Interval
        assertEquals(List.of(ROUTER + " INIT->MASTER"), d(VRRPD).transitionsSince(created),
                "the owner goes straight to Master (RFC 5798 §6.4.1), never through Backup");
        System.out.println("[measure] " + getClass().getSimpleName() + " owner (" + mac + " MAC) Master "
                + Wait.millisSince(created) + " ms after create-router began (vrrpadm's JVM start included)");

        final long peerStarted = System.nanoTime();
        lab.sysctl(PEER, "net.ipv4.conf.all.accept_local", "1");
        lab.sysctl(PEER, "net.ipv4.conf.all.arp_ignore", "1");
        try {
            final Peer peer = peer(new Peer.Settings(v.version, false, VRID, 100, v.intervalMs, List.of(own + "/24")))
                    .start();
            ownerScenario(peer, own, mac, v, capture, peerStarted);
        } finally {
            lab.sysctl(PEER, "net.ipv4.conf.all.accept_local", "0");
            lab.sysctl(PEER, "net.ipv4.conf.all.arp_ignore", "0");
        }
    }

    private void ownerScenario(final Peer peer, final String own, final String mac, final Variant v,
                               final Capture capture, final long peerStarted) {
        peer.awaitState("BACKUP", Duration.ofSeconds(10));
        holdAgreement(peer, "MASTER", "BACKUP", holdTime(v));
        assertEquals(List.of("BACKUP"), peer.transitionsSince(peerStarted), peer + " entered only BACKUP");
        assertEquals(ROUTER + ":MASTER:255:", lab.vrrpadmOk(VRRPD, "show-router", "-p", "-o", "name,state,prio,drops",
                ROUTER).strip(), "vrrpd's view: the owner is Master, no drops");
        assertTrue(lab.addresses(VRRPD, "eth0").contains(own + "/24"), "h1 holds its own address");

        final long stopped = System.nanoTime();
        assertEquals(0, d(VRRPD).stop(), "vrrpd exits 0 on SIGTERM");
        peer.awaitState("MASTER", Duration.ofMillis(masterDownMillis(v, 100)).plus(SLACK).plusSeconds(2));
        System.out.println("[measure] " + getClass().getSimpleName() + " owner (" + mac + " MAC): " + peer.name()
                + " Master " + Wait.millisSince(stopped) + " ms after vrrpd's SIGTERM");
        assertTrue(lab.addresses(VRRPD, "eth0").contains(own + "/24"), "SIGTERM left h1 its own address: "
                + lab.addresses(VRRPD, "eth0"));
        capture.await(peer + "'s first advertisement", p -> !p.source().equals(own) && p.priority() == 100,
                Duration.ofSeconds(3));

        final long returned = System.nanoTime();
        final double returnedEpoch = System.currentTimeMillis() / 1000.0;
        d(VRRPD).start();
        d(VRRPD).awaitState(ROUTER, "MASTER", Duration.ofSeconds(3));
        final long master = System.nanoTime();
        peer.awaitState("BACKUP", Duration.ofSeconds(3));
        System.out.println("[measure] " + getClass().getSimpleName() + " owner (" + mac + " MAC): " + peer.name()
                + " Backup again " + Wait.millisSince(master) + " ms after vrrpd showed Master (its start: "
                + Wait.millisSince(returned) + " ms)");
        assertEquals(List.of("BACKUP"), peer.transitionsSince(returned), peer + " gave the address back once");
        assertEquals(List.of(ROUTER + " INIT->MASTER"), d(VRRPD).transitionsSince(returned),
                "the owner returns straight to Master");
        capture.await("the owner's advertisement after its return", p -> p.source().equals(own) && p.priority() == 255
                && p.epochSeconds() >= returnedEpoch, Duration.ofSeconds(2));
        holdAgreement(peer, "MASTER", "BACKUP", holdTime(v));
        // With a virtual MAC only the VNIC answers ARP for h1's own address (eth0's answers are dropped while the
        // VNIC is up, RouterPlumbing), with the virtual MAC.
        final List<String> ownerMacs = mac.equals("real") ? List.of(lab.mac(VRRPD))
                : List.of(Lab.virtualMac(VRID, false));
        lab.flushNeighbour(Lab.CLIENT, own);
        lab.awaitPing(Lab.CLIENT, own, Duration.ofSeconds(3));
        final String reached = lab.neighbourMac(Lab.CLIENT, own).orElse("none");
        assertTrue(ownerMacs.contains(reached), "the client reaches " + own + " at the owner's MAC " + ownerMacs
                + ", not " + peer + "'s host's " + lab.mac(PEER) + ": " + lab.neighbour(Lab.CLIENT, own));
        System.out.println("[observation] " + getClass().getSimpleName() + " owner (" + mac + " MAC): the client's"
                + " entry for " + own + " after the return: " + reached);

        final List<Adv> packets = decode(capture.stop().file());
        assertChecksumsGood(packets);
        assertTrue(packets.stream().filter(p -> p.source().equals(own)).allMatch(p -> p.priority() == 255
                        || p.priority() == 0), "vrrpd advertises 255 (and 0 on SIGTERM) from " + own + ": "
                + summary(packets));
        final Adv zero = packets.stream().filter(p -> p.source().equals(own) && p.priority() == 0).findFirst()
                .orElseThrow(() -> new AssertionError("no priority-0 advertisement from the owner: " + summary(packets)));
        final Adv first = packets.stream()
                .filter(p -> !p.source().equals(own) && p.epochSeconds() >= zero.epochSeconds()).findFirst()
                .orElseThrow(() -> new AssertionError("no advertisement from " + peer + " after the priority 0: "
                        + summary(packets)));
        assertTrue(packets.stream().noneMatch(p -> !p.source().equals(own) && p.epochSeconds() < zero.epochSeconds()),
                peer + " advertised while the owner was Master: " + summary(packets));
        assertTakeoverAfterSkew(v, zero, first, peer.name() + " (100)", false);
        observeAddresses(v, packets, own);
    }

    // ------------------------------------------------------------------ helpers

    static String[] routerArgs(final Variant v, final int priority, final int intervalMs) {
        return new String[] {"-V", "" + VRID, "-l", "eth0", "-A", v.ipv6 ? "inet6" : "inet", "-v", "" + v.version,
                "-p", "" + priority, "-i", "" + intervalMs, "-a", v.address()};
    }

    /** Master_Down_Interval of a Backup with {@code priority} (v2: 3 × interval + Skew_Time, both in seconds). */
    static long masterDownMillis(final Variant v, final int priority) {
        return masterDownMillis(v.intervalMs, priority);
    }

    /**
     * How long both sides must hold their states: longer than the Backup's Master_Down_Interval, so a Backup that
     * did not accept the Master's advertisements would have taken over within it.
     */
    static Duration holdTime(final Variant v) {
        return Duration.ofMillis(masterDownMillis(v, 100) + v.intervalMs);
    }

    /**
     * Watches, for {@code duration}, that vrrpd's router and the peer hold {@code vrrpdState} and {@code peerState}
     * (exactly one Master).
     */
    void holdAgreement(final Peer peer, final String vrrpdState, final String peerState, final Duration duration) {
        final long end = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() - end < 0) {
            assertEquals(vrrpdState, d(VRRPD).router(ROUTER).state(), "vrrpd's state must hold");
            assertEquals(peerState, peer.state(), peer + "'s state must hold");
            Wait.sleep(Duration.ofMillis(100));
        }
    }

    /**
     * RFC 5798 §6.4.2 / RFC 3768 §6.4.2: after the Master's priority-0 advertisement a Backup waits Skew_Time, not
     * Master_Down_Interval. {@code zero} is that advertisement, {@code first} the Backup's first one after it. Always
     * checked: the Backup did not wait for Master_Down_Interval (its last regular advertisement was at most one
     * interval before the priority 0); with {@code withinSkew}, also that it came within Skew_Time + 250 ms.
     */
    void assertTakeoverAfterSkew(final Variant v, final Adv zero, final Adv first, final String backup,
                                 final boolean withinSkew) {
        final long skew = skewMillis(v.intervalMs, 100);
        final long masterDown = masterDownMillis(v, 100);
        final long gap = Math.round((first.epochSeconds() - zero.epochSeconds()) * 1000);
        System.out.println("[measure] " + getClass().getSimpleName() + " " + v + ": " + backup
                + "'s first advertisement " + gap + " ms after the priority 0 (Skew_Time " + skew + " ms)");
        assertTrue((!withinSkew || gap <= skew + SKEW_SLACK_MS) && gap < masterDown - v.intervalMs, backup + "'s first advertisement came "
                + gap + " ms after the priority 0; expected about Skew_Time " + skew + " ms, well before "
                + "Master_Down_Interval " + masterDown + " ms");
    }

    /** Every VRRP packet of the capture decodes with a good checksum, and there are some from each side. */
    static void assertChecksumsGood(final List<Adv> packets) {
        assertTrue(packets.stream().map(Adv::source).distinct().count() >= 2,
                "advertisements from both sides in the capture: " + summary(packets));
        final List<Adv> notGood = packets.stream().filter(p -> p.checksumStatus() != 1).toList();
        assertEquals(List.of(), notGood, "tshark's vrrp.checksum.status of every advertisement must be 1 (good); "
                + packets.size() + " packets");
        assertTrue(packets.stream().allMatch(p -> p.vrid() == VRID), "only VRID " + VRID + ": " + summary(packets));
    }

    /** The VRRP packets of {@code pcap}, decoded by tshark with its default (RFC 5798) checksum rules. */
    static List<Adv> decode(final Path pcap) {
        final Cmd.Result result = Cmd.exec(Duration.ofSeconds(60), null, "tshark", "-n", "-r", pcap.toString(),
                "-Y", "vrrp", "-T", "fields", "-E", "separator=|", "-e", "frame.time_epoch", "-e", "ip.src",
                "-e", "ipv6.src", "-e", "vrrp.version", "-e", "vrrp.virt_rtr_id", "-e", "vrrp.prio",
                "-e", "vrrp.checksum.status", "-e", "vrrp.ip_addr", "-e", "vrrp.ipv6_addr");
        assertTrue(result.ok(), "tshark failed: " + result);
        final List<Adv> packets = new ArrayList<>();
        for (final String line : result.out().lines().toList()) {
            final String[] f = line.split("\\|", -1);
            if (f.length < 9 || f[3].isEmpty()) {
                continue;
            }
            packets.add(new Adv(Double.parseDouble(f[0]), ip(f[1].isEmpty() ? f[2] : f[1]), Integer.parseInt(f[3]),
                    Integer.parseInt(f[4]), Integer.parseInt(f[5]), f[6].isEmpty() ? -1 : Integer.parseInt(f[6]),
                    f[7].isEmpty() ? f[8] : f[7]));
        }
        assertFalse(packets.isEmpty(), "no VRRP packet in " + pcap);
        return packets;
    }

    /**
     * One spelling of an IP address literal (Java's, as {@link Capture}'s live view has it): vrrpd and tshark
     * compress IPv6 zeros, InetAddress does not.
     */
    static String ip(final String literal) {
        return java.net.InetAddress.ofLiteral(literal).getHostAddress();
    }

    /** Per source: how many advertisements, with which versions, priorities and checksum verdicts. */
    static String summary(final List<Adv> packets) {
        return packets.stream().collect(Collectors.groupingBy(Adv::source, java.util.LinkedHashMap::new,
                Collectors.mapping(p -> "v" + p.version() + "/prio " + p.priority() + "/cksum " + p.checksumStatus(),
                        Collectors.groupingBy(s -> s, java.util.TreeMap::new, Collectors.counting())))).toString();
    }

    /** Records what each side put in its address list (FRR lists no IPv6 link-local address). */
    void observeAddresses(final Variant v, final List<Adv> packets, final String primary) {
        final Optional<Adv> ours = packets.stream().filter(p -> p.source().equals(primary)).findFirst();
        final Optional<Adv> theirs = packets.stream().filter(p -> !p.source().equals(primary)).findFirst();
        System.out.println("[observation] " + getClass().getSimpleName() + " " + v + ": vrrpd advertises "
                + ours.map(Adv::addresses).orElse("-") + " from " + primary + "; the peer "
                + theirs.map(Adv::addresses).orElse("-") + " from " + theirs.map(Adv::source).orElse("-"));
    }
}
