package io.vrrpd.protocol;

import io.vrrpd.protocol.wire.ChecksumForm;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What an operator configured for one virtual router on one link and address family: immutable, apart
 * from the running state in {@link io.vrrpd.protocol.fsm.RouterState} (FRR's {@code vrrp_vrouter} /
 * {@code vrrp_router} split). A router protects one address family; RFC 5798 §1 treats IPv4 and IPv6
 * virtual routers as separate instances even when they share a VRID.
 *
 * <p>The constructor refuses anything the protocol cannot carry, naming the field and the allowed values,
 * so a router that exists is a router that can run.
 *
 * @param name                       the operator's name for the router (log prefix, CLI)
 * @param vrid                       Virtual Router Identifier, 1–255 (RFC 5798 §5.2.3)
 * @param family                     the address family it protects
 * @param version                    VRRPv3 (IPv4/IPv6) or VRRPv2 (IPv4 only)
 * @param priority                   configured priority 1–255; 255 only for the address owner (§5.2.4)
 * @param advertisementIntervalNanos Advertisement_Interval: v3 10 ms–40.95 s in 10 ms steps (§5.2.7),
 *                                   v2 1–255 whole seconds (RFC 3768 §5.3.7)
 * @param preempt                    Preempt_Mode (§6.1): a higher-priority Backup takes over a Master
 * @param preemptDelayNanos          after entering Backup, how long to behave as non-preempting (keepalived's
 *                                   {@code preempt_delay}: lets a rebooted host's services settle first)
 * @param accept                     Accept_Mode (§6.1): the Master accepts packets for addresses it does not
 *                                   own; must be true for an owner
 * @param primaryAddress             this router's own address on the link, the IP source of its
 *                                   advertisements and the tie-breaker (IPv6: its link-local address)
 * @param virtualAddresses           the protected addresses; for IPv6 the first is the virtual link-local
 *                                   address (§5.2.9)
 * @param checksumForm               what a v3 IPv4 checksum covers when sending (see {@link ChecksumForm})
 * @param authPass                   VRRPv2 simple text password (RFC 2338 §5.3.6 type 1) sent in and required of
 *                                   every advertisement, or null for none (type 0); v2 only
 */
public record RouterConfig(
        String name,
        int vrid,
        AddressFamily family,
        VrrpVersion version,
        int priority,
        long advertisementIntervalNanos,
        boolean preempt,
        long preemptDelayNanos,
        boolean accept,
        IpAddress primaryAddress,
        List<IpPrefix> virtualAddresses,
        ChecksumForm checksumForm,
        AuthPass authPass) {

    public static final int OWNER_PRIORITY = 255;
    public static final int DEFAULT_PRIORITY = 100;
    public static final long DEFAULT_INTERVAL_NANOS = 1_000_000_000L;
    private static final long MILLI = 1_000_000L;
    private static final long CENTI = 10 * MILLI;
    private static final long SECOND = 1000 * MILLI;

    public RouterConfig {
        require(name != null && !name.isBlank(), "name: a router needs a name");
        require(vrid >= 1 && vrid <= 255, "vrid: " + vrid + " is out of range (allowed: 1-255)");
        require(family != null, "address_family: required (allowed: inet, inet6)");
        require(version != null, "version: required (allowed: 2, 3)");
        require(!(version == VrrpVersion.V2 && family == AddressFamily.IPV6),
                "version: VRRPv2 (RFC 3768) is IPv4 only (allowed for inet6: 3)");
        require(priority >= 1 && priority <= OWNER_PRIORITY,
                "priority: " + priority + " is out of range (allowed: 1-255, 255 only for the address owner)");
        checkInterval(version, advertisementIntervalNanos);
        require(preemptDelayNanos >= 0 && preemptDelayNanos <= 1000 * SECOND,
                "preempt_delay: " + preemptDelayNanos / MILLI + " ms is out of range (allowed: 0-1000000 ms)");
        require(accept || priority != OWNER_PRIORITY, "accept_mode must be true for virtual IP owner");
        require(primaryAddress != null, "primary address: required (the router's own address on the link)");
        require(primaryAddress.family() == family,
                "primary address: " + primaryAddress + " is not an " + family + " address");
        require(family != AddressFamily.IPV6 || primaryAddress.isLinkLocal(),
                "primary address: " + primaryAddress + " is not link-local; IPv6 advertisements are sent from "
                        + "the interface's link-local address (RFC 5798 §5.1.2.1)");
        require(virtualAddresses != null && !virtualAddresses.isEmpty(),
                "address: at least one virtual address is required");
        require(virtualAddresses.size() <= maxAddresses(family, version),
                "address: " + virtualAddresses.size() + " addresses do not fit one advertisement (allowed: 1-"
                        + maxAddresses(family, version) + ")");
        final Set<IpAddress> seen = new HashSet<>();
        for (final IpPrefix prefix : virtualAddresses) {
            require(prefix.address().family() == family,
                    "address: " + prefix + " is not an " + family + " address");
            final String refused = notAVirtualAddress(prefix);
            require(refused == null, "address: " + prefix + " " + refused + " (allowed: a unicast address of the"
                    + " link's network with its prefix length, e.g. 192.0.2.100/24 or 2001:db8::100/64; not"
                    + " unspecified, loopback, multicast, IPv4 link-local 169.254.0.0/16 or a /0 prefix)");
            require(seen.add(prefix.address()), "address: " + prefix.address() + " is listed twice");
        }
        require(family != AddressFamily.IPV6 || virtualAddresses.getFirst().address().isLinkLocal(),
                "address: the first IPv6 virtual address must be link-local (fe80::/10), RFC 5798 §5.2.9");
        virtualAddresses = List.copyOf(virtualAddresses);
        require(checksumForm != null, "checksum: required (allowed: pseudo-header, message-only)");
        require(authPass == null || version == VrrpVersion.V2,
                "auth_pass: VRRPv3 has no authentication (RFC 5798 §9); auth_pass is for version 2 only");
    }

    /**
     * Why {@code prefix} cannot be a virtual address, or null if it can. Such an address on a VNIC would take
     * over the host's own traffic (127.0.0.1, a default route from a /0) or can never be reached through a
     * router (unspecified, multicast, IPv4 link-local, which is not routed and is assigned by the host itself).
     */
    public static String notAVirtualAddress(final IpPrefix prefix) {
        final IpAddress address = prefix.address();
        if (address.isUnspecified()) {
            return "is the unspecified address";
        }
        if (address.isLoopback()) {
            return "is a loopback address";
        }
        if (address.isMulticast()) {
            return "is a multicast address";
        }
        if (address.isIpv4LinkLocal()) {
            return "is an IPv4 link-local address";
        }
        if (prefix.prefixLength() == 0) {
            return "has a /0 prefix: it would cover every address (a default route)";
        }
        return null;
    }

    /**
     * An IPv4 advertisement must fit a 1500-byte link without fragmentation (RFC 5798 §5.1: "the VRRP
     * packet ... MUST NOT be fragmented"), and Count is one byte.
     */
    private static int maxAddresses(final AddressFamily family, final VrrpVersion version) {
        final int room = 1500 - (family == AddressFamily.IPV4 ? 20 : 40) - 8 - (version == VrrpVersion.V2 ? 8 : 0);
        return Math.min(255, room / family.addressLength());
    }

    private static void checkInterval(final VrrpVersion version, final long nanos) {
        if (version == VrrpVersion.V3) {
            require(nanos >= CENTI && nanos <= 4095 * CENTI && nanos % CENTI == 0,
                    "adv_interval: " + describeMillis(nanos)
                            + " is not allowed for VRRPv3 (allowed: 10-40950 ms in steps of 10 ms)");
        } else {
            // keepalived #1615: a silent rounding of 0.5 s to 1 s surprised its users; refuse instead.
            require(nanos >= SECOND && nanos <= 255 * SECOND && nanos % SECOND == 0,
                    "adv_interval: " + describeMillis(nanos)
                            + " is not allowed for VRRPv2 (allowed: whole seconds, 1000-255000 ms)");
        }
    }

    private static String describeMillis(final long nanos) {
        return nanos % MILLI == 0 ? (nanos / MILLI) + " ms" : (nanos / (double) MILLI) + " ms";
    }

    private static void require(final boolean condition, final String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Priority 255: this router owns the addresses (RFC 5798 §5.2.4) and starts as Master (§6.4.1). */
    public boolean owner() {
        return priority == OWNER_PRIORITY;
    }

    /** The addresses as they go on the wire, in configured order. */
    public List<IpAddress> addresses() {
        final List<IpAddress> out = new ArrayList<>(virtualAddresses.size());
        for (final IpPrefix prefix : virtualAddresses) {
            out.add(prefix.address());
        }
        return List.copyOf(out);
    }

    /** True when the address stored at {@code buf[offset..]} is one of the virtual addresses; allocation-free. */
    public boolean hasVirtualAddressAt(final byte[] buf, final int offset) {
        for (int i = 0; i < virtualAddresses.size(); i++) {
            if (virtualAddresses.get(i).address().equalsBytes(buf, offset)) {
                return true;
            }
        }
        return false;
    }

    /**
     * How many virtual addresses an advertisement must list for the address check of §7.1: all of them,
     * but for IPv6 not the link-local ones (see {@code ReceiveValidator}).
     */
    public int comparableAddressCount() {
        int n = 0;
        for (int i = 0; i < virtualAddresses.size(); i++) {
            if (!virtualAddresses.get(i).address().isLinkLocal()) {
                n++;
            }
        }
        return n;
    }

    /** The log prefix every line about this router starts with, e.g. {@code [web1 vrid 51 IPv4]}. */
    public String logPrefix() {
        return "[" + name + " vrid " + vrid + " " + family.display() + "]";
    }

    /** A copy with another priority (used by modify-router and tests). */
    public RouterConfig withPriority(final int newPriority) {
        return new RouterConfig(name, vrid, family, version, newPriority, advertisementIntervalNanos, preempt,
                preemptDelayNanos, accept, primaryAddress, virtualAddresses, checksumForm, authPass);
    }

    /** Starts a configuration with the defaults of DESIGN.md §2: priority 100, 1 s, v3, preempt, accept. */
    public static Builder builder(final String name, final int vrid, final AddressFamily family) {
        return new Builder(name, vrid, family);
    }

    /** Defaults first, then what the operator set; {@link #build()} validates. */
    public static final class Builder {
        private final String name;
        private final int vrid;
        private final AddressFamily family;
        private VrrpVersion version = VrrpVersion.V3;
        private int priority = DEFAULT_PRIORITY;
        private long intervalNanos = DEFAULT_INTERVAL_NANOS;
        private boolean preempt = true;
        private long preemptDelayNanos;
        private boolean accept = true;
        private IpAddress primaryAddress;
        private List<IpPrefix> virtualAddresses = List.of();
        private ChecksumForm checksumForm = ChecksumForm.PSEUDO_HEADER;
        private AuthPass authPass;

        private Builder(final String name, final int vrid, final AddressFamily family) {
            this.name = name;
            this.vrid = vrid;
            this.family = family;
        }

        public Builder version(final VrrpVersion value) {
            this.version = value;
            return this;
        }

        public Builder priority(final int value) {
            this.priority = value;
            return this;
        }

        public Builder intervalMillis(final long millis) {
            this.intervalNanos = millis * MILLI;
            return this;
        }

        public Builder intervalNanos(final long nanos) {
            this.intervalNanos = nanos;
            return this;
        }

        public Builder preempt(final boolean value) {
            this.preempt = value;
            return this;
        }

        public Builder preemptDelayMillis(final long millis) {
            this.preemptDelayNanos = millis * MILLI;
            return this;
        }

        public Builder accept(final boolean value) {
            this.accept = value;
            return this;
        }

        public Builder primaryAddress(final IpAddress value) {
            this.primaryAddress = value;
            return this;
        }

        public Builder primaryAddress(final String value) {
            return primaryAddress(IpAddress.parse(value));
        }

        public Builder virtualAddresses(final List<IpPrefix> value) {
            this.virtualAddresses = value;
            return this;
        }

        /** Addresses as text, {@code ADDR[/PLEN]} each. */
        public Builder virtualAddresses(final String... value) {
            final List<IpPrefix> prefixes = new ArrayList<>();
            for (final String text : value) {
                prefixes.add(IpPrefix.parse(text));
            }
            this.virtualAddresses = prefixes;
            return this;
        }

        public Builder checksumForm(final ChecksumForm value) {
            this.checksumForm = value;
            return this;
        }

        /** VRRPv2 simple text authentication, or null for none. */
        public Builder authPass(final AuthPass value) {
            this.authPass = value;
            return this;
        }

        public RouterConfig build() {
            return new RouterConfig(name, vrid, family, version, priority, intervalNanos, preempt,
                    preemptDelayNanos, accept, primaryAddress, virtualAddresses, checksumForm, authPass);
        }
    }
}
