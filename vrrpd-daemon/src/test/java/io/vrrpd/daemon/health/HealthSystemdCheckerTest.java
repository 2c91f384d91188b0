package io.vrrpd.daemon.health;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The systemd checker through systemctl: on this host (no systemd in the test containers) and with a stand-in
 * systemctl. The D-Bus path: {@link HealthSystemdDbusTest}.
 */
class HealthSystemdCheckerTest {
    @TempDir
    Path dir;

    private Path systemctl(final String body) throws IOException {
        final Path file = dir.resolve("systemctl");
        Files.writeString(file, "#!/bin/sh\necho \"$@\" > " + dir.resolve("args") + "\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }

    /** No system bus socket: the checks go through systemctl. */
    private Path noBus() {
        return dir.resolve("no-bus");
    }

    private Path booted() throws IOException {
        return Files.createDirectories(dir.resolve("run-systemd-system"));
    }

    @Test
    void shouldSayWhenTheHostWasNotBootedWithSystemd() throws Exception {
        assumeFalse(Files.isDirectory(SystemdChecker.BOOTED), "this host runs systemd");
        assertEquals(CheckResult.failing("systemd is not available: /run/systemd/system does not exist (the host was"
                + " not booted with systemd)"), new SystemdChecker("nginx.service").check(2000));
    }

    @Test
    void shouldPassOnWhatTheRealSystemctlSaysWithoutAManager() throws Exception {
        assumeTrue(Files.isExecutable(SystemdChecker.SYSTEMCTL), "systemctl is installed");
        assumeFalse(Files.isDirectory(SystemdChecker.BOOTED), "this host runs systemd");
        final CheckResult result = new SystemdChecker("nginx.service", SystemdChecker.SYSTEMCTL, booted(), noBus()).check(5000);
        assertTrue(result.reason().startsWith("systemd is not available: "), result.reason());
        assertTrue(!result.ok());
    }

    @Test
    void shouldSayWhenSystemctlIsMissing() throws Exception {
        final Path none = dir.resolve("no-systemctl");
        assertEquals(CheckResult.failing("systemd is not available: " + none + " not found"),
                new SystemdChecker("nginx.service", none, booted(), noBus()).check(1000));
    }

    @Test
    void shouldBeHealthyWhenTheUnitIsActive() throws Exception {
        final Path systemctl = systemctl("echo active; exit 0");
        assertEquals(CheckResult.healthy("is active"),
                new SystemdChecker("getty@tty1.service", systemctl, booted(), noBus()).check(2000));
        assertEquals("is-active -- getty@tty1.service", Files.readString(dir.resolve("args")).strip());
    }

    @Test
    void shouldNameTheUnitsState() throws Exception {
        assertEquals(CheckResult.failing("is failed"),
                new SystemdChecker("nginx.service", systemctl("echo failed; exit 3"), booted(), noBus()).check(2000));
        assertEquals(CheckResult.failing("is activating"),
                new SystemdChecker("nginx.service", systemctl("echo activating; exit 3"), booted(), noBus()).check(2000));
    }

    @Test
    void shouldSayWhenTheManagerCannotBeReached() throws Exception {
        final Path systemctl = systemctl("echo 'Failed to connect to bus: No such file or directory' >&2; exit 1");
        assertEquals(CheckResult.failing("systemd is not available: Failed to connect to bus: No such file or"
                + " directory"), new SystemdChecker("nginx.service", systemctl, booted(), noBus()).check(2000));
    }

    @Test
    void shouldTimeOutAHungSystemctl() throws Exception {
        assertEquals(CheckResult.failing("timed out after 300 ms"),
                new SystemdChecker("nginx.service", systemctl("sleep 60"), booted(), noBus()).check(300));
    }
}
