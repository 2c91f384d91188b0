package io.vrrpd.it;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * vrrpd (h1) and Debian's keepalived 2.2.7 (h2, {@link Keepalived}) on VRID 51: the {@link InteropScenario}s.
 * keepalived runs VRRPv3 with {@code advert_int 0.2} and VRRPv2 with {@code advert_int 1}, no VMAC (it puts the
 * virtual address on eth0), no authentication (v2 auth type 0) except in the {@code auth_type PASS} case below,
 * which is keepalived's alone (FRR's vrrpd has no VRRPv2 authentication).
 */
class KeepalivedInteropIT extends InteropScenario {
    private static final String SECRET = "s3cret";
    private static final String WRONG = "wr0ng";

    @Override
    Peer newPeer(final Path dir, final Peer.Settings settings) {
        return new Keepalived(lab, PEER, dir, settings);
    }

    /**
     * RFC 2338 simple text authentication against keepalived's {@code auth_type PASS}, in one lab: (1) keepalived
     * Master (200) and vrrpd Backup (100) with the same {@code --auth-pass}: vrrpd accepts its advertisements (no
     * drops) and stays Backup; (2) vrrpd raised to 250 preempts and keepalived enters BACKUP: keepalived accepted
     * vrrpd's type 1 advertisements; (3) vrrpd back to 100 with another password: each side drops the other's
     * advertisements, vrrpd counts them as {@code auth_mismatch} (the only reason) and logs why, without either
     * password in its log.
     */
    @Test
    void rfc2338_v2SimpleTextPassword_interoperatesWithKeepalivedPass_andAWrongOneIsAuthMismatch() {
        final Peer peer = peer(Variant.V2_IPV4, 200, 1000, SECRET).start();
        peer.awaitState("MASTER", Duration.ofSeconds(15));

        final long vrrpdStarted = System.nanoTime();
        lab.startDaemons(VRRPD);
        final List<String> args = new java.util.ArrayList<>(List.of(routerArgs(Variant.V2_IPV4, 100, 1000)));
        args.addAll(List.of("--auth-pass", SECRET));
        createRouter(VRRPD, ROUTER, args.toArray(String[]::new));
        d(VRRPD).awaitState(ROUTER, "BACKUP", Duration.ofSeconds(10));
        Wait.until(Duration.ofSeconds(5), "vrrpd to accept 3 advertisements from " + peer,
                () -> d(VRRPD).router(ROUTER).counter("adv_rcvd"), n -> n >= 3);
        assertEquals(Map.of(), d(VRRPD).router(ROUTER).drops(), "vrrpd dropped none of " + peer + "'s PASS adverts");
        assertEquals("BACKUP", d(VRRPD).router(ROUTER).state());
        assertEquals(List.of(), peer.transitionsSince(vrrpdStarted), peer + " stayed Master once vrrpd ran");

        final long raised = System.nanoTime();
        lab.vrrpadmOk(VRRPD, "modify-router", "-p", "250", ROUTER);
        // vrrpd preempts when its Master_Down_Timer fires (3 x 1 s + skew): keepalived's 200 is lower now
        d(VRRPD).awaitState(ROUTER, "MASTER", Duration.ofSeconds(8));
        peer.awaitState("BACKUP", Duration.ofSeconds(5)); // keepalived accepted vrrpd's auth type 1 + password
        assertEquals(List.of("BACKUP"), peer.transitionsSince(raised), peer + " went to BACKUP once");

        final long changed = System.nanoTime();
        lab.vrrpadmOk(VRRPD, "modify-router", "-p", "100", "--auth-pass", WRONG, ROUTER);
        // keepalived now drops vrrpd's advertisements ("received an invalid passwd!"), takes over after its
        // Master_Down_Interval (~3.2 s) and advertises with its password, which vrrpd drops. keepalived 2.2.7 as
        // Master restarts its advertisement timer on every advertisement it receives, even a discarded one, so
        // with vrrpd's at the same 1 s it sends few: wait for one, not for one a second.
        peer.awaitState("MASTER", Duration.ofSeconds(8));
        assertEquals(List.of("MASTER"), peer.transitionsSince(changed), peer + " took over once");
        assertTrue(peer.linesSince(changed).stream().anyMatch(l -> l.text().contains("received an invalid passwd")),
                peer + " dropped vrrpd's advertisements for their password:\n" + peer.log());
        Wait.until(Duration.ofSeconds(8), "vrrpd to drop " + peer + "'s advertisements as auth_mismatch",
                () -> d(VRRPD).router(ROUTER).drops(), drops -> drops.getOrDefault("auth_mismatch", 0L) >= 1);
        d(VRRPD).awaitState(ROUTER, "MASTER", Duration.ofSeconds(8)); // it hears no valid Master
        final Control.Router r = d(VRRPD).router(ROUTER);
        assertEquals(List.of("auth_mismatch"), List.copyOf(r.drops().keySet()), "the only drop reason");
        final String shown = lab.vrrpadmOk(VRRPD, "show-router", "-p", "-o", "state,drops", ROUTER).strip();
        assertTrue(shown.matches("MASTER:auth_mismatch=\\d+"), "show-router -p -o state,drops: " + shown);
        final String log = d(VRRPD).log();
        assertTrue(log.contains("auth_mismatch (the peer's password (auth type 1, PASS) differs)"), log);
        assertFalse(log.contains(SECRET) || log.contains(WRONG), "a password in vrrpd's log:\n" + log);
        System.out.println("[observation] " + getClass().getSimpleName() + " v2 PASS mismatch: vrrpd " + shown
                + "; " + peer + " " + peer.state());
    }

