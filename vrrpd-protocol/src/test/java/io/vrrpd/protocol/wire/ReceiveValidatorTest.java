package io.vrrpd.protocol.wire;

import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.AuthPass;
import io.vrrpd.protocol.IpAddress;
import io.vrrpd.protocol.RouterConfig;
import io.vrrpd.protocol.VrrpVersion;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static io.vrrpd.protocol.wire.Packets.SRC4;
import static io.vrrpd.protocol.wire.Packets.SRC6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** RFC 5798 §7.1 and RFC 3768 §7.1, one test per check, in the RFC's order. */
class ReceiveValidatorTest {
    private static final IpAddress GROUP4 = AddressFamily.IPV4.vrrpGroup();
    private final ReceiveValidator validator = new ReceiveValidator();
    private final Advertisement view = new Advertisement();

    private final RouterConfig router = RouterConfig.builder("web", 51, AddressFamily.IPV4)
            .primaryAddress("192.0.2.2").virtualAddresses("192.0.2.100/24", "192.0.2.101/24").build();

    private Verdict check(final byte[] packet, final int ttl) {
        return validator.checkPacket(view.wrap(packet, 0, packet.length), AddressFamily.IPV4, ttl, SRC4, GROUP4);
    }

    private Verdict checkFull(final byte[] packet, final RouterConfig config) {
        final Verdict first = check(packet, 255);
        return first.accepted() ? ReceiveValidator.checkForRouter(view, SRC4, config, config.priority()) : first;
    }

    /** Re-computes the checksum after a test edits a field, so only the edited check can fail. */
    private static byte[] resum(final byte[] packet, final ChecksumForm form) {
        packet[6] = 0;
        packet[7] = 0;
        final int sum = Checksum.compute(packet, 0, packet.length, form, SRC4, GROUP4);
        packet[6] = (byte) (sum >>> 8);
        packet[7] = (byte) sum;
        return packet;
    }

    @Test
    @DisplayName("§7.1: a well-formed advertisement for a configured VRID with matching addresses is accepted")
    void shouldAcceptGoodAdvertisement() {
        assertEquals(Verdict.ACCEPTED, checkFull(Packets.v3ipv4(51, 100, "192.0.2.101", "192.0.2.100"), router));
        assertEquals(ChecksumForm.PSEUDO_HEADER, validator.lastChecksumForm());
    }

    @Test
    @DisplayName("§7.1: TTL/Hop Limit MUST be 255")
    void shouldRejectTtlOtherThan255() {
        assertEquals(Verdict.BAD_TTL, check(Packets.v3ipv4(51, 100, "192.0.2.100"), 64));
        assertEquals(Verdict.BAD_TTL, check(Packets.v3ipv4(51, 100, "192.0.2.100"), 254));
    }

    @Test
    @DisplayName("§7.1: version MUST be 3 (2 is spoken over IPv4 only)")
    void shouldRejectOtherVersions() {
        final byte[] packet = Packets.v3ipv4(51, 100, "192.0.2.100");
        packet[0] = 0x11;
        assertEquals(Verdict.BAD_VERSION, check(resum(packet, ChecksumForm.PSEUDO_HEADER), 255));
        final byte[] v2 = Packets.encode(VrrpVersion.V2, AddressFamily.IPV4, 51, 100, 1_000_000_000L,
                ChecksumForm.MESSAGE_ONLY, SRC4, "192.0.2.100");
        assertEquals(Verdict.BAD_VERSION, validator.checkPacket(view.wrap(v2, 0, v2.length), AddressFamily.IPV6, 255,
                IpAddress.parse("fe80::1"), AddressFamily.IPV6.vrrpGroup()));
    }

    @Test
    @DisplayName("§5.2.2: a packet with unknown type MUST be discarded")
    void shouldRejectUnknownType() {
        final byte[] packet = Packets.v3ipv4(51, 100, "192.0.2.100");
        packet[0] = 0x32;
        assertEquals(Verdict.BAD_TYPE, check(resum(packet, ChecksumForm.PSEUDO_HEADER), 255));
    }

