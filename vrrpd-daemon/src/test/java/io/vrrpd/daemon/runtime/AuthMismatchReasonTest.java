package io.vrrpd.daemon.runtime;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The auth_mismatch log line says what the peer sends and what the router expects, never a password. */
class AuthMismatchReasonTest {

    @ParameterizedTest(name = "received type {0}, PASS configured {1}")
    @DisplayName("each received auth type against each local setting")
    @CsvSource(delimiter = '|', value = {
        "0 | true  | the peer sends no authentication (auth type 0); this router expects auth type 1 (PASS, --auth-pass)",
        "1 | true  | the peer's password (auth type 1, PASS) differs",
        "1 | false | the peer sends auth type 1 (PASS); this router expects auth type 0 (none; set --auth-pass for a PASS peer)",
        "2 | false | the peer sends auth type 2 (IP Authentication Header), which vrrpd does not support (RFC 3768 removed it; use PASS or none); this router expects auth type 0 (none; set --auth-pass for a PASS peer)",
        "7 | true  | the peer sends auth type 7, which no RFC defines; this router expects auth type 1 (PASS, --auth-pass)",
    })
    void shouldExplainTheMismatch(final int received, final boolean configured, final String expected) {
        assertEquals(expected, LinkChannel.authMismatchReason(received, configured));
    }
}