    /**
     * issue 13, {@code vrrpadm import-keepalived}: one keepalived.conf for both hosts ({@code @ID} lines set each
     * host's priority, as operators write them). keepalived runs it on h2 ({@code -i kpeer}); vrrpd on h1 runs the
     * routers imported from the same file ({@code --config-id kvrrpd}). They agree: vrrpd is Backup and accepts every
     * advertisement (VRRPv2 from the file's vrrp_version, the same addresses, the same interval), takes over when
     * keepalived stops, and gives the address back when keepalived (priority 200, preempting) returns.
     */
    @Test
    void importKeepalived_theSameFileOnBothHosts_agrees() throws java.io.IOException {
        final String conf = """
                global_defs {
                    router_id lab
                    vrrp_version 2
                }
                vrrp_instance VI_51 {
                @kpeer  state MASTER
                    interface eth0
                    virtual_router_id 51
                @kpeer  priority 200
                @^kpeer priority 100
                    advert_int 1
                    virtual_ipaddress {
                        192.0.2.100/24
                    }
                    track_interface {
                        eth0
                    }
                }
                """;
        final Keepalived keepalived = ((Keepalived) peer(Variant.V2_IPV4, 200, 1000)).withConfig(conf, "kpeer");
        keepalived.start();
        keepalived.awaitState("MASTER", Duration.ofSeconds(15));

        lab.startDaemons(VRRPD);
        final Path file = lab.work().resolve("keepalived-import.conf");
        java.nio.file.Files.writeString(file, conf);
        final long imported = System.nanoTime();
        final String out = lab.vrrpadmOk(VRRPD, "import-keepalived", "--config-id", "kvrrpd", file.toString());
        assertTrue(out.contains("created router VI_51 (vrrp_instance VI_51, " + file + ":5)"), out);
        assertTrue(out.contains(file + ":2: global_defs router_id: not carried over"), out);
        assertTrue(out.endsWith("imported 1 of 1 vrrp_instance(s); 1 setting(s) not carried over\n"), out);
        assertEquals("VI_51:51:eth0:100:1000:e-pa", lab.vrrpadmOk(VRRPD, "show-router", "-p", "-o",
                "name,vrid,link,prio,adv_intv,mode", "VI_51").strip());

        d(VRRPD).awaitState("VI_51", "BACKUP", Duration.ofSeconds(10));
        Wait.until(Duration.ofSeconds(6), "vrrpd to accept 3 advertisements from " + keepalived,
                () -> d(VRRPD).router("VI_51").counter("adv_rcvd"), n -> n >= 3);
        assertEquals(Map.of(), d(VRRPD).router("VI_51").drops(), "vrrpd dropped none of keepalived's advertisements");
        assertEquals(List.of(), keepalived.transitionsSince(imported), keepalived + " stayed Master");

        final long stopped = System.nanoTime();
        keepalived.stop(); // priority 0: vrrpd takes over after Skew_Time
        d(VRRPD).awaitState("VI_51", "MASTER", Duration.ofSeconds(5));
        keepalived.start(); // 200 > 100 and preempting: it takes the address back
        keepalived.awaitState("MASTER", Duration.ofSeconds(15));
        d(VRRPD).awaitState("VI_51", "BACKUP", Duration.ofSeconds(5));
        assertEquals(List.of("VI_51 BACKUP->MASTER", "VI_51 MASTER->BACKUP"), d(VRRPD).transitionsSince(stopped),
                "vrrpd's transitions");
        assertEquals(Map.of(), d(VRRPD).router("VI_51").drops(), "no drop after the handovers either");
    }