    @Test
    @DisplayName("§7.1: the packet MUST be complete: fixed header and every address counted")
    void shouldRejectTruncatedPackets() {
        final byte[] packet = Packets.v3ipv4(51, 100, "192.0.2.100", "192.0.2.101");
        assertEquals(Verdict.TRUNCATED, check(Arrays.copyOf(packet, 7), 255));
        assertEquals(Verdict.TRUNCATED, check(new byte[0], 255));
        assertEquals(Verdict.BAD_LENGTH, check(Arrays.copyOf(packet, 12), 255));
        final byte[] lying = Packets.v3ipv4(51, 100, "192.0.2.100");
        lying[3] = 2; // claims two addresses, carries one
        assertEquals(Verdict.BAD_LENGTH, check(resum(lying, ChecksumForm.PSEUDO_HEADER), 255));
        final byte[] v2 = Packets.encode(VrrpVersion.V2, AddressFamily.IPV4, 51, 100, 1_000_000_000L,
                ChecksumForm.MESSAGE_ONLY, SRC4, "192.0.2.100");
        assertEquals(Verdict.BAD_LENGTH, check(Arrays.copyOf(v2, 12), 255), "v2 without its authentication data");
    }

    @Test
    @DisplayName("§5.2.4: Count IPvX Addrs has a minimum of 1")
    void shouldRejectZeroAddresses() {
        final byte[] packet = Packets.v3ipv4(51, 100, "192.0.2.100");
        packet[3] = 0;
        assertEquals(Verdict.BAD_ADDRESS_COUNT, check(resum(packet, ChecksumForm.PSEUDO_HEADER), 255));
    }

    @Test
    @DisplayName("an interval of 0 is refused: a Backup would declare the Master down at once")
    void shouldRejectZeroInterval() {
        final byte[] packet = Packets.v3ipv4(51, 100, "192.0.2.100");
        packet[4] = 0;
        packet[5] = 0;
        assertEquals(Verdict.BAD_INTERVAL, check(resum(packet, ChecksumForm.PSEUDO_HEADER), 255));
    }

    @Test
    @DisplayName("§7.1: the checksum MUST be correct")
    void shouldRejectBadChecksum() {
        final byte[] packet = Packets.v3ipv4(51, 100, "192.0.2.100");
        packet[7] ^= 1;
        assertEquals(Verdict.BAD_CHECKSUM, check(packet, 255));
    }

    @Test
    @DisplayName("RFC 9568 §5.2.8: a v3 IPv4 checksum over the message only is accepted and recognised")
    void shouldAcceptRfc9568Checksum() {
        final byte[] packet = resum(Packets.v3ipv4(51, 100, "192.0.2.100", "192.0.2.101"), ChecksumForm.MESSAGE_ONLY);
        assertEquals(Verdict.ACCEPTED, checkFull(packet, router));
        assertEquals(ChecksumForm.MESSAGE_ONLY, validator.lastChecksumForm());
    }

    @Test
    @DisplayName("§7.1: the VRID MUST be configured on the receiving interface")
    void shouldRejectUnknownVrid() {
        final byte[] packet = Packets.v3ipv4(52, 100, "192.0.2.100");
        assertEquals(Verdict.ACCEPTED, check(packet, 255));
        assertEquals(Verdict.UNKNOWN_VRID, ReceiveValidator.checkForRouter(view, SRC4, null, 100));
    }

    @Test
    @DisplayName("a router drops its own advertisement (source is its primary address) and counts it")
    void shouldDropOwnAdvertisement() {
        final RouterConfig self = RouterConfig.builder("web", 51, AddressFamily.IPV4)
                .primaryAddress(SRC4).virtualAddresses("192.0.2.100/24", "192.0.2.101/24").build();
        assertEquals(Verdict.OWN_ADVERTISEMENT,
                checkFull(Packets.v3ipv4(51, 100, "192.0.2.100", "192.0.2.101"), self));
    }

