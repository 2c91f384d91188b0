package io.vrrpd.linux;

import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.IpAddress;

import java.util.ArrayList;
import java.util.List;

/**
 * The nf_tables netlink messages (linux/netfilter/nf_tables.h, nfnetlink.h), pure Java: one batch that replaces
 * the table {@value #TABLE} (family inet) with an input-hook chain dropping packets addressed to the given
 * addresses. What {@code nft} would show for it:
 *
 * <pre>
 * table inet vrrpd {
 *   chain input {
 *     type filter hook input priority 0; policy accept;
 *     meta nfproto ipv4 ip daddr 192.0.2.100 meta iif != 1 drop
 *     meta nfproto ipv6 ip6 daddr 2001:db8::100 meta l4proto 58 icmpv6 type 135-136 accept
 *     meta nfproto ipv6 ip6 daddr 2001:db8::100 meta iif != 1 drop
 *   }
 * }
 * </pre>
 *
 * <p>Why each part: ARP is not IP, so the inet hook never sees it and the Master still answers it; IPv6
 * neighbour discovery is ICMPv6 and a neighbour's reachability probe (a unicast NS) is addressed to the virtual
 * address itself, so NS/NA are accepted first (RFC 5798 §6.4.3: the Master answers ND for the address). Traffic of
 * the host to its own address comes in on {@code lo} (ifindex 1 in every namespace) and is not a packet "addressed
 * to the virtual router" from the network, so it passes: services bound to the address keep talking to
 * themselves.
 *
 * <p>The batch is atomic (nfnetlink transaction): NEWTABLE then DELTABLE empties the table whether it existed or
 * not ({@code nft}'s own idiom), then the table, chain and rules are created again. With no address, only the
 * table's removal is sent. Only the last message before the end marker asks for an ACK: the kernel reports every
 * error anyway, before that ACK, and an ACK per rule (thousands) overflowed the socket's receive buffer (ENOBUFS).
 */
final class NfTablesCodec {
    static final String TABLE = "vrrpd";
    static final String CHAIN = "input";
    // linux/netfilter/nfnetlink.h
    static final int NFNL_SUBSYS_NFTABLES = 10;
    static final int NFNL_MSG_BATCH_BEGIN = 0x10;
    static final int NFNL_MSG_BATCH_END = 0x11;
    // linux/netfilter/nf_tables.h: enum nf_tables_msg_types
    static final int NFT_MSG_NEWTABLE = 0;
    static final int NFT_MSG_DELTABLE = 2;
    static final int NFT_MSG_NEWCHAIN = 3;
    static final int NFT_MSG_NEWRULE = 6;
    static final int NLM_F_APPEND = 0x800;
    // linux/netfilter.h
    static final int NFPROTO_UNSPEC = 0;
    static final int NFPROTO_INET = 1;
    static final int NFPROTO_IPV4 = 2;
    static final int NFPROTO_ARP = 3;
    static final int NFPROTO_IPV6 = 10;
    static final int NF_INET_LOCAL_IN = 1;
    static final int NF_INET_LOCAL_OUT = 3;
    static final int NF_ARP_OUT = 1;
    static final String OUTPUT = "output";
    static final int NF_DROP = 0;
    static final int NF_ACCEPT = 1;
    // attributes
    static final int NFTA_TABLE_NAME = 1;
    static final int NFTA_CHAIN_TABLE = 1;
    static final int NFTA_CHAIN_NAME = 3;
    static final int NFTA_CHAIN_HOOK = 4;
    static final int NFTA_CHAIN_POLICY = 5;
    static final int NFTA_CHAIN_TYPE = 7;
    static final int NFTA_HOOK_HOOKNUM = 1;
    static final int NFTA_HOOK_PRIORITY = 2;
    static final int NFTA_RULE_TABLE = 1;
    static final int NFTA_RULE_CHAIN = 2;
    static final int NFTA_RULE_EXPRESSIONS = 4;
    static final int NFTA_LIST_ELEM = 1;
    static final int NFTA_EXPR_NAME = 1;
    static final int NFTA_EXPR_DATA = 2;
    static final int NFTA_META_DREG = 1;
    static final int NFTA_META_KEY = 2;
    static final int NFTA_CMP_SREG = 1;
    static final int NFTA_CMP_OP = 2;
    static final int NFTA_CMP_DATA = 3;
    static final int NFTA_PAYLOAD_DREG = 1;
    static final int NFTA_PAYLOAD_BASE = 2;
    static final int NFTA_PAYLOAD_OFFSET = 3;
    static final int NFTA_PAYLOAD_LEN = 4;
    static final int NFTA_IMMEDIATE_DREG = 1;
    static final int NFTA_IMMEDIATE_DATA = 2;
    static final int NFTA_DATA_VALUE = 1;
    static final int NFTA_DATA_VERDICT = 2;
    static final int NFTA_VERDICT_CODE = 1;
    // values
    static final int NFT_REG_VERDICT = 0;
    /** The first 16-byte register: an IPv6 address fits. */
    static final int NFT_REG_1 = 1;
    static final int NFT_META_IIF = 4;
    static final int NFT_META_OIF = 5;
    static final int NFT_META_NFPROTO = 15;
    static final int NFT_META_L4PROTO = 16;
    static final int NFT_CMP_EQ = 0;
    static final int NFT_CMP_NEQ = 1;
    static final int NFT_CMP_LTE = 3;
    static final int NFT_CMP_GTE = 5;
    static final int NFT_PAYLOAD_NETWORK_HEADER = 1;
    static final int NFT_PAYLOAD_TRANSPORT_HEADER = 2;
    static final int IPPROTO_ICMPV6 = 58;
    static final int ND_NEIGHBOR_SOLICIT = 135;
    static final int ND_NEIGHBOR_ADVERT = 136;
    static final int ARPOP_REPLY = 2;
    /** The loopback link's index: the kernel creates it first in every namespace. */
    static final int LOOPBACK_INDEX = 1;

