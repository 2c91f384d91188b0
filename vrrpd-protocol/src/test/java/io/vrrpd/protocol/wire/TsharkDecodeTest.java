package io.vrrpd.protocol.wire;

import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.IpAddress;
import io.vrrpd.protocol.VrrpVersion;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Wireshark's dissector, an implementation we did not write, decodes our encoder's packets: fields in the
 * right places and every checksum "good". scripts/test installs tshark; under CI the test never skips.
 */
class TsharkDecodeTest {
    private static final IpAddress SRC4 = IpAddress.parse("192.0.2.1");
    private static final IpAddress SRC6 = IpAddress.parse("fe80::1");
    private static final String FIELDS = "vrrp.version,vrrp.type,vrrp.virt_rtr_id,vrrp.prio,vrrp.addr_count,"
            + "vrrp.adver_int,vrrp.short_adver_int,vrrp.checksum.status,vrrp.ip_addr,vrrp.ipv6_addr";

    @TempDir
    static Path dir;

    @BeforeAll
    static void requireTshark() {
        final boolean present = Files.isExecutable(Path.of("/usr/bin/tshark"));
        assertTrue(present || System.getenv("CI") == null, "tshark is missing in CI: scripts/test installs it");
        assumeTrue(present, "tshark not installed; scripts/test installs it");
    }

    private static byte[] frame(final VrrpVersion version, final AddressFamily family, final int vrid,
                                final int priority, final long interval, final ChecksumForm form,
                                final String... addresses) {
        final IpAddress source = family == AddressFamily.IPV4 ? SRC4 : SRC6;
        final byte[] vrrp = Packets.encode(version, family, vrid, priority, interval, form, source, addresses);
        return Frames.ethernet(family, vrid, source, family.vrrpGroup(), 255, vrrp);
    }

    private static List<String> tshark(final Path pcap, final String... extra) throws Exception {
        final List<String> command = new ArrayList<>(List.of("tshark", "-n", "-r", pcap.toString()));
        command.addAll(List.of(extra));
        command.addAll(List.of("-T", "fields", "-E", "separator=;"));
        for (final String field : FIELDS.split(",")) {
            command.addAll(List.of("-e", field));
        }
        final Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        final String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "tshark did not finish");
        assertEquals(0, process.exitValue(), "tshark failed");
        return out.lines().toList();
    }

    @Test
    @DisplayName("tshark decodes our v3 IPv4, v3 IPv6 and v2 advertisements with good checksums")
    void shouldDecodeOurPacketsWithGoodChecksums() throws Exception {
        final Path pcap = Frames.pcap(dir.resolve("ours.pcap"), List.of(
                frame(VrrpVersion.V3, AddressFamily.IPV4, 51, 200, 1_000_000_000L, ChecksumForm.PSEUDO_HEADER,
                        "192.0.2.100", "192.0.2.101"),
                frame(VrrpVersion.V3, AddressFamily.IPV6, 52, 150, 100_000_000L, ChecksumForm.PSEUDO_HEADER,
                        "fe80::52", "2001:db8::52"),
                frame(VrrpVersion.V2, AddressFamily.IPV4, 53, 100, 3_000_000_000L, ChecksumForm.MESSAGE_ONLY,
                        "192.0.2.53"),
                frame(VrrpVersion.V3, AddressFamily.IPV4, 54, 0, 40_950_000_000L, ChecksumForm.PSEUDO_HEADER,
                        "198.51.100.54")));
        final List<String> lines = tshark(pcap);
        assertEquals(List.of(
                "3;1;51;200;2;;100;1;192.0.2.100,192.0.2.101;",
                "3;1;52;150;2;;10;1;;fe80::52,2001:db8::52",
                "2;1;53;100;1;3;;1;192.0.2.53;",
                "3;1;54;0;1;;4095;1;198.51.100.54;"), lines, "checksum status 1 = good");
    }

    @Test
    @DisplayName("RFC 9568 form: tshark calls it good only with its v3_checksum_as_in_v2 preference")
    void shouldEncodeRfc9568ChecksumAsWiresharkExpects() throws Exception {
        final Path pcap = Frames.pcap(dir.resolve("rfc9568.pcap"), List.of(
                frame(VrrpVersion.V3, AddressFamily.IPV4, 51, 200, 1_000_000_000L, ChecksumForm.MESSAGE_ONLY,
                        "192.0.2.100")));
        assertTrue(tshark(pcap, "-o", "vrrp.v3_checksum_as_in_v2:TRUE").getFirst().contains(";1;192.0.2.100"));
        assertTrue(tshark(pcap).getFirst().contains(";0;192.0.2.100"), "and bad under RFC 5798's rule");
    }

    @Test
    @DisplayName("a corrupted packet is reported bad by tshark and rejected by us")
    void shouldAgreeOnBadChecksums() throws Exception {
        final byte[] vrrp = Packets.v3ipv4(51, 100, "192.0.2.100");
        vrrp[2] = 99; // priority changed after the checksum was computed
        final Path pcap = Frames.pcap(dir.resolve("bad.pcap"),
                List.of(Frames.ethernet(AddressFamily.IPV4, 51, SRC4, AddressFamily.IPV4.vrrpGroup(), 255, vrrp)));
        assertTrue(tshark(pcap).getFirst().contains(";0;192.0.2.100"));
        final Advertisement view = new Advertisement().wrap(vrrp, 0, vrrp.length);
        assertEquals(Verdict.BAD_CHECKSUM,
                new ReceiveValidator().checkPacket(view, AddressFamily.IPV4, 255, SRC4, AddressFamily.IPV4.vrrpGroup()));
    }
}
