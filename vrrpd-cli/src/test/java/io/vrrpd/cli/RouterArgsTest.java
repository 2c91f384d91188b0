package io.vrrpd.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RouterArgsTest {

    private static RouterArgs args() {
        return new RouterArgs(JsonNodeFactory.instance.objectNode());
    }

    private static void assertUsage(final String message, final org.junit.jupiter.api.function.Executable call) {
        final CliException e = assertThrows(CliException.class, call);
        assertEquals(CliException.USAGE, e.exitCode());
        assertEquals(message, e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "preempt,accept         | {'preempt':true,'accept':true}",
            "un_preempt             | {'preempt':false}",
            "NO_ACCEPT, un_preempt  | {'accept':false,'preempt':false}"})
    void shouldParseFlags(final String flags, final String json) throws Exception {
        assertEquals(new ObjectMapper().readTree(json.replace('\'', '"')), args().flags(flags).done());
    }

    @Test
    void shouldRefuseBadFlags() {
        assertUsage("--flags: 'fast' is not a flag (allowed: preempt, un_preempt, accept, no_accept)",
                () -> args().flags("preempt,fast"));
        assertUsage("--flags: preempt is given twice in 'preempt,un_preempt' (allowed: one of preempt|un_preempt)",
                () -> args().flags("preempt,un_preempt"));
    }

    @Test
    void shouldCheckNumbersFamiliesAndVersions() {
        assertEquals(51, args().integer("vrid", "--vrid", " 51", "1-255").done().get("vrid").intValue());
        assertUsage("--vrid: 'x1' is not a number (allowed: 1-255)", () -> args().integer("vrid", "--vrid", "x1", "1-255"));
        assertEquals("inet6", args().family("inet6").done().get("address_family").textValue());
        // Only the documented keywords: show-router's IPv6 is a display name, not an -A value.
        assertUsage("--address_family: address family 'IPv6' is not one of: inet, inet6", () -> args().family("IPv6"));
        assertUsage("--address_family: address family 'INET' is not one of: inet, inet6", () -> args().family("INET"));
        assertUsage("--address_family: address family 'inet4' is not one of: inet, inet6", () -> args().family("inet4"));
        assertEquals(2, args().version("2").done().get("version").intValue());
        assertUsage("--vrrp-version: '4' is not one of: 3, 2", () -> args().version("4"));
        assertUsage("--mac: 'fake' is not one of: virtual, real", () -> args().mac("fake"));
        assertEquals("message-only", args().checksum("Message-Only").done().get("checksum").textValue());
        assertUsage("--checksum: checksum form 'x' is not one of: pseudo-header, message-only", () -> args().checksum("x"));
    }

    @Test
    void shouldCheckAuthPassWithoutEchoingIt() {
        assertEquals("s3cret", args().authPass("s3cret").done().get("auth_pass").textValue());
        assertEquals("", args().authPass("").done().get("auth_pass").textValue(), "'' removes it");
        assertUsage("--auth-pass: auth_pass: 9 characters is too long (allowed: 1-8 printable ASCII characters,"
                + " RFC 2338 §5.3.10)", () -> args().authPass("ninechars"));
        assertEquals(null, args().done().get("auth_pass"));
    }

    @Test
    void shouldSplitAndCanonicaliseAddresses() {
        assertEquals("[\"192.0.2.1/24\",\"2001:db8::1/64\",\"192.0.2.9/32\"]",
                args().addresses(List.of("192.0.2.1/24,2001:DB8:0::1/64", "192.0.2.9")).done().get("addresses").toString());
        assertEquals("[]", args().addresses(List.of("")).done().get("addresses").toString());
        assertUsage("--address: '192.0.2' is not an IPv4 or IPv6 address (expected: ADDR/PLEN[,...])",
                () -> args().addresses(List.of("192.0.2/24")));
        assertUsage("--unicast-peer: 'peer1' is not an IPv4 or IPv6 address (expected: ADDR[,...])",
                () -> args().unicastPeers(List.of("peer1")));
    }

    @Test
    void shouldSplitDependsOnlyWhereANewSpecStarts() {
        assertEquals("[\"systemd:a.service\",\"http://h/x?a=1,2@weight=-5\",\"tcp:[::1]:80\",\"pid:/run/p\"]",
                args().depends(List.of("systemd:a.service,http://h/x?a=1,2@weight=-5,tcp:[::1]:80", "pid:/run/p"))
                        .done().get("depends").toString());
        assertEquals("[]", args().depends(List.of("")).done().get("depends").toString());
        assertEquals("[\"tcp:127.0.0.1:80@weight=-20,interval=500,fall=3\",\"exec:/c@rise=1\"]",
                args().depends(List.of("tcp:127.0.0.1:80@weight=-20,interval=500,fall=3,exec:/c@rise=1"))
                        .done().get("depends").toString());
    }
}
