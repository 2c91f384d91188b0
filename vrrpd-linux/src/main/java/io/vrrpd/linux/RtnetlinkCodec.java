package io.vrrpd.linux;

import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.IpAddress;
import io.vrrpd.protocol.IpPrefix;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The rtnetlink message format, pure Java (no socket): building requests and decoding link and address
 * messages. Headers are in host byte order (netlink is a local protocol); addresses inside attributes in
 * network order.
 *
 * <pre>
 * nlmsghdr (linux/netlink.h)        ifinfomsg (linux/rtnetlink.h)      ifaddrmsg (linux/if_addr.h)
 *   u32 nlmsg_len                     u8  ifi_family, u8 pad             u8  ifa_family
 *   u16 nlmsg_type                    u16 ifi_type                       u8  ifa_prefixlen
 *   u16 nlmsg_flags                   s32 ifi_index                      u8  ifa_flags
 *   u32 nlmsg_seq                     u32 ifi_flags                      u8  ifa_scope
 *   u32 nlmsg_pid                     u32 ifi_change                     u32 ifa_index
 * then attributes: struct rtattr { u16 rta_len; u16 rta_type; } + data, each padded to 4 bytes
 * </pre>
 */
final class RtnetlinkCodec {
    // linux/netlink.h
    static final int NLMSG_HDRLEN = 16;
    static final int NLMSG_ERROR = 2;
    static final int NLMSG_DONE = 3;
    static final int NLMSG_OVERRUN = 4;
    static final int NLM_F_REQUEST = 0x1;
    static final int NLM_F_MULTI = 0x2;
    static final int NLM_F_ACK = 0x4;
    static final int NLM_F_DUMP = 0x300;
    static final int NLM_F_REPLACE = 0x100;
    static final int NLM_F_EXCL = 0x200;
    static final int NLM_F_CREATE = 0x400;
    /** In an NLMSG_ERROR: only the request's header was echoed (NETLINK_CAP_ACK). */
    static final int NLM_F_CAPPED = 0x100;
    /** In an NLMSG_ERROR: extended-ACK attributes follow. */
    static final int NLM_F_ACK_TLVS = 0x200;
    static final int NLMSGERR_ATTR_MSG = 1;
    static final int NLA_TYPE_MASK = 0x3FFF;
    static final int NLA_F_NESTED = 0x8000;
    // linux/rtnetlink.h
    static final int RTM_NEWLINK = 16;
    static final int RTM_DELLINK = 17;
    static final int RTM_GETLINK = 18;
    static final int RTM_NEWADDR = 20;
    static final int RTM_DELADDR = 21;
    static final int RTM_GETADDR = 22;
    static final int IFINFOMSG_LEN = 16;
    static final int IFADDRMSG_LEN = 8;
    // linux/if_link.h
    static final int IFLA_ADDRESS = 1;
    static final int IFLA_IFNAME = 3;
    static final int IFLA_MTU = 4;
    static final int IFLA_LINK = 5;
    static final int IFLA_OPERSTATE = 16;
    static final int IFLA_LINKINFO = 18;
    static final int IFLA_AF_SPEC = 26;
    static final int IFLA_MAX_KNOWN = 64;
    static final int IFLA_INFO_KIND = 1;
    static final int IFLA_INFO_DATA = 2;
    static final int IFLA_MACVLAN_MODE = 1;
    static final int IFLA_INET6_ADDR_GEN_MODE = 8;
    // linux/if_addr.h
    static final int IFA_ADDRESS = 1;
    static final int IFA_LOCAL = 2;
    static final int IFA_LABEL = 3;
    static final int IFA_FLAGS = 8;
    /** u8, Linux 6.1+: who added the address (0 unspecified; the kernel's own are 1-3). */
    static final int IFA_PROTO = 11;
    static final int IFA_MAX_KNOWN = 16;

    private RtnetlinkCodec() {
    }

    static int align(final int length) {
        return (length + 3) & ~3;
    }

    /** Builds one request: header, fixed part, attributes (nested ones with {@link #begin}/{@link #end}). */
    static final class Request {
        private final ByteBuffer buf = ByteBuffer.allocate(4096).order(ByteOrder.nativeOrder());

        Request(final int type, final int flags) {
            buf.putInt(0).putShort((short) type).putShort((short) (flags | NLM_F_REQUEST)).putInt(0).putInt(0);
        }

        /** struct ifinfomsg. */
        Request ifinfomsg(final int family, final int index, final int flags, final int change) {
            buf.put((byte) family).put((byte) 0).putShort((short) 0).putInt(index).putInt(flags).putInt(change);
            return this;
        }

