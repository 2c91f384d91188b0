package io.vrrpd.cli.keepalived;

import io.vrrpd.cli.keepalived.KeepalivedImport.ImportedRouter;
import io.vrrpd.cli.keepalived.KeepalivedImport.Note;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** keepalived instances → create-router arguments, and the lines for what is left behind. */
class KeepalivedImportTest {

    @TempDir
    Path dir;

    private KeepalivedImport.Result imported(final String config) throws Exception {
        final Path file = dir.resolve("keepalived.conf");
        Files.writeString(file, config);
        return KeepalivedImport.of(KeepalivedConfig.read(file, "h1").statements());
    }

    private static String options(final ImportedRouter router) {
        return String.join(" ", router.options());
    }

    private static List<String> texts(final List<Note> notes) {
        return notes.stream().map(n -> n.where().line() + ": " + n.text()).toList();
    }

    @Test
    @DisplayName("keepalived's defaults are written out where vrrpd's differ: VRRPv2, the link's own MAC, accept")
    void shouldWriteKeepalivedsDefaults() throws Exception {
        final KeepalivedImport.Result result = imported("""
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 51
                    virtual_ipaddress {
                        192.0.2.10/24
                    }
                }
                """);
        assertEquals("-V 51 -l eth0 -A inet -v 2 -p 100 -i 1000 -o preempt,accept --mac real -a 192.0.2.10/24 VI_1",
                options(result.routers().getFirst()));
        assertEquals(List.of(), result.notes());
    }

    @Test
    @DisplayName("IPv6 runs as v3 whatever vrrp_version says; use_vmac, nopreempt, preempt_delay, fractional advert_int,"
            + " vrrp_strict (no_accept unless accept)")
    void shouldMapVersionMacAndTiming() throws Exception {
        final KeepalivedImport.Result result = imported("""
                global_defs {
                    vrrp_version 2
                    vrrp_strict
                }
                vrrp_instance V6 {
                    interface eth1
                    virtual_router_id 7
                    priority 150
                    advert_int 0.05
                    nopreempt
                    preempt_delay 2.5
                    use_vmac
                    virtual_ipaddress {
                        2001:db8::7/64
                    }
                    unicast_peer {
                        2001:db8::2
                    }
                }
                vrrp_instance V4 {
                    interface eth1
                    virtual_router_id 8
                    version 3
                    accept
                    virtual_ipaddress {
                        192.0.2.8
                    }
                }
                """);
        assertEquals("-V 7 -l eth1 -A inet6 -v 3 -p 150 -i 50 -o un_preempt,no_accept --mac virtual -a 2001:db8::7/64"
                + " --unicast-peer 2001:db8::2 --preempt-delay 2500 V6", options(result.routers().get(0)));
        assertEquals("-V 8 -l eth1 -A inet -v 3 -p 100 -i 1000 -o preempt,accept --mac real -a 192.0.2.8 V4",
                options(result.routers().get(1)));
        assertEquals(List.of(), texts(result.notes()));
    }

    @Test
    @DisplayName("tracks: weight 0 = hard dependency, negative kept, positive turned round (priority raised, capped at"
            + " 254), reverse left out with a line; script timing with keepalived's defaults; killall -0 -> pid:")
    void shouldMapTracks() throws Exception {
        final KeepalivedImport.Result result = imported("""
                vrrp_script chk_web {
                    script "/usr/local/bin/check-web"
                    interval 2
                    timeout 5
                    weight 30
                }
                vrrp_script chk_proc {
                    script "killall -0 haproxy"
                }
                vrrp_script chk_args {
                    script "/usr/bin/curl -f http://127.0.0.1/"
                }
                vrrp_track_process nginx {
                    process /usr/sbin/nginx
                    weight -10
                }
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 51
                    priority 240
                    virtual_ipaddress {
                        192.0.2.10/24
                    }
                    track_interface {
                        eth1
                        eth2 weight -20
                        eth3 weight 0 reverse
                    }
                    track_script {
                        chk_web
                        chk_proc weight -5
                        chk_args
                    }
                    track_process {
                        nginx
                    }
                }
                """);
        assertEquals("-V 51 -l eth0 -A inet -v 2 -p 254 -i 1000 -o preempt,accept --mac real -a 192.0.2.10/24"
                + " --depends link:eth1 --depends link:eth2@weight=-20"
                + " --depends exec:/usr/local/bin/check-web@weight=-30,interval=2000,timeout=2000,fall=1,rise=1"
                + " --depends pid:haproxy@weight=-5,interval=1000,timeout=1000,fall=1,rise=1"
                + " --depends pid:nginx@weight=-10 VI_1", options(result.routers().getFirst()));
        assertEquals(java.util.Set.of(
                "4: vrrp_instance VI_1 track_script chk_web timeout 5000 ms: shortened to the interval, 2000 ms (vrrpd"
                        + " starts no check while the last one runs)",
                "20: vrrp_instance VI_1 priority 240 with positive track weights (+30): priority 254, each track lowering"
                        + " it by its weight while it fails (the same effective priority); capped at 254 as keepalived caps",
                "27: vrrp_instance VI_1 eth3 reverse: not carried over (vrrpd's dependencies are met when the check"
                        + " succeeds); the track is left out",
                "32: vrrp_instance VI_1 track_script chk_args (script \"/usr/bin/curl -f http://127.0.0.1/\"): not"
                        + " carried over: an exec: dependency runs one program by absolute path without arguments: put"
                        + " the command in a script and depend on exec:/PATH"), java.util.Set.copyOf(texts(result.notes())));
    }

