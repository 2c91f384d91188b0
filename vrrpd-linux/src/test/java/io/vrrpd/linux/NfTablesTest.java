package io.vrrpd.linux;

import io.vrrpd.protocol.IpAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The nf_tables batch that makes Accept_Mode False real: its messages byte by byte (pure), then the kernel's
 * answer to it in a lab namespace (ping to a refused address gets no reply, ARP/ND for it are still answered,
 * the host itself still reaches it, an empty list lets everything in again).
 */
@Timeout(90)
class NfTablesTest {
    private static final IpAddress V4 = IpAddress.parse("192.0.2.100");
    private static final IpAddress V6 = IpAddress.parse("2001:db8::100");

    private static List<RtnetlinkCodec.Message> parse(final List<byte[]> batch) {
        final List<RtnetlinkCodec.Message> out = new ArrayList<>();
        for (final byte[] message : batch) {
            final List<RtnetlinkCodec.Message> one = RtnetlinkCodec.messages(
                    ByteBuffer.wrap(message).order(ByteOrder.nativeOrder()));
            assertEquals(1, one.size(), "one message per entry, its length right");
            out.add(one.getFirst());
        }
        return out;
    }

    @Test
    void shouldFrameTheBatchSoTheKernelRunsItAsOneTransaction() {
        final List<RtnetlinkCodec.Message> messages = parse(NfTablesCodec.replaceTable(List.of(V4, V6), 100));
        // begin, new table, delete table (empties it whether it existed or not), new table, chain,
        // v4 drop, v6 ND accept, v6 drop, end
        final int nft = NfTablesCodec.NFNL_SUBSYS_NFTABLES << 8;
        assertEquals(List.of(0x10, nft, nft | 2, nft, nft | 3, nft | 6, nft | 6, nft | 6, 0x11),
                messages.stream().map(RtnetlinkCodec.Message::type).toList());
        for (int i = 0; i < messages.size(); i++) {
            final RtnetlinkCodec.Message message = messages.get(i);
            assertEquals(100 + i, message.seq(), "consecutive sequence numbers");
            final boolean marker = i == 0 || i == messages.size() - 1;
            assertEquals(i == messages.size() - 2 ? RtnetlinkCodec.NLM_F_ACK : 0,
                    message.flags() & RtnetlinkCodec.NLM_F_ACK, "an ACK for the last message before the end marker only"
                            + " (errors come anyway)");
            // nfgenmsg: the markers name the subsystem (res_id 10, network order); the rest family inet
            final ByteBuffer buf = message.buf();
            assertEquals(marker ? 0 : NfTablesCodec.NFPROTO_INET, buf.get(message.payload()));
            assertEquals(marker ? 10 : 0, (buf.get(message.payload() + 2) & 0xFF) << 8 | buf.get(message.payload() + 3) & 0xFF,
                    "res_id " + (marker ? "NFNL_SUBSYS_NFTABLES" : "0"));
        }
        assertEquals(RtnetlinkCodec.NLM_F_CREATE | NfTablesCodec.NLM_F_APPEND,
                messages.get(5).flags() & (RtnetlinkCodec.NLM_F_CREATE | NfTablesCodec.NLM_F_APPEND));
    }

    @Test
    void shouldAppendOnlyRulesToTheExistingChain() {
        final List<RtnetlinkCodec.Message> messages = parse(NfTablesCodec.appendRules(List.of(V6), 40));
        final int nft = NfTablesCodec.NFNL_SUBSYS_NFTABLES << 8;
        assertEquals(List.of(0x10, nft | 6, nft | 6, 0x11), messages.stream().map(RtnetlinkCodec.Message::type).toList());
        assertEquals(expressions(parse(NfTablesCodec.replaceTable(List.of(V6), 1)).get(6)),
                expressions(messages.get(2)), "the same drop rule as in a whole table");
    }

    @Test
    void shouldOnlyRemoveTheTableWhenNothingIsRefused() {
        final List<RtnetlinkCodec.Message> messages = parse(NfTablesCodec.replaceTable(List.of(), 7));
        final int nft = NfTablesCodec.NFNL_SUBSYS_NFTABLES << 8;
        assertEquals(List.of(0x10, nft, nft | 2, 0x11), messages.stream().map(RtnetlinkCodec.Message::type).toList());
        final RtnetlinkCodec.Message delete = messages.get(2);
        final int[] attrs = RtnetlinkCodec.attributes(delete.buf(), delete.payload() + 4, delete.end(), 4);
        assertEquals("vrrpd", RtnetlinkCodec.string(delete.buf(), attrs[NfTablesCodec.NFTA_TABLE_NAME]));
    }

