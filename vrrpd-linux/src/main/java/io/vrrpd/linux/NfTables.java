package io.vrrpd.linux;

import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.IpAddress;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The daemon's nf_tables table {@code inet vrrpd}, through nfnetlink (no {@code nft} run): replaced as a whole,
 * atomically, by {@link #refuse}, or extended by {@link #refuseAlso}. The message format is in {@link NfTablesCodec}. Needs CAP_NET_ADMIN and a
 * kernel with nf_tables (CONFIG_NF_TABLES_INET).
 */
public final class NfTables {
    /** One answer window for the whole batch: the kernel handles it in one go. */
    private static final int REPLY_TIMEOUT_MS = 5_000;
    private static final int MAX_DATAGRAMS = 100_000;

    private NfTables() {
    }

    /** The table's name, for logs and docs ({@code nft list table inet vrrpd}). */
    public static String table() {
        return "inet " + NfTablesCodec.TABLE;
    }

    /**
     * Makes the calling thread's namespace drop every packet addressed to {@code refused} that does not come
     * from {@code lo} (IPv6 neighbour discovery excepted); an empty list removes the table. All or nothing.
     *
     * @throws NetlinkException the kernel refused the batch (e.g. EPERM, or no nf_tables: EPROTONOSUPPORT)
     */
    public static void refuse(final List<IpAddress> refused) throws IOException {
        final int firstSeq = (int) (System.nanoTime() & 0x3FFF_FFFF);
        run(NfTablesCodec.replaceTable(refused, firstSeq), firstSeq,
                "nf_tables batch for table " + table() + " (" + refused.size() + " addresses)");
    }

    /**
     * Adds {@code added} to what a previous {@link #refuse} with at least one address set up (the table must
     * exist): only their rules are sent. All or nothing.
     */
    public static void refuseAlso(final List<IpAddress> added) throws IOException {
        final int firstSeq = (int) (System.nanoTime() & 0x3FFF_FFFF);
        run(NfTablesCodec.appendRules(added, firstSeq), firstSeq,
                "nf_tables batch adding " + added.size() + " addresses to table " + table());
    }

    /**
     * Makes the calling thread's namespace keep link {@code parentIndex} from answering ARP (IPv4) or ND (IPv6) for
     * {@code owned} (the address owner's addresses, answered by its VNIC), in table {@code family name} (family
     * {@code arp} or {@code ip6}); an empty list removes that table. All or nothing.
     *
     * @throws NetlinkException the kernel refused the batch
     */
    public static void silenceParent(final AddressFamily family, final String name, final int parentIndex,
                                     final List<IpAddress> owned) throws IOException {
        final int firstSeq = (int) (System.nanoTime() & 0x3FFF_FFFF);
        run(NfTablesCodec.silenceParent(family, name, parentIndex, owned, firstSeq), firstSeq,
                "nf_tables batch for table " + parentTable(family, name));
    }

    /** The {@code nft} name of a {@link #silenceParent} table: {@code arp NAME} or {@code ip6 NAME}. */
    public static String parentTable(final AddressFamily family, final String name) {
        return (family == AddressFamily.IPV4 ? "arp " : "ip6 ") + name;
    }

    private static void run(final List<byte[]> batch, final int firstSeq, final String what) throws IOException {
        try (NetlinkSocket socket = NetlinkSocket.open(NetlinkSocket.NETLINK_NETFILTER, 0, "nfnetlink")) {
            int length = 0;
            for (final byte[] message : batch) {
                length += message.length;
            }
            final byte[] datagram = new byte[length];
            int at = 0;
            for (final byte[] message : batch) {
                System.arraycopy(message, 0, datagram, at, message.length);
                at += message.length;
            }
            // One datagram is one transaction; a thousand IPv4 addresses make ~350 KiB (~350 bytes a rule), above the
            // default send buffer (wmem_default, ~208 KiB).
            if (length > 64 * 1024) {
                socket.sendBuffer(length + 4096);
            }
            socket.send(datagram, what);
            // Only the last message before the end marker asked for an ACK; errors of any message come before it.
            final Set<Integer> waiting = new HashSet<>();
            waiting.add(firstSeq + batch.size() - 2);
            awaitAcks(socket, waiting, what);
        }
    }

    private static void awaitAcks(final NetlinkSocket socket, final Set<Integer> waiting, final String what)
            throws IOException {
        final long deadline = System.nanoTime() + REPLY_TIMEOUT_MS * 1_000_000L;
        for (int datagrams = 0; datagrams < MAX_DATAGRAMS && !waiting.isEmpty(); datagrams++) {
            final long remainingMs = (deadline - System.nanoTime()) / 1_000_000L;
            final ByteBuffer datagram = remainingMs > 0 ? socket.receive((int) Math.max(1, remainingMs)) : null;
            if (datagram == null) {
                throw new IOException(what + ": " + waiting.size() + " messages not acknowledged within "
                        + REPLY_TIMEOUT_MS + " ms");
            }
            for (final RtnetlinkCodec.Message message : RtnetlinkCodec.messages(datagram)) {
                if (message.type() != RtnetlinkCodec.NLMSG_ERROR) {
                    continue;
                }
                // An error may also answer a batch marker (e.g. no nf_tables in this kernel): any error fails.
                final RtnetlinkCodec.Error error = RtnetlinkCodec.decodeError(message);
                waiting.remove(message.seq());
                if (error.errno() != 0) {
                    throw new NetlinkException(what, error.errno(), error.text());
                }
            }
        }
        if (!waiting.isEmpty()) {
            throw new IOException(what + ": more than " + MAX_DATAGRAMS + " datagrams in the answer");
        }
    }
}
