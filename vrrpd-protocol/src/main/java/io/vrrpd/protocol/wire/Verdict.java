package io.vrrpd.protocol.wire;

/**
 * The outcome of receive validation (RFC 5798 §7.1, RFC 3768 §7.1): {@link #ACCEPTED} or one distinct
 * reason per check, in the order the checks run. An enum rather than a result object so the receive path
 * allocates nothing; each reason has a stable counter name that the daemon exports and {@code show-router}
 * prints.
 */
public enum Verdict {
    ACCEPTED("accepted", "accepted"),

    // Stage 1: the packet itself, before looking up a router (checks in RFC 5798 §7.1 order).
    /** §7.1: "The IPvX TTL/Hop Limit field MUST be 255". Also proves the sender is on this link. */
    BAD_TTL("bad_ttl", "TTL/hop limit is not 255"),
    /** Shorter than the 8-byte fixed header. */
    TRUNCATED("truncated", "shorter than the 8-byte VRRP header"),
    /** §7.1: version MUST be 3 (we also speak 2 over IPv4, RFC 3768 §7.1). */
    BAD_VERSION("bad_version", "version is not 3 (or 2 over IPv4)"),
    /** §5.2.2: the only type is 1, ADVERTISEMENT; "A packet with unknown type MUST be discarded". */
    BAD_TYPE("bad_type", "type is not 1 (ADVERTISEMENT)"),
    /** §5.2.4: "The minimum value is 1". */
    BAD_ADDRESS_COUNT("bad_address_count", "address count is 0"),
    /** §7.1: "MUST contain the complete VRRP packet (including fixed fields, and IPvX address(es))". */
    BAD_LENGTH("bad_length", "shorter than the address count requires"),
    /** A v3 Max Adver Int or v2 Adver Int of 0 would make a Backup declare the Master dead at once. */
    BAD_INTERVAL("bad_interval", "advertisement interval is 0"),
    /** §7.1: "The VRRP checksum MUST be correct" (either v3-over-IPv4 form is accepted, see ChecksumForm). */
    BAD_CHECKSUM("bad_checksum", "checksum is wrong"),

    // Stage 2: the packet against the router its VRID selects.
    /** §7.1: "The VRID MUST be configured on the receiving interface". */
    UNKNOWN_VRID("unknown_vrid", "no router with this VRID on the link"),
    /** The source is the router's own primary address: its own advertisement came back. */
    OWN_ADVERTISEMENT("own_advertisement", "our own advertisement (source is our primary address)"),
    /** The router speaks the other version (RFC 5798 §8.4 mixed mode is not supported). */
    VERSION_MISMATCH("version_mismatch", "version differs from the router's"),
    /** §7.1: "the local router MUST NOT be the IPvX address owner". */
    LOCAL_OWNER("local_owner", "the local router owns the addresses (priority 255)"),
    /** RFC 2338 §7.1: Auth Type and (simple text) Authentication Data must match the configured ones. */
    AUTH_MISMATCH("auth_mismatch", "v2 authentication type or password differs"),
    /** RFC 3768 §7.1: Adver Int "MUST" equal the locally configured one. */
    INTERVAL_MISMATCH("interval_mismatch", "v2 advertisement interval differs"),
    /** §7.1: addresses differ from the configured ones and the sender is not the owner: MUST drop. */
    ADDRESS_MISMATCH("address_mismatch", "virtual addresses differ and the sender is not the owner"),

    // Driver checks (not RFC 5798 §7.1): what the daemon knows beyond the protocol configuration.
    /** The router advertises by unicast to a peer list and the sender is not on it (keepalived does the same). */
    UNKNOWN_PEER("unknown_peer", "the sender is not one of the router's unicast peers"),
    /**
     * A valid advertisement arrived while the router loop still had thousands waiting (a flood, a stalled
     * host): dropped rather than queued without bound. The ones already waiting are handled in order.
     */
    LOOP_BEHIND("loop_behind", "the router loop is behind (thousands of advertisements wait for it)"),
    /**
     * Dropped by the kernel before the receiver read it: the socket's receive queue was full (SO_RXQ_OVFL). A
     * link's count, like the stage-1 reasons: which router's packets were lost is not known.
     */
    SOCKET_OVERFLOW("socket_overflow", "dropped by the kernel: the link's receive queue was full");

    private final String counterName;
    private final String description;

    Verdict(final String counterName, final String description) {
        this.counterName = counterName;
        this.description = description;
    }

    public boolean accepted() {
        return this == ACCEPTED;
    }

    /** A stable snake_case name for counters, metrics and {@code show-router} output. */
    public String counterName() {
        return counterName;
    }

    /** One line an operator understands. */
    public String description() {
        return description;
    }
}
