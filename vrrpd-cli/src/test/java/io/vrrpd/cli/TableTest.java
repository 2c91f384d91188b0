package io.vrrpd.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TableTest {

    @Test
    @DisplayName("plain view: NAME VRID LINK AF PRIO ADV_INTV MODE STATE VNIC, aligned, with a header")
    void shouldRenderPlainView() {
        assertEquals("""
                NAME  VRID  LINK  AF    PRIO  ADV_INTV  MODE  STATE   VNIC
                web   51    eth0  IPv4  100   1000      e-pa  MASTER  vrrp4-51
                db6   7     eth1  IPv6  255   100       eopa  BACKUP  vrrp6-7
                """, Table.human(View.PLAIN.fields(), Routers.list()));
    }

    @Test
    @DisplayName("-x view: NAME ADMIN STATE PRV_STAT STAT_LAST VNIC PRIMARY_IP VIRTUAL_IPS REASON SYNC_GROUP (new last)")
    void shouldRenderExtendedView() {
        assertEquals("""
                NAME  ADMIN    STATE   PRV_STAT  STAT_LAST  VNIC      PRIMARY_IP  VIRTUAL_IPS                    REASON            SYNC_GROUP
                web   online   MASTER  BACKUP    12.345s    vrrp4-51  192.0.2.1   192.0.2.100/24,192.0.2.101/24  preempted         edge
                db6   offline  BACKUP  INIT      0.250s     vrrp6-7   fe80::1     fe80::200:5eff:fe00:207/64     dep a\\b:c failed  --
                """, Table.human(View.EXTENDED.fields(), Routers.list()));
    }

    @Test
    @DisplayName("-P view: NAME PEER P_PRIO P_INTV P_ADV_LAST M_DOWN_INTV P_CKSUM, -- where the daemon has no value")
    void shouldRenderPeerView() {
        assertEquals("""
                NAME  PEER     P_PRIO  P_INTV  P_ADV_LAST  M_DOWN_INTV  P_CKSUM
                web   --       --      --      --          3609         --
                db6   fe80::2  200     100     0.031s      300          pseudo-header
                """, Table.human(View.PEER_INFO.fields(), Routers.list()));
    }

    @Test
    @DisplayName("-S view: NAME STATE ADV_SENT ADV_RCVD TRANSITIONS DROPS RCVD_PSEUDO_HEADER RCVD_MESSAGE_ONLY")
    void shouldRenderStatisticsView() {
        assertEquals("""
                NAME  STATE   ADV_SENT  ADV_RCVD  TRANSITIONS  DROPS                     RCVD_PSEUDO_HEADER  RCVD_MESSAGE_ONLY
                web   MASTER  1200      3         2            bad_ttl=4,bad_checksum=1  1                   2
                db6   BACKUP  0         900       1            --                        900                 0
                """, Table.human(View.STATISTICS.fields(), Routers.list()));
        assertEquals("web:bad_ttl=4,bad_checksum=1\n",
                Table.parsable(Field.parseList("name,drops"), Routers.list().subList(0, 1)));
    }

    @Test
    void shouldPrintOnlyTheHeaderWithoutRouters() {
        assertEquals("NAME  PEER  P_PRIO  P_INTV  P_ADV_LAST  M_DOWN_INTV  P_CKSUM\n",
                Table.human(View.PEER_INFO.fields(), List.of()));
    }

    @Test
    @DisplayName("-p: ':'-separated, no header, ':' and '\\' escaped, empty for no value")
    void shouldRenderParsable() {
        assertEquals("""
                web:192.0.2.1::online
                db6:fe80\\:\\:1:fe80\\:\\:2:offline
                """, Table.parsable(Field.parseList("name,primary_ip,PEER,Admin"), Routers.list()));
        assertEquals("db6:dep a\\\\b\\:c failed\n",
                Table.parsable(Field.parseList("name,reason"), Routers.list().subList(1, 2)));
        assertEquals("", Table.parsable(Field.parseList("name"), List.of()));
    }

    @Test
    @DisplayName("-o all: every field of every view, in the order they were added (later fields at the end)")
    void shouldSelectAllFields() {
        final List<Field> all = Field.parseList("ALL");
        assertEquals(30, all.size());
        assertEquals(View.PLAIN.fields(), all.subList(0, 9));
        assertTrue(all.containsAll(View.EXTENDED.fields()) && all.containsAll(View.PEER_INFO.fields())
                && all.containsAll(View.STATISTICS.fields()));
        assertEquals("web:51:eth0:IPv4:100:1000:e-pa:MASTER:vrrp4-51:online:BACKUP:12.345s:192.0.2.1:"
                + "192.0.2.100/24,192.0.2.101/24:preempted:::::3609:1200:3:2:bad_ttl=4,bad_checksum=1:2:1:edge::1:2\n",
                Table.parsable(all, Routers.list().subList(0, 1)));
    }

    @Test
    void shouldRefuseUnknownFields() {
        final CliException e = assertThrows(CliException.class, () -> Field.parseList("name,bogus"));
        assertEquals(CliException.USAGE, e.exitCode());
        assertTrue(e.getMessage().startsWith("--output: 'bogus' is not a field (allowed: NAME, VRID, LINK,"), e.getMessage());
        assertTrue(e.getMessage().endsWith("HOOKS_RUN, HOOK_FAILURES, SYNC_GROUP, P_CKSUM, RCVD_PSEUDO_HEADER, RCVD_MESSAGE_ONLY, all)"), e.getMessage());
        assertThrows(CliException.class, () -> Field.parseList("name,"));
    }

    @Test
    @DisplayName("--json: an array of objects with the selected lower-case fields, values as the daemon sent them")
    void shouldRenderJson() throws Exception {
        final ObjectMapper json = new ObjectMapper();
        assertEquals(json.readTree("""
                [{"name":"web","virtual_ips":["192.0.2.100/24","192.0.2.101/24"],"peer":null,"prio":100},
                 {"name":"db6","virtual_ips":["fe80::200:5eff:fe00:207/64"],"peer":"fe80::2","prio":255}]"""),
                json.readTree(Table.json(Field.parseList("NAME,virtual_ips,peer,prio"), Routers.list())));
        assertEquals(json.readTree("[]"), json.readTree(Table.json(View.PLAIN.fields(), List.of())));
    }

    @Test
    void shouldTreatMissingFieldsAsNone() throws Exception {
        final var router = new ObjectMapper().readTree("{\"name\":\"old\"}");
        assertEquals("NAME  STATE\nold   --\n", Table.human(Field.parseList("name,state"), List.of(router)));
        assertEquals("old:\n", Table.parsable(Field.parseList("name,state"), List.of(router)));
    }
}
