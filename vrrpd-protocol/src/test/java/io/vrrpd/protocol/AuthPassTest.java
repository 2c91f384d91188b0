package io.vrrpd.protocol;

import io.vrrpd.protocol.wire.Advertisement;
import io.vrrpd.protocol.wire.AdvertisementWriter;
import io.vrrpd.protocol.wire.ChecksumForm;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** VRRPv2 simple text authentication (RFC 2338 §5.3.6 type 1, §10): parsing, the wire form, the secret kept out. */
class AuthPassTest {
    private static final IpAddress SRC = IpAddress.parse("192.0.2.1");

    @Test
    @DisplayName("a v2 advert with auth_pass carries type 1 and the password NUL-padded to 8 bytes")
    void shouldEncodeTypeOneAndPaddedData() {
        final byte[] buf = new byte[AdvertisementWriter.length(VrrpVersion.V2, AddressFamily.IPV4, 1)];
        AdvertisementWriter.write(buf, 0, VrrpVersion.V2, AddressFamily.IPV4, 51, 100, 1_000_000_000L,
                List.of(IpAddress.parse("192.0.2.100")), ChecksumForm.MESSAGE_ONLY, SRC,
                AddressFamily.IPV4.vrrpGroup(), AuthPass.parse("secret"));
        // version 2 type 1, vrid 51, prio 100, count 1, auth type 1, adver int 1, checksum, address, "secret\0\0"
        final String hex = HexFormat.of().formatHex(buf);
        assertEquals("21336401" + "0101", hex.substring(0, 12));
        assertEquals("c0000264" + "7365637265740000", hex.substring(16));
        final Advertisement adv = new Advertisement().wrap(buf, 0, buf.length);
        assertEquals(1, adv.authType());
        assertTrue(adv.checksumValid(ChecksumForm.MESSAGE_ONLY, SRC, AddressFamily.IPV4.vrrpGroup()));
        assertTrue(AuthPass.parse("secret").matches(buf, adv.authDataOffset()));
        assertFalse(AuthPass.parse("secre").matches(buf, adv.authDataOffset()));
    }

    @Test
    @DisplayName("an 8-character password fills the data without padding; 1 character is padded with 7 NULs")
    void shouldRoundTripLengthsOneToEight() {
        final byte[] buf = new byte[8];
        AuthPass.parse("abcdefgh").write(buf, 0);
        assertEquals("6162636465666768", HexFormat.of().formatHex(buf));
        AuthPass.parse("x").write(buf, 0);
        assertEquals("7800000000000000", HexFormat.of().formatHex(buf));
    }

    @Test
    @DisplayName("refuses empty, longer than 8, non-printable and non-ASCII passwords, without echoing them")
    void shouldRefuseBadPasswords() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AuthPass.parse(""))
                .getMessage().startsWith("auth_pass: empty"));
        final String tooLong = assertThrows(IllegalArgumentException.class,
                () -> AuthPass.parse("ninechars")).getMessage();
        assertTrue(tooLong.contains("too long") && !tooLong.contains("ninechars"), tooLong);
        final String control = assertThrows(IllegalArgumentException.class,
                () -> AuthPass.parse("a\tb")).getMessage();
        assertTrue(control.contains("character 2 is not printable ASCII"), control);
        assertThrows(IllegalArgumentException.class, () -> AuthPass.parse("pässe"));
    }

    @Test
    @DisplayName("the secret never reaches toString (logs, errors): only PASS")
    void shouldNotShowTheSecret() {
        final RouterConfig config = RouterConfig.builder("old", 51, AddressFamily.IPV4).version(VrrpVersion.V2)
                .primaryAddress("192.0.2.2").virtualAddresses("192.0.2.100/24")
                .authPass(AuthPass.parse("s3cr3t")).build();
        assertEquals("PASS", config.authPass().toString());
        assertFalse(config.toString().contains("s3cr3t"), config.toString());
    }

    @Test
    @DisplayName("VRRPv3 has no authentication: auth_pass with version 3 is refused in one line")
    void shouldRefusePasswordWithV3() {
        final String message = assertThrows(IllegalArgumentException.class, () -> RouterConfig
                .builder("new", 51, AddressFamily.IPV4).primaryAddress("192.0.2.2")
                .virtualAddresses("192.0.2.100/24").authPass(AuthPass.parse("secret")).build()).getMessage();
        assertEquals("auth_pass: VRRPv3 has no authentication (RFC 5798 §9); auth_pass is for version 2 only",
                message);
    }
}