    @Test
    void shouldHookTheChainOnInputWithPolicyAccept() {
        final RtnetlinkCodec.Message chain = parse(NfTablesCodec.replaceTable(List.of(V4), 1)).get(4);
        final ByteBuffer buf = chain.buf();
        final int[] attrs = RtnetlinkCodec.attributes(buf, chain.payload() + 4, chain.end(), 8);
        assertEquals("vrrpd", RtnetlinkCodec.string(buf, attrs[NfTablesCodec.NFTA_CHAIN_TABLE]));
        assertEquals("input", RtnetlinkCodec.string(buf, attrs[NfTablesCodec.NFTA_CHAIN_NAME]));
        assertEquals("filter", RtnetlinkCodec.string(buf, attrs[NfTablesCodec.NFTA_CHAIN_TYPE]));
        assertArrayEquals(new byte[] {0, 0, 0, 1}, RtnetlinkCodec.bytes(buf, attrs[NfTablesCodec.NFTA_CHAIN_POLICY]),
                "policy NF_ACCEPT, big-endian");
        final int hook = attrs[NfTablesCodec.NFTA_CHAIN_HOOK];
        assertEquals(RtnetlinkCodec.NLA_F_NESTED, buf.getShort(hook - 2) & RtnetlinkCodec.NLA_F_NESTED);
        final int[] hookAttrs = RtnetlinkCodec.attributes(buf, hook, hook + RtnetlinkCodec.attributeLength(buf, hook), 3);
        assertArrayEquals(new byte[] {0, 0, 0, 1}, RtnetlinkCodec.bytes(buf, hookAttrs[NfTablesCodec.NFTA_HOOK_HOOKNUM]),
                "NF_INET_LOCAL_IN");
        assertArrayEquals(new byte[] {0, 0, 0, 0}, RtnetlinkCodec.bytes(buf, hookAttrs[NfTablesCodec.NFTA_HOOK_PRIORITY]));
    }

    /** The expressions of a rule as "name:hex of its data attributes' values", in order. */
    private static List<String> expressions(final RtnetlinkCodec.Message rule) {
        final int[] attrs = RtnetlinkCodec.attributes(rule.buf(), rule.payload() + 4, rule.end(), 5);
        assertEquals("input", RtnetlinkCodec.string(rule.buf(), attrs[NfTablesCodec.NFTA_RULE_CHAIN]));
        return expressionsOf(rule);
    }

    private static List<String> expressionsOf(final RtnetlinkCodec.Message rule) {
        final ByteBuffer buf = rule.buf();
        final int[] attrs = RtnetlinkCodec.attributes(buf, rule.payload() + 4, rule.end(), 5);
        final int list = attrs[NfTablesCodec.NFTA_RULE_EXPRESSIONS];
        final List<String> out = new ArrayList<>();
        int at = list;
        final int end = list + RtnetlinkCodec.attributeLength(buf, list);
        while (at < end) {
            final int length = buf.getShort(at) & 0xFFFF;
            assertEquals(NfTablesCodec.NFTA_LIST_ELEM, buf.getShort(at + 2) & RtnetlinkCodec.NLA_TYPE_MASK);
            final int[] expr = RtnetlinkCodec.attributes(buf, at + 4, at + length, 3);
            final StringBuilder text = new StringBuilder(RtnetlinkCodec.string(buf, expr[NfTablesCodec.NFTA_EXPR_NAME]));
            final int data = expr[NfTablesCodec.NFTA_EXPR_DATA];
            appendLeaves(buf, data, data + RtnetlinkCodec.attributeLength(buf, data), text);
            out.add(text.toString());
            at += RtnetlinkCodec.align(length);
        }
        return out;
    }

    /** Appends " TYPE=HEX" for every attribute, descending into the nested ones. */
    private static void appendLeaves(final ByteBuffer buf, final int from, final int to, final StringBuilder text) {
        int at = from;
        while (at < to) {
            final int length = buf.getShort(at) & 0xFFFF;
            final int type = buf.getShort(at + 2) & 0xFFFF;
            if ((type & RtnetlinkCodec.NLA_F_NESTED) != 0) {
                text.append(' ').append(type & RtnetlinkCodec.NLA_TYPE_MASK).append('{');
                appendLeaves(buf, at + 4, at + length, text);
                text.append(" }");
            } else {
                text.append(' ').append(type).append('=');
                for (int i = at + 4; i < at + length; i++) {
                    text.append(String.format("%02x", buf.get(i)));
                }
            }
            at += RtnetlinkCodec.align(length);
        }
    }

