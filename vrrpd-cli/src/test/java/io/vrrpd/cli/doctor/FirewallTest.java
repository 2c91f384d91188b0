package io.vrrpd.cli.doctor;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Rulesets as nft 1.0.6 and iptables-save 1.8.9 print them (captured in a namespace), judged for VRRP and a port. */
class FirewallTest {

    private static final List<Firewall.Traffic> TRAFFIC = List.of(Firewall.Traffic.vrrp(),
            Firewall.Traffic.tcp(7800, "cluster", false), Firewall.Traffic.tcp(7900, "cluster failure detection", false));

    private static String ruleset(final String policy, final String... rules) {
        final StringBuilder json = new StringBuilder("""
                {"nftables": [{"metainfo": {"version": "1.0.6", "json_schema_version": 1}},
                {"table": {"family": "inet", "name": "filter", "handle": 1}},
                {"chain": {"family": "inet", "table": "filter", "name": "input", "handle": 1, "type": "filter",
                 "hook": "input", "prio": 0, "policy": "%s"}}""".formatted(policy));
        int handle = 2;
        for (final String expr : rules) {
            json.append(",\n{\"rule\": {\"family\": \"inet\", \"table\": \"filter\", \"chain\": \"input\", \"handle\": ")
                    .append(handle++).append(", \"expr\": ").append(expr).append("}}");
        }
        return json.append("]}").toString();
    }

    private static final String ESTABLISHED = """
            [{"match": {"op": "in", "left": {"ct": {"key": "state"}}, "right": ["established", "related"]}}, {"accept": null}]""";
    private static final String VRRP = """
            [{"match": {"op": "==", "left": {"meta": {"key": "l4proto"}}, "right": "vrrp"}}, {"accept": null}]""";
    private static final String PORTS = """
            [{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": {"set": [22, {"range": [7800, 7850]}]}}}, {"accept": null}]""";
    private static final String DROP = "[{\"drop\": null}]";

    private static List<String> judged(final String json) {
        return Firewall.nftables(json, TRAFFIC).stream().map(Finding::toString).toList();
    }

    @Test
    @DisplayName("policy drop: VRRP and 7800 accepted by their rules (a ct state rule passed over), 7900 dropped at"
            + " the final rule, with the rule to insert")
    void shouldWalkAnInputChain() {
        assertEquals(List.of("ok firewall: nft chain inet filter input lets VRRP (protocol 112) in",
                "ok firewall: nft chain inet filter input lets TCP port 7800 (cluster) in",
                "fail firewall: nft chain inet filter input drops TCP port 7900 (cluster failure detection) by a rule:"
                        + " accept it before that rule (tcp dport 7900 accept)"),
                judged(ruleset("drop", ESTABLISHED, VRRP, PORTS, DROP)));
    }

    @Test
    @DisplayName("policy drop and no rule for VRRP: fail with the nft command; policy accept: ok")
    void shouldJudgeThePolicy() {
        assertEquals("fail firewall: nft chain inet filter input drops VRRP (protocol 112) (its policy is drop and no"
                + " rule accepts it): nft insert rule inet filter input meta l4proto vrrp accept",
                judged(ruleset("drop", ESTABLISHED)).getFirst());
        assertEquals("ok firewall: nft chain inet filter input lets VRRP (protocol 112) in",
                judged(ruleset("accept", ESTABLISHED)).getFirst());
    }

    @Test
    @DisplayName("a rule dropping protocol 112 in an ip-family chain fails; vrrpd's own table is left out")
    void shouldFindAnExplicitDrop() {
        final String json = """
                {"nftables": [
                {"chain": {"family": "ip", "table": "raw4", "name": "input", "hook": "input", "prio": -300, "policy": "accept"}},
                {"rule": {"family": "ip", "table": "raw4", "chain": "input", "handle": 2, "expr": [{"match": {"op": "==",
                 "left": {"payload": {"protocol": "ip", "field": "protocol"}}, "right": "vrrp"}}, {"drop": null}]}},
                {"chain": {"family": "inet", "table": "vrrpd", "name": "accept_mode", "hook": "input", "prio": 0, "policy": "accept"}},
                {"rule": {"family": "inet", "table": "vrrpd", "chain": "accept_mode", "handle": 2, "expr": [{"drop": null}]}}
                ]}""";
        assertEquals(List.of("fail firewall: nft chain ip raw4 input drops VRRP (protocol 112) by a rule: accept it"
                        + " before that rule (ip protocol vrrp accept)",
                "ok firewall: nft chain ip raw4 input lets TCP port 7800 (cluster) in",
                "ok firewall: nft chain ip raw4 input lets TCP port 7900 (cluster failure detection) in"), judged(json));
    }

    @Test
    @DisplayName("iptables-save: INPUT DROP with -p vrrp ACCEPT lets VRRP in; the cluster ports are dropped; a REJECT"
            + " rule with its options decides")
    void shouldReadIptablesSave() {
        final String save = """
                # Generated by iptables-save v1.8.9 (legacy) on Mon Dec  7 11:06:30 2026
                *filter
                :INPUT DROP [0:0]
                :FORWARD ACCEPT [0:0]
                :OUTPUT ACCEPT [0:0]
                -A INPUT -p vrrp -j ACCEPT
                -A INPUT -p tcp -m tcp --dport 7900 -j REJECT --reject-with icmp-port-unreachable
                COMMIT
                """;
        assertEquals(List.of("ok firewall: iptables INPUT lets VRRP (protocol 112) in",
                "fail firewall: iptables INPUT drops TCP port 7800 (cluster): iptables -I INPUT -p tcp --dport 7800 -j"
                        + " ACCEPT",
                "fail firewall: iptables INPUT drops TCP port 7900 (cluster failure detection): iptables -I INPUT -p tcp"
                        + " --dport 7900 -j ACCEPT"),
                Firewall.iptables(save, false, TRAFFIC).stream().map(Finding::toString).toList());
    }
}