    private NfTablesCodec() {
    }

    /** nfnetlink message type: the subsystem in the high byte. */
    static int type(final int message) {
        return NFNL_SUBSYS_NFTABLES << 8 | message;
    }

    /**
     * The batch replacing table {@value #TABLE} so that it drops what is addressed to {@code refused} (none: the
     * table is removed), messages numbered from {@code firstSeq}.
     */
    static List<byte[]> replaceTable(final List<IpAddress> refused, final int firstSeq) {
        final List<byte[]> batch = new ArrayList<>();
        int seq = emptyTable(batch, NFPROTO_INET, TABLE, firstSeq);
        if (!refused.isEmpty()) {
            batch.add(table(NFPROTO_INET, TABLE, NFT_MSG_NEWTABLE, RtnetlinkCodec.NLM_F_CREATE, seq++));
            batch.add(chain(NFPROTO_INET, TABLE, CHAIN, NF_INET_LOCAL_IN, seq++));
            seq = addRules(batch, refused, seq);
        }
        return end(batch, seq);
    }

    /**
     * Starts a batch that removes table {@code name} whether it exists or not (NEWTABLE then DELTABLE: {@code nft}'s
     * idiom); returns the next sequence number.
     */
    private static int emptyTable(final List<byte[]> batch, final int nfproto, final String name, final int firstSeq) {
        int seq = firstSeq;
        batch.add(marker(NFNL_MSG_BATCH_BEGIN, seq++));
        batch.add(table(nfproto, name, NFT_MSG_NEWTABLE, RtnetlinkCodec.NLM_F_CREATE, seq++));
        batch.add(table(nfproto, name, NFT_MSG_DELTABLE, 0, seq++));
        return seq;
    }

    /** The ACK asked for on the last message, then the end marker numbered {@code seq}. */
    private static List<byte[]> end(final List<byte[]> batch, final int seq) {
        askAck(batch.getLast());
        batch.add(marker(NFNL_MSG_BATCH_END, seq));
        return batch;
    }

    /**
     * The batch appending the rules for {@code added} to the existing chain (the table must hold rules already):
     * a router created while others refuse costs its own addresses, not the whole table again.
     */
    static List<byte[]> appendRules(final List<IpAddress> added, final int firstSeq) {
        if (added.isEmpty()) {
            throw new IllegalArgumentException("no address to add to table " + TABLE);
        }
        final List<byte[]> batch = new ArrayList<>();
        batch.add(marker(NFNL_MSG_BATCH_BEGIN, firstSeq));
        return end(batch, addRules(batch, added, firstSeq + 1));
    }

    /** Appends each address's rules (IPv6: the ND accept first), numbered from {@code seq}; returns the next. */
    private static int addRules(final List<byte[]> batch, final List<IpAddress> addresses, final int from) {
        int seq = from;
        for (final IpAddress address : addresses) {
            if (address.family() == AddressFamily.IPV6) {
                batch.add(rule(seq++, address, true));
            }
            batch.add(rule(seq++, address, false));
        }
        return seq;
    }

    /** Sets NLM_F_ACK in a built message's header (nlmsg_flags, host order at offset 6). */
    private static void askAck(final byte[] message) {
        final java.nio.ByteBuffer header = java.nio.ByteBuffer.wrap(message).order(java.nio.ByteOrder.nativeOrder());
        header.putShort(6, (short) (header.getShort(6) | RtnetlinkCodec.NLM_F_ACK));
    }

    private static byte[] marker(final int type, final int seq) {
        return new RtnetlinkCodec.Request(type, 0).nfgenmsg(NFPROTO_UNSPEC, NFNL_SUBSYS_NFTABLES).build(seq);
    }

