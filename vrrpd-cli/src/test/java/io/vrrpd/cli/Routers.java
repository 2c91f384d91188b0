package io.vrrpd.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Two routers as the daemon's show-router sends them: every field, lower-case names. */
final class Routers {

    static final String JSON = """
            [{"name":"web","vrid":51,"link":"eth0","af":"IPv4","prio":100,"adv_intv":1000,"mode":"e-pa",
              "state":"MASTER","vnic":"vrrp4-51","admin":"online","prv_stat":"BACKUP","stat_last":"12.345s",
              "primary_ip":"192.0.2.1","virtual_ips":["192.0.2.100/24","192.0.2.101/24"],"sync_group":"edge",
              "reason":"preempted",
              "peer":null,"p_prio":null,"p_intv":null,"p_adv_last":null,"m_down_intv":3609,"p_cksum":null,
              "adv_sent":1200,"adv_rcvd":3,"transitions":2,"drops":{"bad_ttl":4,"bad_checksum":1},
              "hooks_run":2,"hook_failures":1,"rcvd_pseudo_header":1,"rcvd_message_only":2},
             {"name":"db6","vrid":7,"link":"eth1","af":"IPv6","prio":255,"adv_intv":100,"mode":"eopa",
              "state":"BACKUP","vnic":"vrrp6-7","admin":"offline","prv_stat":"INIT","stat_last":"0.250s",
              "primary_ip":"fe80::1","virtual_ips":["fe80::200:5eff:fe00:207/64"],"reason":"dep a\\\\b:c failed",
              "peer":"fe80::2","p_prio":200,"p_intv":100,"p_adv_last":"0.031s","m_down_intv":300,
              "p_cksum":"pseudo-header","adv_sent":0,"adv_rcvd":900,"transitions":1,"drops":{},
              "rcvd_pseudo_header":900,"rcvd_message_only":0}]
            """;

    private Routers() {
    }

    static List<JsonNode> list() {
        try {
            final List<JsonNode> routers = new ArrayList<>();
            new ObjectMapper().readTree(JSON).forEach(routers::add);
            return routers;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
