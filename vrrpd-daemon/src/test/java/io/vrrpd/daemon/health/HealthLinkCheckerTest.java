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

    /**
     * Drivers without an operational state (dummy, ifb, tun, WireGuard, lo) say "unknown" while they carry
     * traffic: the flags and the carrier decide. Before, such a link was never up and its router never online.
     */
    @Test
    void shouldJudgeALinkWithoutOperationalStateByItsFlagsAndCarrier() throws Exception {
        final LinkChecker checker = new LinkChecker(sys, "wg0");
        Files.createDirectories(sys.resolve("wg0"));
        Files.writeString(sys.resolve("wg0/operstate"), "unknown\n");
        Files.writeString(sys.resolve("wg0/flags"), "0x1091\n"); // IFF_UP|IFF_POINTOPOINT|IFF_NOARP
        Files.writeString(sys.resolve("wg0/carrier"), "1\n");
        assertEquals(CheckResult.healthy("link wg0 is up (carrier on, no operational state)"), checker.check(100));
        Files.writeString(sys.resolve("wg0/carrier"), "0\n");
        assertEquals(CheckResult.failing("link wg0 has no carrier"), checker.check(100));
        Files.writeString(sys.resolve("wg0/flags"), "0x1090\n");
        Files.delete(sys.resolve("wg0/carrier")); // the kernel refuses to read it (EINVAL) while the link is down
        assertEquals(CheckResult.failing("link wg0 is down"), checker.check(100));
    }

    @Test
    void shouldReadTheRealLoopback() {
        // The loopback's operstate is "unknown" (it has no carrier to report); it is up in every namespace.
        assertEquals(CheckResult.healthy("link lo is up (carrier on, no operational state)"),
                new LinkChecker(Path.of("/sys/class/net"), "lo").check(100));
    }
}