    private static byte[] table(final int family, final String name, final int message, final int flags,
                                final int seq) {
        return new RtnetlinkCodec.Request(type(message), flags)
                .nfgenmsg(family, 0).string(NFTA_TABLE_NAME, name).build(seq);
    }

    private static byte[] chain(final int family, final String table, final String name, final int hooknum,
                                final int seq) {
        final RtnetlinkCodec.Request request = new RtnetlinkCodec.Request(type(NFT_MSG_NEWCHAIN),
                RtnetlinkCodec.NLM_F_CREATE).nfgenmsg(family, 0)
                .string(NFTA_CHAIN_TABLE, table).string(NFTA_CHAIN_NAME, name);
        final int hook = request.beginNested(NFTA_CHAIN_HOOK);
        request.u32be(NFTA_HOOK_HOOKNUM, hooknum).u32be(NFTA_HOOK_PRIORITY, 0).end(hook);
        return request.u32be(NFTA_CHAIN_POLICY, NF_ACCEPT).string(NFTA_CHAIN_TYPE, "filter").build(seq);
    }

    /**
     * One rule for {@code address}: {@code ndAccept} the IPv6 neighbour-discovery exception (accept), else the
     * drop of everything addressed to it that does not come from {@code lo}.
     */
    private static byte[] rule(final int seq, final IpAddress address, final boolean ndAccept) {
        final RtnetlinkCodec.Request request = new RtnetlinkCodec.Request(type(NFT_MSG_NEWRULE),
                RtnetlinkCodec.NLM_F_CREATE | NLM_F_APPEND).nfgenmsg(NFPROTO_INET, 0)
                .string(NFTA_RULE_TABLE, TABLE).string(NFTA_RULE_CHAIN, CHAIN);
        final int expressions = request.beginNested(NFTA_RULE_EXPRESSIONS);
        final boolean v6 = address.family() == AddressFamily.IPV6;
        meta(request, NFT_META_NFPROTO);
        cmp(request, NFT_CMP_EQ, new byte[] {(byte) (v6 ? NFPROTO_IPV6 : NFPROTO_IPV4)});
        // the destination: IPv4 header offset 16, IPv6 header offset 24
        payload(request, NFT_PAYLOAD_NETWORK_HEADER, v6 ? 24 : 16, v6 ? 16 : 4);
        cmp(request, NFT_CMP_EQ, address.toBytes());
        if (ndAccept) {
            meta(request, NFT_META_L4PROTO);
            cmp(request, NFT_CMP_EQ, new byte[] {(byte) IPPROTO_ICMPV6});
            payload(request, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 1); // the ICMPv6 type
            cmp(request, NFT_CMP_GTE, new byte[] {(byte) ND_NEIGHBOR_SOLICIT});
            cmp(request, NFT_CMP_LTE, new byte[] {(byte) ND_NEIGHBOR_ADVERT});
            verdict(request, NF_ACCEPT);
        } else {
            meta(request, NFT_META_IIF);
            cmp(request, NFT_CMP_NEQ, hostOrderInt(LOOPBACK_INDEX)); // the kernel compares its own u32 bytes
            verdict(request, NF_DROP);
        }
        return request.end(expressions).build(seq);
    }

    /**
     * The batch that keeps the parent link {@code parentIndex} from answering ARP/ND for the address owner's
     * {@code owned} addresses while its VNIC answers them with the virtual MAC (RFC 5798 §8.1.2): table
     * {@code name} of family {@code arp} (IPv4) or {@code ip6}, replaced as a whole; none: the table is removed.
     * What {@code nft} shows for it:
     *
     * <pre>
     * table arp vrrpd-vr4-62-2 {
     *   chain output {
     *     type filter hook output priority 0; policy accept;
     *     oif 2 arp operation reply arp saddr ip 192.0.2.1 drop
     *   }
     * }
     * table ip6 vrrpd-vr6-63-2 {
     *   chain output {
     *     type filter hook output priority 0; policy accept;
     *     oif 2 icmpv6 type nd-neighbor-advert @th,64,128 0x20010db8000000000000000000000001 drop
     *   }
     * }
     * </pre>
     *
     * <p>Why the answers going out and not the requests coming in: the host's own ARP requests from that link carry
     * the owned address as sender, and their replies (target: the owned address) must still come in; only the
     * kernel's answers leave through the output hook (vrrpd's own announcements go through a packet socket, which
     * no hook sees).
     */
    static List<byte[]> silenceParent(final AddressFamily family, final String name, final int parentIndex,
                                      final List<IpAddress> owned, final int firstSeq) {
        final int nfproto = family == AddressFamily.IPV4 ? NFPROTO_ARP : NFPROTO_IPV6;
        final List<byte[]> batch = new ArrayList<>();
        int seq = emptyTable(batch, nfproto, name, firstSeq);
        if (!owned.isEmpty()) {
            batch.add(table(nfproto, name, NFT_MSG_NEWTABLE, RtnetlinkCodec.NLM_F_CREATE, seq++));
            batch.add(chain(nfproto, name, OUTPUT, family == AddressFamily.IPV4 ? NF_ARP_OUT : NF_INET_LOCAL_OUT,
                    seq++));
            for (final IpAddress address : owned) {
                if (address.family() != family) {
                    throw new IllegalArgumentException(address + " is not " + family);
                }
                batch.add(parentAnswerDrop(nfproto, name, seq++, parentIndex, address));
            }
        }
        return end(batch, seq);
    }

