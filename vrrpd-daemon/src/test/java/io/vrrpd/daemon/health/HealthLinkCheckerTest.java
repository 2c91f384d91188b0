package io.vrrpd.daemon.health;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** link:IFNAME against a sysfs-shaped directory (the real one is read-only and the host's). */
class HealthLinkCheckerTest {
    @TempDir
    Path sys;

    @Test
    void shouldFollowTheOperationalState() throws Exception {
        final LinkChecker checker = new LinkChecker(sys, "uplink0");
        assertEquals(CheckResult.failing("link uplink0 does not exist"), checker.check(100));
        Files.createDirectories(sys.resolve("uplink0"));
        Files.writeString(sys.resolve("uplink0/operstate"), "up\n");
        assertEquals(CheckResult.healthy("link uplink0 is up"), checker.check(100));
        Files.writeString(sys.resolve("uplink0/operstate"), "lowerlayerdown\n");
        assertEquals(CheckResult.failing("link uplink0 is lowerlayerdown"), checker.check(100));
    }

    @Test
    void shouldReadTheRealLoopback() {
        // The loopback's operstate is "unknown" (it has no carrier to report): a tracked lo is not up.
        assertEquals(CheckResult.failing("link lo is unknown"), new LinkChecker(Path.of("/sys/class/net"), "lo").check(100));
    }
}