    @Test
    @DisplayName("§7.1 address check, IPv6: link-local addresses are left out (FRR never lists the virtual one)")
    void shouldIgnoreLinkLocalInIpv6AddressCheck() {
        final RouterConfig v6 = RouterConfig.builder("web6", 51, AddressFamily.IPV6).primaryAddress("fe80::2")
                .virtualAddresses("fe80::51/64", "2001:db8::100/64").build();
        final IpAddress group6 = AddressFamily.IPV6.vrrpGroup();
        final java.util.function.Function<byte[], Verdict> check6 = packet -> {
            final Verdict first = validator.checkPacket(view.wrap(packet, 0, packet.length), AddressFamily.IPV6,
                    255, SRC6, group6);
            return first.accepted() ? ReceiveValidator.checkForRouter(view, SRC6, v6, 100) : first;
        };
        final java.util.function.Function<String[], byte[]> v6packet = addresses -> Packets.encode(VrrpVersion.V3,
                AddressFamily.IPV6, 51, 100, 1_000_000_000L, ChecksumForm.PSEUDO_HEADER, SRC6, addresses);
        // keepalived lists the link-local; FRR does not; another link-local is not an attack surface.
        assertEquals(Verdict.ACCEPTED, check6.apply(v6packet.apply(new String[]{"fe80::51", "2001:db8::100"})));
        assertEquals(Verdict.ACCEPTED, check6.apply(v6packet.apply(new String[]{"2001:db8::100"})));
        assertEquals(Verdict.ACCEPTED, check6.apply(v6packet.apply(new String[]{"fe80::99", "2001:db8::100"})));
        // Global addresses still must agree exactly.
        assertEquals(Verdict.ADDRESS_MISMATCH, check6.apply(v6packet.apply(new String[]{"fe80::51"})));
        assertEquals(Verdict.ADDRESS_MISMATCH,
                check6.apply(v6packet.apply(new String[]{"2001:db8::100", "2001:db8::101"})));
    }

    @Test
    @DisplayName("§7.1: the local router MUST NOT be the address owner")
    void shouldRejectWhenLocalRouterOwnsTheAddresses() {
        final RouterConfig owner = router.withPriority(255);
        assertEquals(Verdict.LOCAL_OWNER, checkFull(Packets.v3ipv4(51, 100, "192.0.2.100", "192.0.2.101"), owner));
    }

    @Test
    @DisplayName("§7.1: addresses that differ are dropped unless the sender is the owner (priority 255)")
    void shouldDropMismatchedAddressesUnlessFromOwner() {
        assertEquals(Verdict.ADDRESS_MISMATCH, checkFull(Packets.v3ipv4(51, 100, "192.0.2.100"), router));
        assertEquals(Verdict.ADDRESS_MISMATCH,
                checkFull(Packets.v3ipv4(51, 100, "192.0.2.100", "192.0.2.102"), router));
        assertEquals(Verdict.ACCEPTED, checkFull(Packets.v3ipv4(51, 255, "192.0.2.100"), router));
    }

    @Test
    @DisplayName("a v3 router drops v2 advertisements for its VRID (no RFC 5798 §8.4 mixed mode)")
    void shouldRejectOtherVersionForTheRouter() {
        final byte[] v2 = Packets.encode(VrrpVersion.V2, AddressFamily.IPV4, 51, 100, 1_000_000_000L,
                ChecksumForm.MESSAGE_ONLY, SRC4, "192.0.2.100", "192.0.2.101");
        assertEquals(Verdict.VERSION_MISMATCH, checkFull(v2, router));
    }

