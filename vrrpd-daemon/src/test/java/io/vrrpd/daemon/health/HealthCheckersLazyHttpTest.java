package io.vrrpd.daemon.health;

import io.vrrpd.daemon.config.Dependency;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shared HTTP client is made for the first http dependency, not at start: a daemon without http checks never
 * pays for the JDK's TLS set-up on its way to the control socket (issue 12, exec -> socket).
 */
class HealthCheckersLazyHttpTest {

    @Test
    void aStartWithoutHttpDependenciesMakesNoClientAndTheFirstOneMakesIt() {
        try (Checkers checkers = new Checkers()) {
            assertFalse(checkers.httpClientMade(), "no client with the monitor");
            checkers.apply(Dependency.parse("tcp:127.0.0.1:1"));
            checkers.apply(Dependency.parse("exec:/bin/true"));
            assertFalse(checkers.httpClientMade(), "no client for other kinds");

            checkers.apply(Dependency.parse("http://127.0.0.1:1/"));
            assertTrue(checkers.httpClientMade(), "made for the first http dependency, before its first check");
        }
    }

    @Test
    void noClientIsMadeOnceClosed() {
        final Checkers checkers = new Checkers();
        checkers.close();
        assertThrows(IllegalStateException.class, () -> checkers.apply(Dependency.parse("http://127.0.0.1:1/")));
        assertFalse(checkers.httpClientMade());
    }
}
