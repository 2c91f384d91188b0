package io.vrrpd.protocol.wire;

import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.AuthPass;
import io.vrrpd.protocol.IpAddress;
import io.vrrpd.protocol.RouterConfig;
import io.vrrpd.protocol.VrrpVersion;

/**
 * Receive validation of RFC 5798 §7.1 (and RFC 3768 §7.1 for VRRPv2), in two stages like carp's input
 * path: {@link #checkPacket} needs only the packet and its IP facts and runs once per packet on a link;
 * {@link #checkForRouter} runs against the router the VRID selects. Each failure is a distinct
 * {@link Verdict}. Nothing here allocates.
 *
 * <p>One instance per receiving socket: after an accepted v3 IPv4 packet, {@link #lastChecksumForm()} says
 * which checksum form the sender used, so the daemon can show a peer's form ({@code show-router -P}).
 */
public final class ReceiveValidator {
    /** §7.1: TTL / Hop Limit MUST be 255, so only on-link senders are heard. */
    public static final int REQUIRED_TTL = 255;

    private ChecksumForm lastChecksumForm = ChecksumForm.PSEUDO_HEADER;

    /**
     * The checks that need no router: TTL, fixed header, version, type, count, length, interval, checksum.
     *
     * @param adv         the VRRP message (the IP payload)
     * @param family      the family of the socket it arrived on
     * @param ttl         IPv4 TTL or IPv6 Hop Limit as received
     * @param source      IP source address (the sender's primary address)
     * @param destination IP destination address (for the pseudo-header)
     */
    public Verdict checkPacket(final Advertisement adv, final AddressFamily family, final int ttl,
                               final IpAddress source, final IpAddress destination) {
        if (ttl != REQUIRED_TTL) {
            return Verdict.BAD_TTL;
        }
        if (!adv.hasFixedHeader()) {
            return Verdict.TRUNCATED;
        }
        final int version = adv.version();
        if (version != 3 && !(version == 2 && family == AddressFamily.IPV4)) {
            return Verdict.BAD_VERSION;
        }
        if (adv.type() != Advertisement.TYPE_ADVERTISEMENT) {
            return Verdict.BAD_TYPE;
        }
        if (adv.count() == 0) {
            return Verdict.BAD_ADDRESS_COUNT;
        }
        if (adv.length() < adv.requiredLength(family)) {
            return Verdict.BAD_LENGTH;
        }
        if (adv.intervalNanos() == 0) {
            return Verdict.BAD_INTERVAL;
        }
        return checkChecksum(adv, family, source, destination);
    }

    private Verdict checkChecksum(final Advertisement adv, final AddressFamily family, final IpAddress source,
                                  final IpAddress destination) {
        if (adv.version() == 2) {
            lastChecksumForm = ChecksumForm.MESSAGE_ONLY;
            return adv.checksumValid(ChecksumForm.MESSAGE_ONLY, source, destination)
                    ? Verdict.ACCEPTED : Verdict.BAD_CHECKSUM;
        }
        if (adv.checksumValid(ChecksumForm.PSEUDO_HEADER, source, destination)) {
            lastChecksumForm = ChecksumForm.PSEUDO_HEADER;
            return Verdict.ACCEPTED;
        }
        // RFC 9568 peers leave the IPv4 pseudo-header out (DESIGN.md §6): accept that form too.
        if (family == AddressFamily.IPV4 && adv.checksumValid(ChecksumForm.MESSAGE_ONLY, source, destination)) {
            lastChecksumForm = ChecksumForm.MESSAGE_ONLY;
            return Verdict.ACCEPTED;
        }
        return Verdict.BAD_CHECKSUM;
    }

    /** The checksum form of the last packet {@link #checkPacket} accepted. */
    public ChecksumForm lastChecksumForm() {
        return lastChecksumForm;
    }

    /**
     * The checks against the router the VRID selected ({@code router == null}: no such VRID on the link).
     *
     * @param source        the IP source of the packet
     * @param localPriority the router's current priority: 255 means it owns the addresses
     */
    public static Verdict checkForRouter(final Advertisement adv, final IpAddress source, final RouterConfig router,
                                         final int localPriority) {
        if (router == null) {
            return Verdict.UNKNOWN_VRID;
        }
        // Our own advertisement looped back (a multicast loop left on, a bridge reflecting, a unicast peer
        // list naming ourselves). Accepting it would make a Master compare itself with itself (§6.4.3 tie on
        // the primary address) and a Backup reset its Master_Down_Timer on its own packets.
        if (source.equals(router.primaryAddress())) {
            return Verdict.OWN_ADVERTISEMENT;
        }
        if (adv.version() != router.version().number()) {
            return Verdict.VERSION_MISMATCH;
        }
        if (localPriority == RouterConfig.OWNER_PRIORITY) {
            return Verdict.LOCAL_OWNER;
        }
        if (router.version() == VrrpVersion.V2) {
            // RFC 2338 §7.1: the Auth Type and (type 1) the Authentication Data must match the configured ones.
            // keepalived with auth_type PASS sends type 1; AH (type 2) is never configured, so always differs.
            final AuthPass pass = router.authPass();
            if (pass == null ? adv.authType() != 0
                    : adv.authType() != AuthPass.AUTH_TYPE_SIMPLE_TEXT || !pass.matches(adv.buffer(), adv.authDataOffset())) {
                return Verdict.AUTH_MISMATCH;
            }
            if (adv.intervalNanos() != router.advertisementIntervalNanos()) {
                return Verdict.INTERVAL_MISMATCH;
            }
        }
        // §7.1: "MAY verify that Count IPvX Addrs and the list ... match ... If the packet was not generated
        // by the address owner (Priority does not equal 255), the receiver MUST drop the packet". Order does
        // not matter: peers list the same set in their own order.
        if (adv.priority() != RouterConfig.OWNER_PRIORITY && !sameAddresses(adv, router)) {
            return Verdict.ADDRESS_MISMATCH;
        }
        return Verdict.ACCEPTED;
    }

    /**
     * The advertised set equals the configured one, ignoring IPv6 link-local addresses on both sides: §5.2.9
     * asks for the virtual link-local first, but FRR's vrrpd never lists it (it derives it from the VNIC), so
     * a strict compare would make every FRR peer an {@code address_mismatch}. Global addresses still must
     * agree exactly; the link-local one is not routable, so a difference there cannot steal traffic.
     */
    private static boolean sameAddresses(final Advertisement adv, final RouterConfig router) {
        final AddressFamily family = router.family();
        int advertised = 0;
        for (int i = 0; i < adv.count(); i++) {
            final int offset = adv.addressOffset(family, i);
            if (family == AddressFamily.IPV6 && isLinkLocalAt(adv.buffer(), offset)) {
                continue;
            }
            if (!router.hasVirtualAddressAt(adv.buffer(), offset)) {
                return false;
            }
            advertised++;
        }
        return advertised == router.comparableAddressCount();
    }

    /** fe80::/10 read straight from the packet: no IpAddress is made on the receive path. */
    private static boolean isLinkLocalAt(final byte[] buf, final int offset) {
        return (buf[offset] & 0xff) == 0xfe && (buf[offset + 1] & 0xc0) == 0x80;
    }
}