        /** struct ifaddrmsg. */
        Request ifaddrmsg(final int family, final int prefixLength, final int flags, final int scope,
                          final int index) {
            buf.put((byte) family).put((byte) prefixLength).put((byte) flags).put((byte) scope).putInt(index);
            return this;
        }

        /** struct nfgenmsg (linux/netfilter/nfnetlink.h): family, version 0, res_id in network order. */
        Request nfgenmsg(final int family, final int resourceId) {
            buf.put((byte) family).put((byte) 0).put((byte) (resourceId >>> 8)).put((byte) resourceId);
            return this;
        }

        Request attribute(final int type, final byte[] value) {
            buf.putShort((short) (4 + value.length)).putShort((short) type).put(value);
            pad();
            return this;
        }

        Request u8(final int type, final int value) {
            return attribute(type, new byte[] {(byte) value});
        }

        Request u32(final int type, final int value) {
            final byte[] bytes = new byte[4];
            ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()).putInt(value);
            return attribute(type, bytes);
        }

        /** A u32 in network byte order: nf_tables' numbers (NFTA_HOOK_HOOKNUM, NFTA_VERDICT_CODE ...). */
        Request u32be(final int type, final int value) {
            return attribute(type, new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8),
                    (byte) value});
        }

        /** A NUL-terminated string attribute (IFLA_IFNAME, IFLA_INFO_KIND). */
        Request string(final int type, final String value) {
            final byte[] text = value.getBytes(StandardCharsets.US_ASCII);
            final byte[] bytes = new byte[text.length + 1];
            System.arraycopy(text, 0, bytes, 0, text.length);
            return attribute(type, bytes);
        }

        /** Opens a nested attribute; returns its position for {@link #end}. As iproute2: no NLA_F_NESTED. */
        int begin(final int type) {
            final int at = buf.position();
            buf.putShort((short) 0).putShort((short) type);
            return at;
        }

        /** Opens a nested attribute flagged NLA_F_NESTED, as libmnl does for nf_tables. */
        int beginNested(final int type) {
            return begin(type | NLA_F_NESTED);
        }

        Request end(final int at) {
            buf.putShort(at, (short) (buf.position() - at));
            return this;
        }

        private void pad() {
            while ((buf.position() & 3) != 0) {
                buf.put((byte) 0);
            }
        }

        /** The finished message with sequence number {@code seq}. */
        byte[] build(final int seq) {
            buf.putInt(0, buf.position());
            buf.putInt(8, seq);
            final byte[] bytes = new byte[buf.position()];
            buf.get(0, bytes);
            return bytes;
        }
    }

    /** One netlink message inside a datagram: header fields and where its payload lies in {@code buf}. */
    record Message(int type, int flags, int seq, int pid, ByteBuffer buf, int payload, int end) {
    }

    /** Splits a datagram into messages (NLMSG_OK / NLMSG_NEXT); stops at a malformed length. */
    static List<Message> messages(final ByteBuffer datagram) {
        final List<Message> out = new ArrayList<>();
        int at = 0;
        final int limit = datagram.limit();
        while (at + NLMSG_HDRLEN <= limit) {
            final int length = datagram.getInt(at);
            if (length < NLMSG_HDRLEN || at + length > limit) {
                break;
            }
            out.add(new Message(datagram.getShort(at + 4) & 0xFFFF, datagram.getShort(at + 6) & 0xFFFF,
                    datagram.getInt(at + 8), datagram.getInt(at + 12), datagram, at + NLMSG_HDRLEN, at + length));
            at += align(length);
        }
        return out;
    }

    /**
     * The attributes in {@code buf[from, to)} indexed by type: entry = offset of the attribute's data, -1 when
     * absent; types at or above {@code max} are ignored. Lengths via {@link #attributeLength}.
     */
    static int[] attributes(final ByteBuffer buf, final int from, final int to, final int max) {
        final int[] offsets = new int[max];
        java.util.Arrays.fill(offsets, -1);
        int at = from;
        while (at + 4 <= to) {
            final int length = buf.getShort(at) & 0xFFFF;
            if (length < 4 || at + length > to) {
                break;
            }
            final int type = buf.getShort(at + 2) & NLA_TYPE_MASK;
            if (type < max) {
                offsets[type] = at + 4;
            }
            at += align(length);
        }
        return offsets;
    }

    static int attributeLength(final ByteBuffer buf, final int dataOffset) {
        return (buf.getShort(dataOffset - 4) & 0xFFFF) - 4;
    }

    static byte[] bytes(final ByteBuffer buf, final int dataOffset) {
        final byte[] out = new byte[attributeLength(buf, dataOffset)];
        buf.get(dataOffset, out);
        return out;
    }

    /** A NUL-terminated string attribute, without the NUL. */
    static String string(final ByteBuffer buf, final int dataOffset) {
        final byte[] raw = bytes(buf, dataOffset);
        int length = 0;
        while (length < raw.length && raw[length] != 0) {
            length++;
        }
        return new String(raw, 0, length, StandardCharsets.US_ASCII);
    }

    /** Decodes an RTM_NEWLINK / RTM_DELLINK message. */
    static Link decodeLink(final Message message) {
        final ByteBuffer buf = message.buf();
        final int p = message.payload();
        final int index = buf.getInt(p + 4);
        final int flags = buf.getInt(p + 8);
        final int[] attrs = attributes(buf, p + IFINFOMSG_LEN, message.end(), IFLA_MAX_KNOWN);
        final String name = attrs[IFLA_IFNAME] >= 0 ? string(buf, attrs[IFLA_IFNAME]) : "";
        MacAddress mac = MacAddress.ZERO;
        if (attrs[IFLA_ADDRESS] >= 0 && attributeLength(buf, attrs[IFLA_ADDRESS]) == 6) {
            mac = MacAddress.of(bytes(buf, attrs[IFLA_ADDRESS]));
        }
        String kind = "";
        if (attrs[IFLA_LINKINFO] >= 0) {
            final int at = attrs[IFLA_LINKINFO];
            final int[] info = attributes(buf, at, at + attributeLength(buf, at), 8);
            if (info[IFLA_INFO_KIND] >= 0) {
                kind = string(buf, info[IFLA_INFO_KIND]);
            }
        }
        final int parent = attrs[IFLA_LINK] >= 0 ? buf.getInt(attrs[IFLA_LINK]) : 0;
        final int mtu = attrs[IFLA_MTU] >= 0 ? buf.getInt(attrs[IFLA_MTU]) : 0;
        final int oper = attrs[IFLA_OPERSTATE] >= 0 ? buf.get(attrs[IFLA_OPERSTATE]) & 0xFF : 0;
        return new Link(index, name, flags, mac, kind, parent, mtu, oper);
    }

    /** Decodes an RTM_NEWADDR / RTM_DELADDR message; null for families other than IPv4 and IPv6. */
    static LinkAddress decodeAddress(final Message message) {
        final ByteBuffer buf = message.buf();
        final int p = message.payload();
        final int family = buf.get(p) & 0xFF;
        final AddressFamily af = family == Sockets.AF_INET ? AddressFamily.IPV4
                : family == Sockets.AF_INET6 ? AddressFamily.IPV6 : null;
        if (af == null) {
            return null;
        }
        final int prefixLength = buf.get(p + 1) & 0xFF;
        int flags = buf.get(p + 2) & 0xFF;
        final int scope = buf.get(p + 3) & 0xFF;
        final int index = buf.getInt(p + 4);
        final int[] attrs = attributes(buf, p + IFADDRMSG_LEN, message.end(), IFA_MAX_KNOWN);
        // IFA_LOCAL is the local address (IPv4, and IPv6 point-to-point); IFA_ADDRESS otherwise.
        final int at = attrs[IFA_LOCAL] >= 0 ? attrs[IFA_LOCAL] : attrs[IFA_ADDRESS];
        if (at < 0 || attributeLength(buf, at) != af.addressLength()) {
            return null;
        }
        if (attrs[IFA_FLAGS] >= 0) {
            flags = buf.getInt(attrs[IFA_FLAGS]);
        }
        final IpAddress address = IpAddress.read(af, bytes(buf, at), 0);
        final String label = attrs[IFA_LABEL] >= 0 ? string(buf, attrs[IFA_LABEL]) : "";
        final int proto = attrs[IFA_PROTO] >= 0 ? buf.get(attrs[IFA_PROTO]) & 0xFF : 0;
        return new LinkAddress(index, new IpPrefix(address, prefixLength), flags, scope, label, proto);
    }

    /** The errno of an NLMSG_ERROR (0 = ACK) and the kernel's extended-ACK text, if any. */
    record Error(int errno, String text) {
    }

    static Error decodeError(final Message message) {
        final ByteBuffer buf = message.buf();
        final int p = message.payload();
        final int errno = -buf.getInt(p);
        String text = "";
        if ((message.flags() & NLM_F_ACK_TLVS) != 0) {
            // struct nlmsgerr: int error; struct nlmsghdr msg (+ the request's payload unless capped); TLVs.
            final int echoed = (message.flags() & NLM_F_CAPPED) != 0 ? NLMSG_HDRLEN : buf.getInt(p + 4);
            final int[] tlvs = attributes(buf, p + 4 + align(echoed), message.end(), 8);
            if (tlvs[NLMSGERR_ATTR_MSG] >= 0) {
                text = string(buf, tlvs[NLMSGERR_ATTR_MSG]);
            }
        }
        return new Error(errno, text);
    }
}
