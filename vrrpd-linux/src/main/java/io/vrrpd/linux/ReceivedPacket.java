package io.vrrpd.linux;

import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.IpAddress;
import io.vrrpd.protocol.wire.Advertisement;

/**
 * One received VRRP packet, refilled in place by {@link VrrpSocket#receive}: the VRRP message (the IP
 * payload) in a reusable array the protocol's {@link Advertisement} flyweight can wrap, and the IP facts
 * §7.1 validation needs (TTL / hop limit, source, destination, arrival link). Addresses are kept as the two
 * raw halves {@link IpAddress} uses, so receiving allocates nothing; {@link #source()} and
 * {@link #destination()} build the records when wanted.
 *
 * <p>Not thread-safe: one holder per receiving thread.
 */
public final class ReceivedPacket {
    /** Room for the largest IPv4 or IPv6 payload a raw socket can deliver. */
    public static final int MAX_PAYLOAD = 65_535;

    private final byte[] payload = new byte[MAX_PAYLOAD];
    private int payloadLength;
    private AddressFamily family = AddressFamily.IPV4;
    private int ttl = -1;
    private int ifindex;
    private long sourceHi;
    private long sourceLo;
    private long destinationHi;
    private long destinationLo;
    private boolean truncated;
    /** SO_RXQ_OVFL: packets the socket's full queue dropped so far (cumulative), 0 when the kernel sent none. */
    private long queueDrops;
    /** When the kernel received it, on System.nanoTime()'s clock; see {@link #receivedAt()}. */
    private long receivedAt;

    /**
     * When the kernel received the packet, on {@link System#nanoTime()}'s clock: the kernel's own receive time
     * (SO_TIMESTAMPNS) when it gave one, or the moment it was read.
     */
    public long receivedAt() {
        return receivedAt;
    }

    void receivedAt(final long at) {
        this.receivedAt = at;
    }

    /** The VRRP message bytes, valid in {@code [0, payloadLength())}. */
    public byte[] payload() {
        return payload;
    }

    public int payloadLength() {
        return payloadLength;
    }

    /** Points {@code view} at this packet's VRRP message; returns it. */
    public Advertisement wrap(final Advertisement view) {
        return view.wrap(payload, 0, payloadLength);
    }

    public AddressFamily family() {
        return family;
    }

    /** IPv4 TTL or IPv6 hop limit as received, or -1 when the kernel did not report it. */
    public int ttl() {
        return ttl;
    }

    /** The index of the link the packet arrived on (IP_PKTINFO / IPV6_PKTINFO), or 0 when not reported. */
    public int ifindex() {
        return ifindex;
    }

    /**
     * How many packets the kernel dropped on this socket because its receive queue was full, counted since the
     * socket opened, as of this packet (SO_RXQ_OVFL); 0 when none was dropped yet (the kernel then sends nothing).
     */
    public long queueDrops() {
        return queueDrops;
    }

    void queueDrops(final long drops) {
        this.queueDrops = drops;
    }

    /** True when the kernel cut the packet or its control data (MSG_TRUNC / MSG_CTRUNC, or a bad header). */
    public boolean truncated() {
        return truncated;
    }

    public long sourceHi() {
        return sourceHi;
    }

    public long sourceLo() {
        return sourceLo;
    }

    public long destinationHi() {
        return destinationHi;
    }

    public long destinationLo() {
        return destinationLo;
    }

    /** The IP source address (allocates a record). */
    public IpAddress source() {
        return new IpAddress(family, sourceHi, sourceLo);
    }

    /** The IP destination address: the VRRP group, or ours for unicast (allocates a record). */
    public IpAddress destination() {
        return new IpAddress(family, destinationHi, destinationLo);
    }

    void reset(final AddressFamily newFamily) {
        family = newFamily;
        payloadLength = 0;
        ttl = -1;
        ifindex = 0;
        sourceHi = 0;
        sourceLo = 0;
        destinationHi = 0;
        destinationLo = 0;
        truncated = false;
        queueDrops = 0;
        receivedAt = 0;
    }

    void payloadLength(final int length) {
        payloadLength = length;
    }

    void ttl(final int value) {
        ttl = value;
    }

    void ifindex(final int value) {
        ifindex = value;
    }

    void truncated(final boolean value) {
        truncated = value;
    }

    void source(final long hi, final long lo) {
        sourceHi = hi;
        sourceLo = lo;
    }

    void destination(final long hi, final long lo) {
        destinationHi = hi;
        destinationLo = lo;
    }

    @Override
    public String toString() {
        return family + " " + source() + " -> " + destination() + " if " + ifindex + " ttl " + ttl + " "
                + payloadLength + " bytes" + (truncated ? " (truncated)" : "");
    }
}
