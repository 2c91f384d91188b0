package io.vrrpd.daemon.health;

import io.vrrpd.linux.ProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code systemd:UNIT}: healthy when {@code systemctl is-active UNIT} exits 0 within the timeout. Otherwise
 * the unit's state is the reason ({@code systemd:nginx.service is failed}). A host without systemd (no
 * {@code /run/systemd/system}, as {@code sd_booted()} tests), without {@code systemctl}, or whose systemctl
 * cannot reach the manager fails with {@code systemd is not available: …} and what systemctl said.
 */
final class SystemdChecker implements Checker {
    static final Path SYSTEMCTL = Path.of("/usr/bin/systemctl");
    static final Path BOOTED = Path.of("/run/systemd/system");
    /** What {@code is-active} prints: one unit state word. */
    private static final Pattern STATE = Pattern.compile("[a-z-]+");

    private final String unit;
    private final Path systemctl;
    private final Path booted;

    SystemdChecker(final String unit) {
        this(unit, Files.isExecutable(SYSTEMCTL) ? SYSTEMCTL : Path.of("/bin/systemctl"), BOOTED);
    }

    /** With another systemctl and booted marker (tests). */
    SystemdChecker(final String unit, final Path systemctl, final Path booted) {
        this.unit = unit;
        this.systemctl = systemctl;
        this.booted = booted;
    }

    @Override
    public CheckResult check(final long timeoutMillis) throws InterruptedException {
        if (!Files.isDirectory(booted)) {
            return unavailable(booted + " does not exist (the host was not booted with systemd)");
        }
        if (!Files.isExecutable(systemctl)) {
            return unavailable(systemctl + " not found");
        }
        final ProcessRunner.Outcome outcome;
        try {
            outcome = ProcessRunner.run(List.of(systemctl.toString(), "is-active", "--", unit), timeoutMillis);
        } catch (IOException e) {
            return unavailable("cannot run " + systemctl + ": " + CheckResult.reasonOf(e));
        }
        if (outcome.timedOut()) {
            return CheckResult.timedOut(timeoutMillis);
        }
        final String said = outcome.firstLine();
        if (outcome.exitCode() == 0) {
            return CheckResult.healthy("is " + (said.isEmpty() ? "active" : said));
        }
        if (STATE.matcher(said).matches()) {
            return CheckResult.failing("is " + said);
        }
        return unavailable(said.isEmpty() ? "systemctl exited " + outcome.exitCode() : said);
    }

    private static CheckResult unavailable(final String why) {
        return CheckResult.failing("systemd is not available: " + why);
    }
}