    @Test
    @DisplayName("sync group: members get --sync-group and the group's tracks; their weights become 0 as keepalived"
            + " does, unless sync_group_tracking_weight")
    void shouldMapSyncGroups() throws Exception {
        final String instances = """
                vrrp_sync_group edge {
                    group {
                        A
                        B
                    }
                    track_interface {
                        uplink weight -50
                    }
                    notify_master /usr/local/bin/group-master
                }
                vrrp_instance A {
                    interface eth0
                    virtual_router_id 1
                    virtual_ipaddress {
                        192.0.2.1
                    }
                }
                vrrp_instance B {
                    interface eth1
                    virtual_router_id 2
                    virtual_ipaddress {
                        198.51.100.1
                    }
                }
                """;
        final KeepalivedImport.Result zeroed = imported(instances);
        assertEquals(List.of("-V 1 -l eth0 -A inet -v 2 -p 100 -i 1000 -o preempt,accept --mac real -a 192.0.2.1"
                        + " --depends link:uplink --sync-group edge A",
                "-V 2 -l eth1 -A inet -v 2 -p 100 -i 1000 -o preempt,accept --mac real -a 198.51.100.1"
                        + " --depends link:uplink --sync-group edge B"),
                zeroed.routers().stream().map(KeepalivedImportTest::options).toList());
        assertTrue(texts(zeroed.notes()).contains("9: vrrp_sync_group edge notify_master: not carried over: vrrpd runs"
                + " hooks per router (on_master/on_backup/on_offline of each member)"), texts(zeroed.notes()).toString());
        assertTrue(texts(zeroed.notes()).contains("7: vrrp_instance A uplink weight -50: taken as 0 (a hard dependency),"
                + " as keepalived does for a vrrp_sync_group member without sync_group_tracking_weight"));
        final KeepalivedImport.Result kept = imported("global_defs {\n sync_group_tracking_weight\n}\n" + instances);
        assertTrue(options(kept.routers().getFirst()).contains("--depends link:uplink@weight=-50 "));
    }

    @Test
    @DisplayName("hooks, auth PASS (8 characters), dev on another link, duplicates, a name vrrpd cannot take")
    void shouldMapHooksAuthAndAddresses() throws Exception {
        final KeepalivedImport.Result result = imported("""
                vrrp_instance web-1:a {
                    interface eth0
                    virtual_router_id 9
                    authentication {
                        auth_type PASS
                        auth_pass 0123456789
                    }
                    virtual_ipaddress {
                        192.0.2.9/24 dev eth0
                        192.0.2.19/24 dev eth1
                        192.0.2.9/24 label eth0:1
                    }
                    notify_master /etc/keepalived/master.sh
                    notify_backup "/etc/keepalived/state.sh BACKUP"
                    notify_fault /etc/keepalived/fault.sh
                }
                """);
        assertEquals("-V 9 -l eth0 -A inet -v 2 -p 100 -i 1000 -o preempt,accept --mac real -a 192.0.2.9/24"
                + " --on-master /etc/keepalived/master.sh --on-offline /etc/keepalived/fault.sh --auth-pass 01234567"
                + " web-1_a", options(result.routers().getFirst()));
        assertEquals(6, texts(result.notes()).size(), texts(result.notes()).toString());
        assertTrue(texts(result.notes()).contains("1: vrrp_instance web-1:a: named web-1_a (allowed: 1-31 letters,"
                + " digits, _ - . starting with a letter)"));
        assertTrue(texts(result.notes()).contains("10: vrrp_instance web-1:a virtual_ipaddress 192.0.2.19/24 dev eth1: not"
                + " carried over: vrrpd puts every virtual address on the router's link (eth0)"));
    }

    @Test
    @DisplayName("an instance vrrpd cannot run is one error line naming what is missing; LVS is one line per block")
    void shouldRefuseWhatCannotBeImported() throws Exception {
        final KeepalivedImport.Result result = imported("""
                vrrp_instance NoVrid {
                    interface eth0
                    virtual_ipaddress {
                        192.0.2.1
                    }
                }
                vrrp_instance Ah {
                    interface eth0
                    virtual_router_id 3
                    authentication {
                        auth_type AH
                        auth_pass x
                    }
                    virtual_ipaddress {
                        192.0.2.3
                    }
                }
                virtual_server 192.0.2.80 80 {
                    lb_algo rr
                }
                """);
        assertEquals(List.of(), result.routers());
        assertEquals(List.of("1: vrrp_instance NoVrid: not imported: no virtual_router_id",
                "10: vrrp_instance Ah: not imported: authentication auth_type AH: vrrpd has only auth_type PASS (RFC"
                        + " 2338 simple text; AH is not implemented: RFC 3768 removed it)"), texts(result.errors()));
        assertEquals(List.of("18: virtual_server 192.0.2.80 80: not carried over: vrrpd has no load balancer (LVS/IPVS);"
                + " keep keepalived's check side or ipvsadm for it"), texts(result.notes()));
    }
}
