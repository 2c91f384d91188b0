package io.vrrpd.daemon.web;

import io.vrrpd.daemon.config.InvalidFileException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TokensTest {

    private static final Path FILE = Path.of("/etc/vrrpd/tokens");

    @Test
    @DisplayName("TOKEN ROLE per line, comments and blank lines skipped; a token's role, nothing for an unknown one")
    void shouldReadTokensAndRoles() throws InvalidFileException {
        final Tokens tokens = Tokens.parse(FILE, "# the dashboard\n\n  0123456789abcdef0123 read\nAbC.-_~+/xyz0123456=="
                + "\tadmin\n");
        assertEquals(2, tokens.size());
        assertEquals(Optional.of(Role.READ), tokens.roleOf("0123456789abcdef0123"));
        assertEquals(Optional.of(Role.ADMIN), tokens.roleOf("AbC.-_~+/xyz0123456=="));
        assertEquals(Optional.empty(), tokens.roleOf("0123456789abcdef012"));
        assertEquals(Optional.empty(), tokens.roleOf(""));
        assertFalse(tokens.toString().contains("0123"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "0123456789abcdef0123                      | 1 | expected 'TOKEN ROLE' (one 'TOKEN ROLE' per line, ROLE read or admin), found 1 field(s)",
            "0123456789abcdef0123 root                 | 1 | role 'root' is not valid (allowed: read, admin)",
            "# c\\nshort admin                         | 2 | the token is too short: 5 characters (at least 16; e.g. openssl rand -hex 32)",
            "0123456789abcdef\"0123 read               | 1 | the token has a character a bearer token cannot carry (allowed: A-Z a-z 0-9 - . _ ~ + / and = at the end)",
            "0123456789abcdef0123 read\\n0123456789abcdef0123 admin | 2 | the same token as line 1 (each token once)",
            "# nothing\\n                              | 1 | no token in the file (one 'TOKEN ROLE' per line, ROLE read or admin)"})
    @DisplayName("a bad line is FILE:LINE: message, and the message never contains the token")
    void shouldRefuseBadLines(final String text, final int line, final String message) {
        final InvalidFileException e = assertThrows(InvalidFileException.class,
                () -> Tokens.parse(FILE, text.replace("\\n", "\n")));
        assertEquals(FILE + ":" + line + ": " + message, e.error().toString());
        assertFalse(message.contains("0123456789abcdef"));
    }
}