    private static String loopbackIndex() {
        final byte[] bytes = new byte[4];
        ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()).putInt(1);
        final StringBuilder hex = new StringBuilder();
        for (final byte b : bytes) {
            hex.append(String.format("%02x", b));
        }
        return hex.toString();
    }

    @Test
    void shouldDropIpv4ToTheAddressUnlessFromLoopback() {
        final RtnetlinkCodec.Message rule = parse(NfTablesCodec.replaceTable(List.of(V4), 1)).get(5);
        // meta nfproto ipv4; ip daddr 192.0.2.100 (network header offset 16, 4 bytes); meta iif != 1; drop
        assertEquals(List.of(
                "meta 1=00000001 2=0000000f",
                "cmp 1=00000001 2=00000000 3{ 1=02 }",
                "payload 1=00000001 2=00000001 3=00000010 4=00000004",
                "cmp 1=00000001 2=00000000 3{ 1=c0000264 }",
                "meta 1=00000001 2=00000004",
                "cmp 1=00000001 2=00000001 3{ 1=" + loopbackIndex() + " }",
                "immediate 1=00000000 2{ 2{ 1=00000000 } }"), expressions(rule));
    }

    @Test
    void shouldAcceptNeighbourDiscoveryToAnIpv6AddressBeforeDroppingTheRest() {
        final List<RtnetlinkCodec.Message> messages = parse(NfTablesCodec.replaceTable(List.of(V6), 1));
        final String daddr = "cmp 1=00000001 2=00000000 3{ 1=20010db8000000000000000000000100 }";
        // meta nfproto ipv6; ip6 daddr (offset 24, 16 bytes); meta l4proto 58; icmpv6 type 135..136; accept
        assertEquals(List.of(
                "meta 1=00000001 2=0000000f",
                "cmp 1=00000001 2=00000000 3{ 1=0a }",
                "payload 1=00000001 2=00000001 3=00000018 4=00000010",
                daddr,
                "meta 1=00000001 2=00000010",
                "cmp 1=00000001 2=00000000 3{ 1=3a }",
                "payload 1=00000001 2=00000002 3=00000000 4=00000001",
                "cmp 1=00000001 2=00000005 3{ 1=87 }",
                "cmp 1=00000001 2=00000003 3{ 1=88 }",
                "immediate 1=00000000 2{ 2{ 1=00000001 } }"), expressions(messages.get(5)));
        final List<String> drop = expressions(messages.get(6));
        assertEquals(daddr, drop.get(3));
        assertEquals("immediate 1=00000000 2{ 2{ 1=00000000 } }", drop.getLast());
    }

    /** The expressions of a rule in chain {@code output}. */
    private static List<String> outputExpressions(final RtnetlinkCodec.Message rule) {
        final int[] attrs = RtnetlinkCodec.attributes(rule.buf(), rule.payload() + 4, rule.end(), 5);
        assertEquals("output", RtnetlinkCodec.string(rule.buf(), attrs[NfTablesCodec.NFTA_RULE_CHAIN]));
        return expressionsOf(rule);
    }

    private static String hostOrder(final int value) {
        final byte[] bytes = new byte[4];
        ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()).putInt(value);
        final StringBuilder hex = new StringBuilder();
        for (final byte b : bytes) {
            hex.append(String.format("%02x", b));
        }
        return hex.toString();
    }

    /**
     * The owner with a virtual MAC: its parent link's ARP replies / NAs for the owned address are dropped on their
     * way out (family arp, hook output; family ip6, hook output), so only the VNIC answers.
     */
    @Test
    void shouldDropTheParentsArpRepliesAndNeighbourAdvertisementsForTheOwnedAddress() {
        final IpAddress own4 = IpAddress.parse("192.0.2.1");
        final List<RtnetlinkCodec.Message> v4 = parse(NfTablesCodec.silenceParent(
                io.vrrpd.protocol.AddressFamily.IPV4, "vrrpd-vr4-62-2", 2, List.of(own4), 1));
        final int nft = NfTablesCodec.NFNL_SUBSYS_NFTABLES << 8;
        assertEquals(List.of(0x10, nft, nft | 2, nft, nft | 3, nft | 6, 0x11),
                v4.stream().map(RtnetlinkCodec.Message::type).toList());
        assertEquals(NfTablesCodec.NFPROTO_ARP, v4.get(1).buf().get(v4.get(1).payload()), "family arp");
        final RtnetlinkCodec.Message chain = v4.get(4);
        final int[] chainAttrs = RtnetlinkCodec.attributes(chain.buf(), chain.payload() + 4, chain.end(), 8);
        assertEquals("vrrpd-vr4-62-2", RtnetlinkCodec.string(chain.buf(), chainAttrs[NfTablesCodec.NFTA_CHAIN_TABLE]));
        final int hook = chainAttrs[NfTablesCodec.NFTA_CHAIN_HOOK];
        final int[] hookAttrs = RtnetlinkCodec.attributes(chain.buf(), hook,
                hook + RtnetlinkCodec.attributeLength(chain.buf(), hook), 3);
        assertArrayEquals(new byte[] {0, 0, 0, 1}, RtnetlinkCodec.bytes(chain.buf(),
                hookAttrs[NfTablesCodec.NFTA_HOOK_HOOKNUM]), "NF_ARP_OUT");
        // meta oif 2; arp operation (offset 6) reply; arp saddr ip (offset 14) 192.0.2.1; drop
        assertEquals(List.of(
                "meta 1=00000001 2=00000005",
                "cmp 1=00000001 2=00000000 3{ 1=" + hostOrder(2) + " }",
                "payload 1=00000001 2=00000001 3=00000006 4=00000002",
                "cmp 1=00000001 2=00000000 3{ 1=0002 }",
                "payload 1=00000001 2=00000001 3=0000000e 4=00000004",
                "cmp 1=00000001 2=00000000 3{ 1=c0000201 }",
                "immediate 1=00000000 2{ 2{ 1=00000000 } }"), outputExpressions(v4.get(5)));

        final List<RtnetlinkCodec.Message> v6 = parse(NfTablesCodec.silenceParent(
                io.vrrpd.protocol.AddressFamily.IPV6, "vrrpd-vr6-63-2", 2, List.of(IpAddress.parse("2001:db8::1")), 1));
        assertEquals(NfTablesCodec.NFPROTO_IPV6, v6.get(1).buf().get(v6.get(1).payload()), "family ip6");
        // meta oif 2; meta l4proto 58; icmpv6 type 136; the target (transport offset 8, 16 bytes); drop
        assertEquals(List.of(
                "meta 1=00000001 2=00000005",
                "cmp 1=00000001 2=00000000 3{ 1=" + hostOrder(2) + " }",
                "meta 1=00000001 2=00000010",
                "cmp 1=00000001 2=00000000 3{ 1=3a }",
                "payload 1=00000001 2=00000002 3=00000000 4=00000001",
                "cmp 1=00000001 2=00000000 3{ 1=88 }",
                "payload 1=00000001 2=00000002 3=00000008 4=00000010",
                "cmp 1=00000001 2=00000000 3{ 1=20010db8000000000000000000000001 }",
                "immediate 1=00000000 2{ 2{ 1=00000000 } }"), outputExpressions(v6.get(5)));

        assertEquals(List.of(0x10, nft, nft | 2, 0x11), parse(NfTablesCodec.silenceParent(
                io.vrrpd.protocol.AddressFamily.IPV4, "vrrpd-vr4-62-2", 2, List.of(), 1)).stream()
                .map(RtnetlinkCodec.Message::type).toList(), "none: the table is removed only");
    }

    /**
     * In a lab: with the table, a's eth0 no longer answers ARP / NS for its own address (b's neighbour entry stays
     * unresolved), a's other address still answers, a still resolves b (the replies to its own requests come in),
     * and removing the table lets eth0 answer again.
     */
    @Test
    void shouldKeepTheParentFromAnsweringForTheOwnedAddressUntilTheTableGoes() throws Exception {
        NetnsLab.assumeRoot();
        try (NetnsLab lab = NetnsLab.create()) {
            lab.addHost("a");
            lab.addHost("b");
            lab.connect("a", "eth0", "192.0.2.1/24", "192.0.2.5/24", "2001:db8::1/64");
            lab.connect("b", "eth0", "192.0.2.2/24", "2001:db8::2/64");
            final Duration inNs = Duration.ofSeconds(10);
            final int eth0 = Integer.parseInt(lab.inNs(lab.ns("a"), "cat", "/sys/class/net/eth0/ifindex").strip());
            lab.in("a", inNs, () -> {
                NfTables.silenceParent(io.vrrpd.protocol.AddressFamily.IPV4, "vrrpd-t4", eth0,
                        List.of(IpAddress.parse("192.0.2.1")));
                NfTables.silenceParent(io.vrrpd.protocol.AddressFamily.IPV6, "vrrpd-t6", eth0,
                        List.of(IpAddress.parse("2001:db8::1")));
                return null;
            });
            assertFalse(pings(lab, "b", "192.0.2.1"), "ARP for the owned address unanswered");
            assertFalse(pings(lab, "b", "2001:db8::1"), "NS for the owned address unanswered");
            assertTrue(pings(lab, "b", "192.0.2.5"), "another address of the link still answers");
            NetnsLab.run("ip", "-n", lab.ns("a"), "neigh", "flush", "dev", "eth0");
            // a resolves b: a's ARP request carries 192.0.2.1 as sender and b's reply, addressed to it, must come in
            // (only a's own answers going out are dropped). The ping only triggers the resolution: b's echo reply
            // may itself need an answer for 192.0.2.1 from a's eth0, which the table drops (no VNIC here to give it).
            pings(lab, "a", "192.0.2.2");
            assertTrue(NetnsLab.run("ip", "-n", lab.ns("a"), "neigh", "show", "192.0.2.2", "dev", "eth0")
                    .contains("lladdr"), "a has b's MAC");
            lab.in("a", inNs, () -> {
                NfTables.silenceParent(io.vrrpd.protocol.AddressFamily.IPV4, "vrrpd-t4", eth0, List.of());
                NfTables.silenceParent(io.vrrpd.protocol.AddressFamily.IPV6, "vrrpd-t6", eth0, List.of());
                NfTables.silenceParent(io.vrrpd.protocol.AddressFamily.IPV6, "vrrpd-t6", eth0, List.of());
                return null;
            });
            NetnsLab.run("ip", "-n", lab.ns("b"), "neigh", "flush", "dev", "eth0");
            assertTrue(pings(lab, "b", "192.0.2.1"), "table removed: ARP answered again");
            assertTrue(pings(lab, "b", "2001:db8::1"), "table removed: NS answered again");
        }
    }

    // --------------------------------------------------------------------------------------------------
    // The kernel's answer, in a lab

    private static boolean pings(final NetnsLab lab, final String host, final String address) {
        try {
            lab.inNs(lab.ns(host), "ping", "-c", "1", "-W", "1", address);
            return true;
        } catch (AssertionError e) {
            return false;
        }
    }

    @Test
    void shouldRefusePingsToTheAddressWhileArpAndNdAreAnswered() throws Exception {
        NetnsLab.assumeRoot();
        try (NetnsLab lab = NetnsLab.create()) {
            lab.addHost("a");
            lab.addHost("b");
            lab.connect("a", "eth0", "192.0.2.1/24", "2001:db8::1/64", "192.0.2.100/24", "2001:db8::100/64");
            lab.connect("b", "eth0", "192.0.2.2/24", "2001:db8::2/64");
            final Duration inNs = Duration.ofSeconds(10);
            assertTrue(pings(lab, "b", "192.0.2.100"), "before: the address answers");

            lab.in("a", inNs, () -> {
                NfTables.refuse(List.of(V4, V6));
                return null;
            });
            NetnsLab.run("ip", "-n", lab.ns("b"), "neigh", "flush", "dev", "eth0");
            assertFalse(pings(lab, "b", "192.0.2.100"), "refused: no echo reply");
            assertFalse(pings(lab, "b", "2001:db8::100"), "refused: no echo reply (IPv6)");
            assertTrue(pings(lab, "b", "192.0.2.1"), "the host's other addresses still answer");
            final String neighbours = NetnsLab.run("ip", "-n", lab.ns("b"), "neigh", "show", "dev", "eth0");
            final String aMac = NetnsLab.run("ip", "-n", lab.ns("a"), "-br", "link", "show", "eth0").trim()
                    .split("\\s+")[2];
            assertTrue(neighbours.contains("192.0.2.100 lladdr " + aMac), "ARP answered:\n" + neighbours);
            assertTrue(neighbours.contains("2001:db8::100 lladdr " + aMac), "ND answered:\n" + neighbours);
            assertTrue(pings(lab, "a", "192.0.2.100"), "the host reaches its own address over lo");

            lab.in("a", inNs, () -> {
                NfTables.refuse(List.of(V4)); // replaced as a whole: the IPv6 address is let in again
                return null;
            });
            assertTrue(pings(lab, "b", "2001:db8::100"), "no longer refused");
            assertFalse(pings(lab, "b", "192.0.2.100"), "still refused");
            lab.in("a", inNs, () -> {
                NfTables.refuseAlso(List.of(V6)); // appended to the table that exists
                return null;
            });
            assertFalse(pings(lab, "b", "2001:db8::100"), "refused again, by the appended rules");
            assertFalse(pings(lab, "b", "192.0.2.100"), "the earlier rule stays");
            lab.in("a", inNs, () -> {
                NfTables.refuse(List.of());
                NfTables.refuse(List.of()); // removing an absent table is no error
                return null;
            });
            assertTrue(pings(lab, "b", "192.0.2.100"), "table removed: answers again");
            // An error of a message that asked for no ACK still comes back (rules for a table that is gone: ENOENT).
            final NetlinkException refused = lab.in("a", inNs,
                    () -> assertThrows(NetlinkException.class, () -> NfTables.refuseAlso(List.of(V4, V6))));
            assertEquals(Errno.ENOENT, refused.errno(), refused.getMessage());
        }
    }

    /**
     * A neighbour confirms a cached entry with a unicast Neighbor Solicitation addressed to the refused address
     * itself (NUD, RFC 4861 §7.3.3): it must be answered, or the neighbour's entry fails and its traffic stalls
     * until it solicits again by multicast. b's entry is made STALE, a packet moves it to DELAY then PROBE (unicast
     * NS, after delay_first_probe_time, 1 s here): REACHABLE only if a answered.
     */
    @Test
    void shouldAnswerAUnicastNeighbourProbeToARefusedIpv6Address() throws Exception {
        NetnsLab.assumeRoot();
        try (NetnsLab lab = NetnsLab.create()) {
            lab.addHost("a");
            lab.addHost("b");
            lab.connect("a", "eth0", "2001:db8::1/64", "2001:db8::100/64");
            lab.connect("b", "eth0", "2001:db8::2/64");
            final String b = lab.ns("b");
            lab.inNs(b, "sysctl", "-q", "-w", "net.ipv6.neigh.eth0.delay_first_probe_time=1");
            lab.in("a", Duration.ofSeconds(10), () -> {
                NfTables.refuse(List.of(V6));
                return null;
            });
            final String aMac = NetnsLab.run("ip", "-n", lab.ns("a"), "-br", "link", "show", "eth0").trim()
                    .split("\\s+")[2];
            NetnsLab.run("ip", "-n", b, "neigh", "replace", "2001:db8::100", "lladdr", aMac, "dev", "eth0",
                    "nud", "stale");
            assertFalse(pings(lab, "b", "2001:db8::100"), "refused: no echo reply");
            final long deadline = System.nanoTime() + 6_000_000_000L;
            String entry = "";
            while (System.nanoTime() < deadline) {
                entry = NetnsLab.run("ip", "-n", b, "neigh", "show", "2001:db8::100", "dev", "eth0").trim();
                if (entry.endsWith("REACHABLE") || entry.endsWith("FAILED")) {
                    break;
                }
                Thread.sleep(50);
            }
            assertTrue(entry.endsWith("REACHABLE"), "the unicast NS was answered: '" + entry + "'");
        }
    }

    /**
     * A batch above the default send buffer (~208 KiB) goes out as one datagram: 600 IPv6 addresses, two rules each
     * (~520 KiB). Without the larger buffer sendto fails (EMSGSIZE); with an ACK asked for every rule, their
     * answers overflowed the receive buffer (ENOBUFS).
     */
    @Test
    void shouldSendABatchLargerThanTheDefaultSendBuffer() throws Exception {
        NetnsLab.assumeRoot();
        final List<IpAddress> many = new ArrayList<>();
        for (int i = 1; i <= 600; i++) {
            many.add(IpAddress.parse("2001:db8::1:" + Integer.toHexString(i)));
        }
        int bytes = 0;
        for (final byte[] message : NfTablesCodec.replaceTable(many, 1)) {
            bytes += message.length;
        }
        assertTrue(bytes > 300 * 1024, "the batch is large: " + bytes + " bytes");
        try (NetnsLab lab = NetnsLab.create()) {
            lab.addHost("a");
            lab.in("a", Duration.ofSeconds(20), () -> {
                NfTables.refuse(many);
                NfTables.refuse(List.of());
                return null;
            });
        }
    }
}
