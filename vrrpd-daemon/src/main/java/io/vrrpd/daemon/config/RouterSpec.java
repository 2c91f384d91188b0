package io.vrrpd.daemon.config;

import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.AuthPass;
import io.vrrpd.protocol.IpAddress;
import io.vrrpd.protocol.IpPrefix;
import io.vrrpd.protocol.RouterConfig;
import io.vrrpd.protocol.VrrpVersion;
import io.vrrpd.protocol.wire.ChecksumForm;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A router as the operator declared it with {@code vrrpadm create-router}/{@code modify-router} and as its
 * file {@code routers/NAME.toml} stores it. The daemon turns it into a {@link RouterConfig} once the link's
 * own address is known ({@link #toConfig}).
 *
 * <p>The constructor validates everything, each refusal one line naming the field and the allowed values.
 * The protocol rules (VRID, priority, interval per version, owner and accept, address count and families)
 * are {@link RouterConfig}'s: the constructor builds one with a placeholder primary address rather than
 * repeating them. What only a spec knows is checked here: the name, the link, dependencies, unicast peers,
 * and the IPv6 link-local rule of DESIGN.md §2 (the first IPv6 address is the router's link-local address;
 * when none is given, the one derived from the virtual MAC goes first).
 *
 * @param name          1-31 letters, digits, {@code _ - .}, starting with a letter
 * @param vrid          1-255
 * @param link          the Linux interface the router runs on
 * @param family        IPv4 or IPv6
 * @param priority      1-255 (255: the address owner)
 * @param advIntervalMs advertisement interval in milliseconds
 * @param preempt       Preempt_Mode
 * @param accept        Accept_Mode
 * @param version       VRRPv3 or VRRPv2
 * @param addresses     the virtual addresses with prefix lengths (IPv6: link-local first, normalised)
 * @param depends       {@code --depends} SPECs, verbatim (syntax in {@link Dependency})
 * @param unicastPeers  peers to advertise to by unicast; empty for the VRRP multicast group
 * @param mac           virtual or real MAC
 * @param checksum      the VRRPv3 IPv4 checksum form sent
 * @param enabled       false after {@code disable-router}
 * @param preemptDelayMs     after startup, how long a preempting router waits before it preempts (0–1000000)
 * @param announceCount      gratuitous ARP / unsolicited NA bursts on becoming Master (1–100)
 * @param announceIntervalMs time between those bursts (10–60000 ms)
 * @param onMaster           hook run on becoming Master: an absolute path, "" for none
 * @param onBackup           hook run on becoming Backup: an absolute path, "" for none
 * @param onOffline          hook run on leaving the group (Initialize: dependency, link, disable,
 *                           maintenance, shutdown): an absolute path, "" for none
 * @param hookTimeoutMs      a hook still running after this long is killed with its session (100–300000 ms)
 * @param syncGroup          the sync group it changes state with (keepalived's vrrp_sync_group; a router name's
 *                           syntax), "" for none
 * @param flapCount          a hard dependency changing state more than this many times within
 *                           {@code flapWindowMs} puts the router in maintenance (1–1000)
 * @param flapWindowMs       the window of that count (1000–86400000 ms)
 * @param authPass           VRRPv2 simple text password (RFC 2338 type 1, keepalived's {@code auth_pass}), null
 *                           for none; refused with VRRPv3
 */
public record RouterSpec(
        String name,
        int vrid,
        String link,
        AddressFamily family,
        int priority,
        int advIntervalMs,
        boolean preempt,
        boolean accept,
        VrrpVersion version,
        List<IpPrefix> addresses,
        List<String> depends,
        List<IpAddress> unicastPeers,
        MacMode mac,
        ChecksumForm checksum,
        boolean enabled,
        int preemptDelayMs,
        int announceCount,
        int announceIntervalMs,
        String onMaster,
        String onBackup,
        String onOffline,
        int hookTimeoutMs,
        String syncGroup,
        int flapCount,
        int flapWindowMs,
        AuthPass authPass) {

    static final String NAME_RULE = "allowed: 1-31 letters, digits, '_', '-', '.', starting with a letter";
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]{0,30}");
    /** Linux dev_valid_name(): at most IFNAMSIZ-1 bytes, not "." or "..", no '/', ':' or white space. */
    private static final Pattern LINK = Pattern.compile("[^/:\\s]{1,15}");
    private static final int LINK_LOCAL_PREFIX = 64;
    static final int MAX_ANNOUNCE_COUNT = 100;
    /** keepalived sends 5 gratuitous ARPs at once, FRR one; 3 bursts 1 s apart catch a switch port that was
     * still learning or a host that dropped the first one, without flooding a large L2 domain. */
    public static final int DEFAULT_ANNOUNCE_COUNT = 3;
    public static final int DEFAULT_ANNOUNCE_INTERVAL_MS = 1000;
    public static final int DEFAULT_HOOK_TIMEOUT_MS = 10_000;
    static final int MIN_HOOK_TIMEOUT_MS = 100;
    static final int MAX_HOOK_TIMEOUT_MS = 300_000;
    /** More than 5 changes of a hard dependency within 60 s: maintenance (HealthMonitor.Settings.DEFAULT). */
    public static final int DEFAULT_FLAP_COUNT = 5;
    public static final int DEFAULT_FLAP_WINDOW_MS = 60_000;
    static final int MAX_FLAP_COUNT = 1000;
    static final int MIN_FLAP_WINDOW_MS = 1000;
    static final int MAX_FLAP_WINDOW_MS = 86_400_000;

    public RouterSpec {
        checkName(name);
        require(link != null && LINK.matcher(link).matches() && !link.equals(".") && !link.equals(".."),
                "link: '" + link + "' is not a Linux interface name (allowed: 1-15 characters, no '/', ':' or"
                        + " white space)");
        require(family != null, "address_family: required (allowed: inet, inet6)");
        require(version != null, "version: required (allowed: 2, 3)");
        addresses = withLinkLocalFirst(family, vrid, List.copyOf(addresses));
        validateProtocolFields(name, vrid, family, priority, advIntervalMs, preempt, accept, version, addresses,
                checksum, preemptDelayMs, authPass);
        require(announceCount >= 1 && announceCount <= MAX_ANNOUNCE_COUNT, "announce_count: " + announceCount
                + " is out of range (allowed: 1-" + MAX_ANNOUNCE_COUNT + ")");
        require(announceIntervalMs >= 10 && announceIntervalMs <= 60_000, "announce_interval: " + announceIntervalMs
                + " ms is out of range (allowed: 10-60000 ms)");
        require(checksum == ChecksumForm.PSEUDO_HEADER || (family == AddressFamily.IPV4 && version == VrrpVersion.V3),
                "checksum: message-only is a VRRPv3 IPv4 form (allowed here: pseudo-header)");
        onMaster = checkHook("on_master", onMaster);
        onBackup = checkHook("on_backup", onBackup);
        onOffline = checkHook("on_offline", onOffline);
        require(hookTimeoutMs >= MIN_HOOK_TIMEOUT_MS && hookTimeoutMs <= MAX_HOOK_TIMEOUT_MS, "hook_timeout: "
                + hookTimeoutMs + " ms is out of range (allowed: " + MIN_HOOK_TIMEOUT_MS + "-" + MAX_HOOK_TIMEOUT_MS
                + " ms)");
        syncGroup = syncGroup == null ? "" : syncGroup;
        require(syncGroup.isEmpty() || NAME.matcher(syncGroup).matches(), "sync_group: '" + syncGroup
                + "' is not a valid group name (" + NAME_RULE + "; '' for none)");
        require(flapCount >= 1 && flapCount <= MAX_FLAP_COUNT, "flap_count: " + flapCount
                + " is out of range (allowed: 1-" + MAX_FLAP_COUNT + ")");
        require(flapWindowMs >= MIN_FLAP_WINDOW_MS && flapWindowMs <= MAX_FLAP_WINDOW_MS, "flap_window: "
                + flapWindowMs + " ms is out of range (allowed: " + MIN_FLAP_WINDOW_MS + "-" + MAX_FLAP_WINDOW_MS
                + " ms)");
        depends = List.copyOf(depends);
        depends.forEach(Dependency::parse);
        unicastPeers = List.copyOf(unicastPeers);
        checkPeers(family, unicastPeers);
        require(mac != null, "--mac: required (allowed: virtual, real)");
    }

    /** Refuses a name that is not 1-31 letters, digits, {@code _ - .} starting with a letter. */
    public static void checkName(final String name) {
        require(name != null && NAME.matcher(name).matches(),
                "name: '" + name + "' is not a valid router name (" + NAME_RULE + ")");
    }

    /**
     * A hook path: "" (or null) for none, otherwise an absolute path without control characters. Whether the
     * file exists and is executable is checked when it runs: it may be installed after the router.
     */
    private static String checkHook(final String key, final String path) {
        if (path == null || path.isEmpty()) {
            return "";
        }
        require(path.startsWith("/") && path.chars().noneMatch(Character::isISOControl) && path.length() <= 4096,
                key + ": '" + path + "' is not an absolute path (allowed: the absolute path of an executable, or ''"
                        + " for none)");
        return path;
    }

    /** Starts a spec with the defaults of DESIGN.md §2 (RouterConfig's): 100, 1000 ms, v3, preempt, accept. */
    public static Builder builder(final String name, final int vrid, final String link, final AddressFamily family) {
        return new Builder(name, vrid, link, family);
    }

    /** A builder holding this spec's values, for {@code modify-router}. */
    public Builder toBuilder() {
        return new Builder(name, vrid, link, family).priority(priority).advIntervalMs(advIntervalMs)
                .preempt(preempt).accept(accept).version(version).addresses(addresses).depends(depends)
                .unicastPeers(unicastPeers).mac(mac).checksum(checksum).enabled(enabled).preemptDelayMs(preemptDelayMs)
                .announceCount(announceCount).announceIntervalMs(announceIntervalMs).onMaster(onMaster)
                .onBackup(onBackup).onOffline(onOffline).hookTimeoutMs(hookTimeoutMs).syncGroup(syncGroup)
                .flapCount(flapCount).flapWindowMs(flapWindowMs).authPass(authPass);
    }

    /** Priority 255: the router owns its addresses (RFC 5798 §5.2.4). */
    public boolean owner() {
        return priority == RouterConfig.OWNER_PRIORITY;
    }

    /**
     * show-router's MODE column: {@code e}nabled, {@code o}wner, {@code p}reempt, {@code a}ccept in that
     * order, {@code -} where unset (illumos vrrpadm's letters), e.g. {@code e-pa}.
     */
    public String mode() {
        return "" + (enabled ? 'e' : '-') + (owner() ? 'o' : '-') + (preempt ? 'p' : '-') + (accept ? 'a' : '-');
    }

    /** True when both would run the same VRID on the same link and family, which VRRP cannot tell apart. */
    public boolean conflictsWith(final RouterSpec other) {
        return !name.equals(other.name) && vrid == other.vrid && family == other.family && link.equals(other.link);
    }

    /**
     * A virtual address this router shares with {@code other} on the same link, if any: a conflict. Whichever
     * becomes Master second adds an address the link already has, and releasing it on the way back to Backup
     * takes it from the other router too.
     */
    public java.util.Optional<IpAddress> sharedAddress(final RouterSpec other) {
        return shared(other, true);
    }

    /**
     * A virtual address this router shares with {@code other} on another link, if any: allowed, with a warning.
     * Each link holds its own copy (the kernel keys an address by interface), so neither router takes the other's
     * away, but the host answers for it on both links (ARP/ND, routing), which is rarely what was meant. It is
     * allowed because some set-ups do it on purpose (the same service address on isolated segments, a lab with
     * more routers than the documentation ranges have addresses). IPv6 link-local addresses (fe80::/10) only mean
     * something on their link: every router with VRID 51 derives fe80::200:5eff:fe00:233, so they are not named.
     */
    public java.util.Optional<IpAddress> sharedAddressOnAnotherLink(final RouterSpec other) {
        return shared(other, false).filter(address -> !address.isLinkLocal());
    }

    private java.util.Optional<IpAddress> shared(final RouterSpec other, final boolean sameLink) {
        if (name.equals(other.name) || family != other.family || link.equals(other.link) != sameLink) {
            return java.util.Optional.empty();
        }
        final Set<IpAddress> theirs = new HashSet<>();
        other.addresses.forEach(prefix -> theirs.add(prefix.address()));
        return addresses.stream().map(IpPrefix::address).filter(theirs::contains).findFirst();
    }

    /**
     * The one-line refusal of this router next to {@code other} (VRID on its link, or a virtual address on the
     * same link), naming {@code other}; empty when they can run side by side.
     */
    public java.util.Optional<String> conflictWith(final RouterSpec other) {
        if (conflictsWith(other)) {
            return java.util.Optional.of("vrid: " + vrid + " on " + link + " (" + family + ") is already used by router '"
                    + other.name + "'");
        }
        return sharedAddress(other).map(address -> "address: " + address + " is already a virtual address of router '"
                + other.name + "' on " + link + " (allowed: an address no other router on this link has)");
    }

    /**
     * The one-line warning for a virtual address {@code other} also has on another link, naming it; empty when
     * there is none.
     */
    public java.util.Optional<String> warningWith(final RouterSpec other) {
        return sharedAddressOnAnotherLink(other).map(address -> "address: " + address + " is also a virtual address of"
                + " router '" + other.name + "' on " + other.link + ": this host will answer for it on " + link + " and "
                + other.link);
    }

    /** The protocol configuration, once the router's own address on the link ({@code primary}) is known. */
    public RouterConfig toConfig(final IpAddress primary) {
        return RouterConfig.builder(name, vrid, family).version(version).priority(priority)
                .intervalMillis(advIntervalMs).preempt(preempt).preemptDelayMillis(preemptDelayMs).accept(accept)
                .primaryAddress(primary).virtualAddresses(addresses).checksumForm(checksum).authPass(authPass)
                .build();
    }

    /**
     * The router's default IPv6 link-local address: fe80::/64 with the modified EUI-64 interface identifier
     * (RFC 4291 Appendix A) of its virtual MAC 00:00:5e:00:02:VRID, i.e. {@code fe80::200:5eff:fe00:2VV}.
     * Every host of the router derives the same one, so it is a stable virtual address.
     */
    public static IpPrefix derivedLinkLocal(final int vrid) {
        final byte[] mac = AddressFamily.IPV6.virtualMac(vrid);
        final byte[] address = new byte[16];
        address[0] = (byte) 0xfe;
        address[1] = (byte) 0x80;
        address[8] = (byte) (mac[0] ^ 0x02); // invert the universal/local bit
        address[9] = mac[1];
        address[10] = mac[2];
        address[11] = (byte) 0xff;
        address[12] = (byte) 0xfe;
        address[13] = mac[3];
        address[14] = mac[4];
        address[15] = mac[5];
        return new IpPrefix(IpAddress.read(AddressFamily.IPV6, address, 0), LINK_LOCAL_PREFIX);
    }

    /** IPv6: a given link-local address moves to the front; without one, the derived one is put there. */
    private static List<IpPrefix> withLinkLocalFirst(final AddressFamily family, final int vrid,
                                                     final List<IpPrefix> addresses) {
        if (family != AddressFamily.IPV6 || vrid < 1 || vrid > 255) {
            return addresses; // a bad VRID is reported by RouterConfig, with its own message
        }
        final List<IpPrefix> ordered = new ArrayList<>(addresses);
        final IpPrefix linkLocal = addresses.stream().filter(p -> p.address().isLinkLocal()).findFirst()
                .orElse(derivedLinkLocal(vrid));
        ordered.remove(linkLocal);
        ordered.addFirst(linkLocal);
        return List.copyOf(ordered);
    }

    private static void checkPeers(final AddressFamily family, final List<IpAddress> peers) {
        final Set<IpAddress> seen = new HashSet<>();
        for (final IpAddress peer : peers) {
            require(peer.family() == family, "--unicast-peer: " + peer + " is not an " + family + " address");
            require(!peer.isMulticast(), "--unicast-peer: " + peer + " is a multicast address (allowed: unicast)");
            require(seen.add(peer), "--unicast-peer: " + peer + " is listed twice");
        }
    }

    /**
     * RouterConfig owns these rules; the placeholder primary address only satisfies its family check and,
     * for IPv6, the link-local rule (0.0.0.0 or fe80::).
     */
    private static void validateProtocolFields(final String name, final int vrid, final AddressFamily family,
                                               final int priority, final int advIntervalMs, final boolean preempt,
                                               final boolean accept, final VrrpVersion version,
                                               final List<IpPrefix> addresses, final ChecksumForm checksum,
                                               final int preemptDelayMs, final AuthPass authPass) {
        final IpAddress placeholder = new IpAddress(family, family == AddressFamily.IPV6 ? 0xfe80L << 48 : 0, 0);
        RouterConfig.builder(name, vrid, family).version(version).priority(priority).intervalMillis(advIntervalMs)
                .preempt(preempt).preemptDelayMillis(preemptDelayMs).accept(accept).primaryAddress(placeholder)
                .virtualAddresses(addresses)
                .checksumForm(checksum).authPass(authPass).build();
    }

    private static void require(final boolean condition, final String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Defaults first, then what the operator set; {@link #build()} validates. */
    public static final class Builder {
        private final String name;
        private final int vrid;
        private final String link;
        private final AddressFamily family;
        private int priority = RouterConfig.DEFAULT_PRIORITY;
        private int advIntervalMs = (int) (RouterConfig.DEFAULT_INTERVAL_NANOS / 1_000_000L);
        private boolean preempt = true;
        private boolean accept = true;
        private VrrpVersion version = VrrpVersion.V3;
        private List<IpPrefix> addresses = List.of();
        private List<String> depends = List.of();
        private List<IpAddress> unicastPeers = List.of();
        private MacMode mac = MacMode.VIRTUAL;
        private ChecksumForm checksum = ChecksumForm.PSEUDO_HEADER;
        private boolean enabled = true;
        private int preemptDelayMs;
        private int announceCount = DEFAULT_ANNOUNCE_COUNT;
        private int announceIntervalMs = DEFAULT_ANNOUNCE_INTERVAL_MS;
        private String onMaster = "";
        private String onBackup = "";
        private String onOffline = "";
        private int hookTimeoutMs = DEFAULT_HOOK_TIMEOUT_MS;
        private String syncGroup = "";
        private int flapCount = DEFAULT_FLAP_COUNT;
        private int flapWindowMs = DEFAULT_FLAP_WINDOW_MS;
        private AuthPass authPass;

        private Builder(final String name, final int vrid, final String link, final AddressFamily family) {
            this.name = name;
            this.vrid = vrid;
            this.link = link;
            this.family = family;
        }

        public Builder priority(final int value) {
            this.priority = value;
            return this;
        }

        public Builder advIntervalMs(final int value) {
            this.advIntervalMs = value;
            return this;
        }

        public Builder preempt(final boolean value) {
            this.preempt = value;
            return this;
        }

        public Builder accept(final boolean value) {
            this.accept = value;
            return this;
        }

        public Builder version(final VrrpVersion value) {
            this.version = value;
            return this;
        }

        public Builder addresses(final List<IpPrefix> value) {
            this.addresses = value;
            return this;
        }

        public Builder depends(final List<String> value) {
            this.depends = value;
            return this;
        }

        public Builder unicastPeers(final List<IpAddress> value) {
            this.unicastPeers = value;
            return this;
        }

        public Builder mac(final MacMode value) {
            this.mac = value;
            return this;
        }

        public Builder checksum(final ChecksumForm value) {
            this.checksum = value;
            return this;
        }

        public Builder enabled(final boolean value) {
            this.enabled = value;
            return this;
        }

        public Builder preemptDelayMs(final int value) {
            this.preemptDelayMs = value;
            return this;
        }

        public Builder announceCount(final int value) {
            this.announceCount = value;
            return this;
        }

        public Builder announceIntervalMs(final int value) {
            this.announceIntervalMs = value;
            return this;
        }

        public Builder onMaster(final String value) {
            this.onMaster = value;
            return this;
        }

        public Builder onBackup(final String value) {
            this.onBackup = value;
            return this;
        }

        public Builder onOffline(final String value) {
            this.onOffline = value;
            return this;
        }

        public Builder hookTimeoutMs(final int value) {
            this.hookTimeoutMs = value;
            return this;
        }

        public Builder syncGroup(final String value) {
            this.syncGroup = value;
            return this;
        }

        public Builder flapCount(final int value) {
            this.flapCount = value;
            return this;
        }

        public Builder flapWindowMs(final int value) {
            this.flapWindowMs = value;
            return this;
        }

        /** VRRPv2 simple text password, null for none. */
        public Builder authPass(final AuthPass value) {
            this.authPass = value;
            return this;
        }

        public RouterSpec build() {
            return new RouterSpec(name, vrid, link, family, priority, advIntervalMs, preempt, accept, version,
                    addresses, depends, unicastPeers, mac, checksum, enabled, preemptDelayMs, announceCount,
                    announceIntervalMs, onMaster, onBackup, onOffline, hookTimeoutMs, syncGroup, flapCount,
                    flapWindowMs, authPass);
        }
    }
}
