package io.vrrpd.daemon.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vrrpd.protocol.IpAddress;
import io.vrrpd.protocol.IpPrefix;
import io.vrrpd.protocol.VrrpVersion;
import io.vrrpd.protocol.wire.ChecksumForm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RouterSpecTreeTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(final String text) throws Exception {
        return JSON.readTree(text.replace('\'', '"'));
    }

    private static void assertRefused(final String tree, final String fragment) throws Exception {
        final JsonNode node = json(tree);
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RouterSpecTree.read("web", node));
        assertTrue(e.getMessage().contains(fragment), () -> "'" + e.getMessage() + "' lacks '" + fragment + "'");
    }

    @Test
    void shouldReadMinimalTreeWithDefaults() throws Exception {
        final RouterSpec spec = RouterSpecTree.read("web",
                json("{'vrid': 51, 'link': 'eth0', 'address_family': 'inet', 'addresses': ['192.0.2.1/24']}"));
        assertEquals(RouterSpecTest.v4().addresses(List.of(IpPrefix.parse("192.0.2.1/24"))).build(), spec);
    }

    @Test
    void shouldRoundTripEveryKey() throws Exception {
        final RouterSpec spec = RouterSpecTest.v4().priority(120).advIntervalMs(2000).preempt(false).accept(false)
                .version(VrrpVersion.V2).depends(List.of("systemd:a.service")).unicastPeers(List.of(IpAddress.parse("192.0.2.9")))
                .mac(MacMode.REAL).checksum(ChecksumForm.PSEUDO_HEADER).enabled(false).preemptDelayMs(30_000)
                .announceCount(5).announceIntervalMs(200).onMaster("/usr/local/bin/master").onBackup("/b")
                .onOffline("/usr/local/bin/offline").hookTimeoutMs(500).syncGroup("edge").flapCount(3)
                .flapWindowMs(10_000).authPass(io.vrrpd.protocol.AuthPass.parse("s3cret")).build();
        final JsonNode tree = RouterSpecTree.write(spec);
        assertEquals(RouterSpecTree.KEYS, List.copyOf(iterate(tree)));
        assertEquals(spec, RouterSpecTree.read("web", tree));
    }

    @Test
    void shouldRefuseKeepalivedsAuthTypeSayingWhatToUse() throws Exception {
        assertRefused("{'vrid': 51, 'link': 'eth0', 'address_family': 'inet', 'version': 2, 'auth_type': 'AH'}",
                "auth_type: not a vrrpd key (allowed: auth_pass = 'SECRET' for keepalived's auth_type PASS on version"
                        + " 2; AH (auth type 2) is not supported: RFC 3768 removed it)");
    }

    @Test
    void shouldShowOnlyThatAPasswordIsSet() throws Exception {
        final RouterSpec spec = RouterSpecTree.read("web", json("{'vrid': 51, 'link': 'eth0', 'address_family':"
                + " 'inet', 'version': 2, 'addresses': ['192.0.2.1/24'], 'auth_pass': 's3cret'}"));
        final JsonNode shown = RouterSpecTree.shown(spec);
        assertEquals("pass", shown.get("auth").textValue());
        assertTrue(!shown.toString().contains("s3cret") && shown.get("auth_pass") == null, shown.toString());
        assertEquals("none", RouterSpecTree.shown(RouterSpecTest.v4().build()).get("auth").textValue());
    }

    @Test
    void shouldModifyAndRemoveAuthPassAndRefuseItOnV3() throws Exception {
        final RouterSpec v2 = RouterSpecTest.v4().version(VrrpVersion.V2).build();
        final RouterSpec set = RouterSpecTree.modify(v2, json("{'auth_pass': 'abc'}"));
        assertEquals("abc", set.authPass().reveal());
        assertEquals(null, RouterSpecTree.modify(set, json("{'auth_pass': ''}")).authPass());
        final IllegalArgumentException v3 = assertThrows(IllegalArgumentException.class,
                () -> RouterSpecTree.modify(RouterSpecTest.v4().build(), json("{'auth_pass': 'abc'}")));
        assertEquals("auth_pass: VRRPv3 has no authentication (RFC 5798 §9); auth_pass is for version 2 only",
                v3.getMessage());
        final IllegalArgumentException number = assertThrows(IllegalArgumentException.class,
                () -> RouterSpecTree.modify(v2, json("{'auth_pass': 12345678}")));
        assertTrue(!number.getMessage().contains("12345678"), number.getMessage());
    }

    private static List<String> iterate(final JsonNode tree) {
        final List<String> keys = new java.util.ArrayList<>();
        tree.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "{'link': 'eth0', 'address_family': 'inet'}                                | vrid: required",
            "{'vrid': 1, 'address_family': 'inet'}                                     | link: required",
            "{'vrid': 1, 'link': 'eth0'}                                               | address_family: required",
            "{'vrid': '1', 'link': 'eth0', 'address_family': 'inet'}                   | vrid: expected an integer, found \"1\"",
            "{'vrid': 1.5, 'link': 'eth0', 'address_family': 'inet'}                   | vrid: expected an integer",
            "{'vrid': 1, 'link': 5, 'address_family': 'inet'}                          | link: expected a string",
            "{'vrid': 1, 'link': 'e', 'address_family': 'ipx'}                         | address_family: address family 'ipx' is not one of: inet, inet6",
            "{'vrid': 1, 'link': 'e', 'address_family': 'ipv4'}                        | address_family: address family 'ipv4' is not one of: inet, inet6",
            "{'vrid': 1, 'link': 'e', 'address_family': 'INET6'}                       | address_family: address family 'INET6' is not one of: inet, inet6",
            "{'vrid': 1, 'link': 'e', 'address_family': 'inet', 'prority': 5}          | prority: unknown key (allowed: vrid, link,",
            "{'vrid': 1, 'link': 'e', 'address_family': 'inet', 'version': 4}          | version: 4 is not one of: 3, 2",
            "{'vrid': 1, 'link': 'e', 'address_family': 'inet', 'preempt': 'yes'}      | preempt: expected true or false",
            "{'vrid': 1, 'link': 'e', 'address_family': 'inet', 'addresses': '1.2.3.4'} | addresses: expected a list of strings",
            "{'vrid': 1, 'link': 'e', 'address_family': 'inet', 'addresses': [1]}       | addresses: expected a list of strings, found 1",
            "{'vrid': 1, 'link': 'e', 'address_family': 'inet', 'addresses': ['1.2.3']} | address: '1.2.3' is not an IPv4 or IPv6 address",
            "{'vrid': 1, 'link': 'e', 'address_family': 'inet', 'addresses': ['1.2.3.4/33']} | address: prefix length 33",
            "{'vrid': 1, 'link': 'e', 'address_family': 'inet', 'addresses': ['192.0.2.1'], 'unicast_peers': ['x']} | --unicast-peer: 'x' is not",
            "{'vrid': 1, 'link': 'e', 'address_family': 'inet', 'addresses': ['192.0.2.1'], 'mac': 'fake'} | --mac: 'fake' is not one of: virtual, real",
            "{'vrid': 1, 'link': 'e', 'address_family': 'inet', 'addresses': ['192.0.2.1'], 'checksum': 'x'} | checksum: checksum form 'x' is not one of",
            "{'vrid': 1, 'link': 'e', 'address_family': 'inet', 'addresses': ['192.0.2.1'], 'preempt_delay': -1} | preempt_delay: -1 ms is out of range (allowed: 0-1000000 ms)",
            "{'vrid': 1, 'link': 'e', 'address_family': 'inet', 'addresses': ['192.0.2.1'], 'announce_count': 0} | announce_count: 0 is out of range (allowed: 1-100)",
            "{'vrid': 1, 'link': 'e', 'address_family': 'inet', 'addresses': ['192.0.2.1'], 'announce_interval': 5} | announce_interval: 5 ms is out of range (allowed: 10-60000 ms)",
            "{'vrid': 1, 'link': 'e', 'address_family': 'inet', 'addresses': ['192.0.2.1'], 'on_master': 'x.sh'} | on_master: 'x.sh' is not an absolute path (allowed: the absolute path of an executable, or '' for none)",
            "{'vrid': 1, 'link': 'e', 'address_family': 'inet', 'addresses': ['192.0.2.1'], 'on_backup': 3} | on_backup: expected a string, found 3",
            "{'vrid': 1, 'link': 'e', 'address_family': 'inet', 'addresses': ['192.0.2.1'], 'on_offline': 'rel/x'} | on_offline: 'rel/x' is not an absolute path",
            "{'vrid': 1, 'link': 'e', 'address_family': 'inet', 'addresses': ['192.0.2.1'], 'hook_timeout': 99} | hook_timeout: 99 ms is out of range (allowed: 100-300000 ms)",
            "{'vrid': 1, 'link': 'e', 'address_family': 'inet', 'addresses': ['192.0.2.1'], 'hook_timeout': 300001} | hook_timeout: 300001 ms is out of range (allowed: 100-300000 ms)",
            "{'vrid': 1, 'link': 'e', 'address_family': 'inet', 'addresses': ['192.0.2.1'], 'sync_group': '9x'} | sync_group: '9x' is not a valid group name (allowed: 1-31 letters, digits, '_', '-', '.', starting with a letter; '' for none)",
            "{'vrid': 1, 'link': 'e', 'address_family': 'inet', 'addresses': ['192.0.2.1'], 'sync_group': 7} | sync_group: expected a string, found 7",
            "{'vrid': 1, 'link': 'e', 'address_family': 'inet', 'addresses': ['192.0.2.1'], 'flap_count': 0} | flap_count: 0 is out of range (allowed: 1-1000)",
            "{'vrid': 1, 'link': 'e', 'address_family': 'inet', 'addresses': ['192.0.2.1'], 'flap_count': 1001} | flap_count: 1001 is out of range (allowed: 1-1000)",
            "{'vrid': 1, 'link': 'e', 'address_family': 'inet', 'addresses': ['192.0.2.1'], 'flap_window': 999} | flap_window: 999 ms is out of range (allowed: 1000-86400000 ms)",
            "[1, 2]                                                                    | a router is a table of keys"})
    void shouldRefuseWithKeyAndAllowedValues(final String tree, final String message) throws Exception {
        assertRefused(tree, message);
    }

    @Test
    void shouldModifyOnlyGivenKeys() throws Exception {
        final RouterSpec spec = RouterSpecTest.v4().build();
        final RouterSpec changed = RouterSpecTree.modify(spec, json("{'priority': 200, 'depends': []}"));
        assertEquals(spec.toBuilder().priority(200).build(), changed);
    }

    @Test
    void shouldDefaultFlappingToMoreThanFiveChangesInSixtySecondsAndNoSyncGroup() throws Exception {
        final RouterSpec spec = RouterSpecTree.read("web",
                json("{'vrid': 51, 'link': 'eth0', 'address_family': 'inet', 'addresses': ['192.0.2.1/24']}"));
        assertEquals(5, spec.flapCount());
        assertEquals(60_000, spec.flapWindowMs());
        assertEquals("", spec.syncGroup());
    }

    @Test
    void shouldModifyAndRemoveSyncGroupAndFlapping() throws Exception {
        final RouterSpec spec = RouterSpecTest.v4().build();
        final RouterSpec grouped = RouterSpecTree.modify(spec,
                json("{'sync_group': 'edge', 'flap_count': 2, 'flap_window': 5000}"));
        assertEquals(spec.toBuilder().syncGroup("edge").flapCount(2).flapWindowMs(5000).build(), grouped);
        assertEquals("", RouterSpecTree.modify(grouped, json("{'sync_group': ''}")).syncGroup());
    }

    @Test
    void shouldRefuseIdentityChangesInModify() throws Exception {
        final RouterSpec spec = RouterSpecTest.v4().build();
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RouterSpecTree.modify(spec, json("{'vrid': 52}")));
        assertTrue(e.getMessage().startsWith("vrid: cannot be changed by modify-router"), e.getMessage());
        final IllegalArgumentException enabled = assertThrows(IllegalArgumentException.class,
                () -> RouterSpecTree.modify(spec, json("{'enabled': false}")));
        assertEquals("enabled: cannot be changed by modify-router (use enable-router or disable-router)",
                enabled.getMessage());
        final IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> RouterSpecTree.modify(spec, json("{'prio': 52}")));
        assertTrue(unknown.getMessage().startsWith("prio: unknown key (allowed: priority, adv_interval"), unknown.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "vrid: 0 is out of range              | vrid",
            "address: at least one                | addresses",
            "--depends: 'x' is not                | depends",
            "--unicast-peer: x                    | unicast_peers",
            "accept_mode must be true for virtual | accept",
            "adv_interval: 5 ms                   | adv_interval"})
    void shouldMapMessagesToKeys(final String message, final String key) {
        assertEquals(key, RouterSpecTree.keyOf(message));
    }

    @Test
    void shouldNameUnknownKeys() {
        assertEquals("prority", RouterSpecTree.keyOf("prority: unknown key (allowed: …)"));
    }
}