    /**
     * IPv6 unicast peers against keepalived's {@code unicast_peer} (VRRPv3, 200 ms): keepalived (200, peer
     * 2001:db8::1, {@code unicast_src_ip 2001:db8::2}) is Master and vrrpd (100, {@code --unicast-peer
     * 2001:db8::2}) accepts its unicast advertisements (no drops, P_PRIO 200 from 2001:db8::2) and stays Backup;
     * raised to 250 it preempts and keepalived enters BACKUP (it accepted vrrpd's, sent from vrrpd's global address
     * with the checksum over it); vrrpd's SIGTERM (priority 0, unicast) hands Master back to keepalived.
     */
    @Test
    void ipv6UnicastPeers_interoperateWithKeepalivedUnicastPeer() {
        final Variant v = Variant.V3_IPV6;
        final Peer peer = peer(new Peer.Settings(v.version, true, VRID, 200, v.intervalMs, List.of(v.address()), null,
                List.of(Lab.ipv6(VRRPD)))).start();
        peer.awaitState("MASTER", Duration.ofSeconds(15));

        final long vrrpdStarted = System.nanoTime();
        lab.startDaemons(VRRPD);
        final List<String> args = new java.util.ArrayList<>(List.of(routerArgs(v, 100, v.intervalMs)));
        args.addAll(List.of("--unicast-peer", Lab.ipv6(PEER)));
        createRouter(VRRPD, ROUTER, args.toArray(String[]::new));
        d(VRRPD).awaitState(ROUTER, "BACKUP", Duration.ofSeconds(10));
        Wait.until(Duration.ofSeconds(5), "vrrpd to accept 3 unicast advertisements from " + peer
                        + " (last seen: accepted, drops)", () -> {
                    final Control.Router r = d(VRRPD).router(ROUTER);
                    return List.of(r.counter("adv_rcvd"), r.drops());
                }, seen -> (Long) seen.getFirst() >= 3);
        holdAgreement(peer, "BACKUP", "MASTER", holdTime(v));
        assertEquals(Map.of(), d(VRRPD).router(ROUTER).drops(), "vrrpd dropped none of " + peer + "'s advertisements");
        assertEquals(ROUTER + ":BACKUP:" + Lab.ipv6(PEER).replace(":", "\\:") + ":200", lab.vrrpadmOk(VRRPD,
                "show-router", "-p", "-o", "name,state,peer,p_prio", ROUTER).strip(), "vrrpd hears keepalived");
        assertEquals(List.of(), peer.transitionsSince(vrrpdStarted), peer + " stayed Master once vrrpd ran");

        final long raised = System.nanoTime();
        lab.vrrpadmOk(VRRPD, "modify-router", "-p", "250", ROUTER);
        d(VRRPD).awaitState(ROUTER, "MASTER", Duration.ofMillis(masterDownMillis(v, 250)).plus(SLACK).plusSeconds(1));
        peer.awaitState("BACKUP", Duration.ofSeconds(3));
        assertEquals(List.of("BACKUP"), peer.transitionsSince(raised), peer + " went to BACKUP once");
        holdAgreement(peer, "MASTER", "BACKUP", holdTime(v));

        final long stopped = System.nanoTime();
        assertEquals(0, d(VRRPD).stop(), "vrrpd exits 0 on SIGTERM");
        peer.awaitState("MASTER", Duration.ofMillis(masterDownMillis(v, 200)).plus(SLACK).plusSeconds(1));
        System.out.println("[measure] " + getClass().getSimpleName() + " IPv6 unicast: " + peer.name() + " Master "
                + Wait.millisSince(stopped) + " ms after vrrpd's SIGTERM");
    }
}