    private static byte[] parentAnswerDrop(final int nfproto, final String table, final int seq,
                                           final int parentIndex, final IpAddress address) {
        final RtnetlinkCodec.Request request = new RtnetlinkCodec.Request(type(NFT_MSG_NEWRULE),
                RtnetlinkCodec.NLM_F_CREATE | NLM_F_APPEND).nfgenmsg(nfproto, 0)
                .string(NFTA_RULE_TABLE, table).string(NFTA_RULE_CHAIN, OUTPUT);
        final int expressions = request.beginNested(NFTA_RULE_EXPRESSIONS);
        meta(request, NFT_META_OIF);
        cmp(request, NFT_CMP_EQ, hostOrderInt(parentIndex));
        if (nfproto == NFPROTO_ARP) {
            payload(request, NFT_PAYLOAD_NETWORK_HEADER, 6, 2); // ar_op
            cmp(request, NFT_CMP_EQ, new byte[] {0, ARPOP_REPLY});
            payload(request, NFT_PAYLOAD_NETWORK_HEADER, 14, 4); // the sender's IPv4 address (after 8 + 6 bytes)
        } else {
            meta(request, NFT_META_L4PROTO);
            cmp(request, NFT_CMP_EQ, new byte[] {(byte) IPPROTO_ICMPV6});
            payload(request, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 1); // the ICMPv6 type
            cmp(request, NFT_CMP_EQ, new byte[] {(byte) ND_NEIGHBOR_ADVERT});
            payload(request, NFT_PAYLOAD_TRANSPORT_HEADER, 8, 16); // the NA's target address
        }
        cmp(request, NFT_CMP_EQ, address.toBytes());
        verdict(request, NF_DROP);
        return request.end(expressions).build(seq);
    }

    private static byte[] hostOrderInt(final int value) {
        final byte[] bytes = new byte[4];
        java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.nativeOrder()).putInt(value);
        return bytes;
    }

    private static int expression(final RtnetlinkCodec.Request request, final String name) {
        final int element = request.beginNested(NFTA_LIST_ELEM);
        request.string(NFTA_EXPR_NAME, name);
        return element;
    }

    private static void meta(final RtnetlinkCodec.Request request, final int key) {
        final int element = expression(request, "meta");
        final int data = request.beginNested(NFTA_EXPR_DATA);
        request.u32be(NFTA_META_DREG, NFT_REG_1).u32be(NFTA_META_KEY, key).end(data).end(element);
    }

    private static void payload(final RtnetlinkCodec.Request request, final int base, final int offset,
                                final int length) {
        final int element = expression(request, "payload");
        final int data = request.beginNested(NFTA_EXPR_DATA);
        request.u32be(NFTA_PAYLOAD_DREG, NFT_REG_1).u32be(NFTA_PAYLOAD_BASE, base)
                .u32be(NFTA_PAYLOAD_OFFSET, offset).u32be(NFTA_PAYLOAD_LEN, length).end(data).end(element);
    }

    private static void cmp(final RtnetlinkCodec.Request request, final int op, final byte[] value) {
        final int element = expression(request, "cmp");
        final int data = request.beginNested(NFTA_EXPR_DATA);
        request.u32be(NFTA_CMP_SREG, NFT_REG_1).u32be(NFTA_CMP_OP, op);
        final int compared = request.beginNested(NFTA_CMP_DATA);
        request.attribute(NFTA_DATA_VALUE, value).end(compared).end(data).end(element);
    }

    private static void verdict(final RtnetlinkCodec.Request request, final int code) {
        final int element = expression(request, "immediate");
        final int data = request.beginNested(NFTA_EXPR_DATA);
        request.u32be(NFTA_IMMEDIATE_DREG, NFT_REG_VERDICT);
        final int value = request.beginNested(NFTA_IMMEDIATE_DATA);
        final int verdict = request.beginNested(NFTA_DATA_VERDICT);
        request.u32be(NFTA_VERDICT_CODE, code).end(verdict).end(value).end(data).end(element);
    }
}
