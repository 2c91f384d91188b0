package io.vrrpd.daemon.control;

import io.vrrpd.daemon.config.RouterSpec;
import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.fsm.State;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RouterViewTest {

    @Test
    void shouldFormatSecondsAgoWithMilliseconds() {
        assertEquals("0.000s", RouterView.ago(5, 5));
        assertEquals("0.000s", RouterView.ago(5, 9), "a time in the future (clock read order) is now");
        assertEquals("12.345s", RouterView.ago(12_345_999_999L, 0));
        assertEquals("3600.001s", RouterView.ago(3_600_001_000_000L, 0));
    }

    @Test
    void shouldSendNullForWhatTheRuntimeDoesNotHave() {
        final RouterSpec spec = RouterSpec.builder("v6", 7, "eth1", AddressFamily.IPV6).addresses(List.of()).build();
        final RouterStatus fresh = new RouterStatus(AdminState.OFFLINE, State.INITIALIZE, null, 0, null, null, null,
                null, 0, null);
        assertEquals("{\"name\":\"v6\",\"vrid\":7,\"link\":\"eth1\",\"af\":\"IPv6\",\"prio\":100,\"adv_intv\":1000,"
                + "\"mode\":\"e-pa\",\"state\":\"INIT\",\"vnic\":null,\"admin\":\"offline\",\"prv_stat\":null,"
                + "\"stat_last\":\"1.500s\",\"primary_ip\":null,\"virtual_ips\":[\"fe80::200:5eff:fe00:207/64\"],"
                + "\"sync_group\":null,\"reason\":null,\"peer\":null,\"p_prio\":null,\"p_intv\":null,\"p_adv_last\":null,"
                + "\"m_down_intv\":null,\"p_cksum\":null,\"adv_sent\":null,\"adv_rcvd\":null,\"transitions\":null,\"drops\":null,"
                + "\"hooks_run\":null,\"hook_failures\":null,\"hooks_superseded\":null,\"rcvd_pseudo_header\":null,"
                + "\"rcvd_message_only\":null,\"eff_prio\":null,\"auth\":null,\"file_error\":null}", RouterView.of(spec, fresh, 1_500_000_000L).toString());
    }

    @Test
    void effectivePriority_theOneTheRuntimeReports() {
        final RouterSpec spec = RouterSpec.builder("web", 10, "eth0", AddressFamily.IPV4).priority(150)
                .addresses(List.of(io.vrrpd.protocol.IpPrefix.parse("192.0.2.100/24"))).build();
        final RouterStatus lowered = new RouterStatus(AdminState.ONLINE, State.BACKUP, null, 0, null, null, null,
                null, 0, null, 120);
        assertEquals(150, RouterView.of(spec, lowered, 0).path("prio").intValue());
        assertEquals(120, RouterView.of(spec, lowered, 0).path("eff_prio").intValue());
    }

    @Test
    void auth_showsThatAPasswordIsSetNeverThePassword() {
        final RouterSpec.Builder v2 = RouterSpec.builder("old", 10, "eth0", AddressFamily.IPV4)
                .version(io.vrrpd.protocol.VrrpVersion.V2)
                .addresses(List.of(io.vrrpd.protocol.IpPrefix.parse("192.0.2.100/24")));
        final RouterStatus status = new RouterStatus(AdminState.ONLINE, State.BACKUP, null, 0, null, null, null,
                null, 0, null, 100);
        final var withPass = RouterView.of(v2.authPass(io.vrrpd.protocol.AuthPass.parse("s3cret")).build(), status, 0);
        assertEquals("pass", withPass.path("auth").textValue());
        assertEquals(-1, withPass.toString().indexOf("s3cret"), withPass.toString());
        assertEquals("none", RouterView.of(v2.authPass(null).build(), status, 0).path("auth").textValue());
    }
}
