package io.vrrpd.daemon.health;

import io.vrrpd.linux.ProcessRunner;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * {@code pid:/FILE}: healthy when the file holds the pid of a live process: {@code /proc/PID} exists and the
 * process is not a zombie. (A pid reused by another process after a crash is not detected; a service
 * manager's unit, {@code systemd:UNIT}, is the stronger check.)
 */
final class PidChecker implements Checker {
    private static final int MAX_PID_FILE = 64;

    private final Path file;

    PidChecker(final Path file) {
        this.file = file;
    }

    @Override
    public CheckResult check(final long timeoutMillis) {
        final String text;
        try (InputStream in = Files.newInputStream(file)) {
            text = new String(in.readNBytes(MAX_PID_FILE), StandardCharsets.US_ASCII).strip();
        } catch (NoSuchFileException e) {
            return CheckResult.failing("pid file " + file + " does not exist");
        } catch (IOException e) {
            return CheckResult.failing("cannot read pid file " + file + ": " + CheckResult.reasonOf(e));
        }
        final long pid;
        try {
            pid = Long.parseLong(text);
        } catch (NumberFormatException e) {
            return CheckResult.failing("pid file " + file + " holds no pid");
        }
        if (pid <= 0) {
            return CheckResult.failing("pid file " + file + " holds no pid");
        }
        final String[] stat = ProcessRunner.statFields(pid);
        if (stat == null) {
            return CheckResult.failing("process " + pid + " is not running");
        }
        if (stat[0].equals("Z") || stat[0].equals("X") || stat[0].equals("x")) {
            return CheckResult.failing("process " + pid + " is a zombie");
        }
        return CheckResult.healthy("process " + pid + " is running");
    }
}
