package io.vrrpd.protocol.wire;

import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.IpAddress;
import io.vrrpd.protocol.VrrpVersion;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Advertisements captured from keepalived 2.2.7 and FRR 8.4.4 (Debian 12) by tools/golden/capture.sh: we
 * decode them to the fields tshark saw, accept them, and encode the same fields to the same bytes.
 */
class GoldenPacketTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden");

    record Golden(String name, Map<String, String> fields) {
        String get(final String key) {
            final String value = fields.get(key);
            if (value == null) {
                throw new IllegalStateException(name + ": no '" + key + "'");
            }
            return value;
        }

        int integer(final String key) {
            final String value = get(key);
            return value.startsWith("0x") ? Integer.parseInt(value.substring(2), 16) : Integer.parseInt(value);
        }

        AddressFamily family() {
            // The capture files say ipv4/ipv6 (golden/README.md); the operator's keywords are inet/inet6.
            return switch (get("family")) {
                case "ipv4" -> AddressFamily.IPV4;
                case "ipv6" -> AddressFamily.IPV6;
                default -> throw new IllegalStateException(name + ": family is not ipv4 or ipv6");
            };
        }

        byte[] bytes() {
            return Packets.unhex(get("vrrp"));
        }

        List<IpAddress> addresses() {
            return Arrays.stream(get("addresses").split(",")).map(IpAddress::parse).toList();
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Golden> goldens() throws IOException {
        try (Stream<Path> files = Files.list(GOLDEN)) {
            return files.filter(f -> f.toString().endsWith(".txt")).sorted().map(GoldenPacketTest::read).toList()
                    .stream();
        }
    }

    private static Golden read(final Path file) {
        try {
            final Map<String, String> fields = new LinkedHashMap<>();
            for (final String line : Files.readAllLines(file)) {
                final String text = line.replaceAll("\\s+#.*$", "").strip();
                if (text.isEmpty() || text.startsWith("#")) {
                    continue;
                }
                final int eq = text.indexOf('=');
                fields.put(text.substring(0, eq), text.substring(eq + 1));
            }
            return new Golden(file.getFileName().toString(), fields);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    @DisplayName("the golden set covers keepalived and FRR, v2 and v3, IPv4 and IPv6, and priority 0")
    void shouldCoverThePeers() throws IOException {
        final List<String> names = goldens().map(Golden::name).toList();
        assertTrue(names.containsAll(List.of("keepalived-v3-ipv4.txt", "keepalived-v2-ipv4.txt",
                "keepalived-v3-ipv6.txt", "keepalived-v3-ipv4-prio0.txt", "frr-v3-ipv4.txt", "frr-v2-ipv4.txt",
                "frr-v3-ipv6.txt", "frr-v3-ipv4-prio0.txt")), names.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldens")
    @DisplayName("should decode a peer's advertisement to the fields tshark decoded")
    void shouldDecodePeerPackets(final Golden golden) {
        final byte[] bytes = golden.bytes();
        final Advertisement view = new Advertisement().wrap(bytes, 0, bytes.length);
        final AddressFamily family = golden.family();
        assertEquals(golden.integer("version"), view.version());
        assertEquals(golden.integer("type"), view.type());
        assertEquals(golden.integer("vrid"), view.vrid());
        assertEquals(golden.integer("priority"), view.priority());
        assertEquals(golden.integer("count"), view.count());
        assertEquals(golden.integer("checksum"), view.checksum());
        final int interval = view.version() == 2 ? view.adverIntervalSeconds() : view.maxAdverIntervalCentis();
        assertEquals(golden.integer("interval"), interval);
        for (int i = 0; i < view.count(); i++) {
            assertEquals(golden.addresses().get(i), view.address(family, i));
        }
        if (view.version() == 2) {
            assertEquals(golden.integer("auth_type"), view.authType());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldens")
    @DisplayName("RFC 5798 §7.1: a peer's advertisement passes our receive checks, and we see its checksum form")
    void shouldAcceptPeerPackets(final Golden golden) {
        final byte[] bytes = golden.bytes();
        final ReceiveValidator validator = new ReceiveValidator();
        final Verdict verdict = validator.checkPacket(new Advertisement().wrap(bytes, 0, bytes.length),
                golden.family(), golden.integer("ttl"), IpAddress.parse(golden.get("src")),
                IpAddress.parse(golden.get("dst")));
        assertEquals(Verdict.ACCEPTED, verdict);
        assertEquals(ChecksumForm.parse(golden.get("checksum_form")), validator.lastChecksumForm());
        assertEquals("good", golden.get("tshark_checksum_status"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldens")
    @DisplayName("should encode the same fields to byte-identical packets")
    void shouldEncodeIdenticalPackets(final Golden golden) {
        final VrrpVersion version = VrrpVersion.of(golden.integer("version"));
        final AddressFamily family = golden.family();
        final long interval = version == VrrpVersion.V2
                ? golden.integer("interval") * 1_000_000_000L : golden.integer("interval") * 10_000_000L;
        final byte[] ours = new byte[AdvertisementWriter.length(version, family, golden.integer("count"))];
        AdvertisementWriter.write(ours, 0, version, family, golden.integer("vrid"), golden.integer("priority"),
                interval, golden.addresses(), ChecksumForm.parse(golden.get("checksum_form")),
                IpAddress.parse(golden.get("src")), IpAddress.parse(golden.get("dst")));
        assertEquals(golden.get("vrrp"), Packets.hex(ours));
    }
}