    @Test
    @DisplayName("RFC 3768 §7.1: v2 Adver Int MUST match the configured interval; Auth Type MUST match")
    void shouldApplyV2Checks() {
        final RouterConfig v2router = RouterConfig.builder("old", 51, AddressFamily.IPV4).version(VrrpVersion.V2)
                .primaryAddress("192.0.2.2").virtualAddresses("192.0.2.100/24").build();
        final byte[] good = Packets.encode(VrrpVersion.V2, AddressFamily.IPV4, 51, 100, 1_000_000_000L,
                ChecksumForm.MESSAGE_ONLY, SRC4, "192.0.2.100");
        assertEquals(Verdict.ACCEPTED, checkFull(good, v2router));
        final byte[] slower = Packets.encode(VrrpVersion.V2, AddressFamily.IPV4, 51, 100, 2_000_000_000L,
                ChecksumForm.MESSAGE_ONLY, SRC4, "192.0.2.100");
        assertEquals(Verdict.INTERVAL_MISMATCH, checkFull(slower, v2router));
        good[4] = 1; // simple text password, removed by RFC 3768
        assertEquals(Verdict.AUTH_MISMATCH, checkFull(resum(good, ChecksumForm.MESSAGE_ONLY), v2router));
    }

    @Test
    @DisplayName("RFC 2338 §7.1: a v2 router with auth_pass accepts only type 1 with the same password")
    void shouldCheckSimpleTextPassword() {
        final RouterConfig passRouter = RouterConfig.builder("old", 51, AddressFamily.IPV4).version(VrrpVersion.V2)
                .primaryAddress("192.0.2.2").virtualAddresses("192.0.2.100/24")
                .authPass(AuthPass.parse("secret")).build();
        assertEquals(Verdict.ACCEPTED, checkFull(Packets.v2pass(AuthPass.parse("secret"), 51, "192.0.2.100"),
                passRouter));
        assertEquals(Verdict.AUTH_MISMATCH, checkFull(Packets.v2pass(AuthPass.parse("wrong"), 51, "192.0.2.100"),
                passRouter), "another password");
        assertEquals(Verdict.AUTH_MISMATCH, checkFull(Packets.v2pass(AuthPass.parse("secret1"), 51, "192.0.2.100"),
                passRouter), "a longer password sharing the prefix: the NUL padding is compared too");
        assertEquals(Verdict.AUTH_MISMATCH, checkFull(Packets.encode(VrrpVersion.V2, AddressFamily.IPV4, 51, 100,
                1_000_000_000L, ChecksumForm.MESSAGE_ONLY, SRC4, "192.0.2.100"), passRouter), "no authentication");
        final byte[] ah = Packets.v2pass(AuthPass.parse("secret"), 51, "192.0.2.100");
        ah[4] = AuthPass.AUTH_TYPE_AH;
        assertEquals(Verdict.AUTH_MISMATCH, checkFull(resum(ah, ChecksumForm.MESSAGE_ONLY), passRouter),
                "type 2 (AH) with the right bytes");
    }

    @Property(tries = 3000)
    @Label("hostile input: random bytes never throw and never pass as a valid advertisement by accident")
    void shouldClassifyAnyBytes(@ForAll @Size(max = 64) final byte[] bytes, @ForAll final int ttl) {
        final Verdict verdict = validator.checkPacket(view.wrap(bytes, 0, bytes.length), AddressFamily.IPV4,
                ttl & 0xFF, SRC4, GROUP4);
        assertNotNull(verdict);
        if (verdict.accepted()) {
            assertEquals(Verdict.ACCEPTED, verdict);
            ReceiveValidator.checkForRouter(view, SRC4, router, 100);
        }
    }

    @Test
    void shouldCountByReason() {
        final VerdictCounters counters = new VerdictCounters();
        counters.increment(Verdict.BAD_TTL);
        counters.increment(Verdict.BAD_TTL);
        counters.increment(Verdict.BAD_CHECKSUM);
        counters.increment(Verdict.ACCEPTED);
        assertEquals(2, counters.get(Verdict.BAD_TTL));
        assertEquals(3, counters.rejected());
        assertEquals(1, counters.snapshot()[Verdict.ACCEPTED.ordinal()]);
    }
}
