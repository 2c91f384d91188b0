package io.vrrpd.daemon.health;

import io.vrrpd.linux.ProcessRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code pid:NAME}: healthy while a live (not zombie) process of that name runs, as {@code /proc/PID/comm}
 * names it (the kernel keeps the first 15 bytes of the program name), like keepalived's
 * {@code track_process}. It sees every process of the host's PID namespace; a pid file ({@code pid:/FILE})
 * or a unit ({@code systemd:UNIT}) names one service instance more precisely.
 */
final class ProcessNameChecker implements Checker {
    private static final Path PROC = Path.of("/proc");

    private final String name;

    ProcessNameChecker(final String name) {
        this.name = name;
    }

    @Override
    public CheckResult check(final long timeoutMillis) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC, entry -> isPid(entry.getFileName()))) {
            for (final Path entry : entries) {
                final String comm;
                try {
                    comm = Files.readString(entry.resolve("comm"), StandardCharsets.UTF_8).strip();
                } catch (IOException gone) {
                    continue; // exited while we looked
                }
                if (!comm.equals(name)) {
                    continue;
                }
                final long pid = Long.parseLong(entry.getFileName().toString());
                final String[] stat = ProcessRunner.statFields(pid);
                if (stat != null && !stat[0].equals("Z") && !stat[0].equals("X") && !stat[0].equals("x")) {
                    return CheckResult.healthy("process " + name + " is running (pid " + pid + ")");
                }
            }
        } catch (IOException e) {
            return CheckResult.failing("cannot list /proc: " + CheckResult.reasonOf(e));
        }
        return CheckResult.failing("no process named " + name + " is running");
    }

    private static boolean isPid(final Path fileName) {
        final String text = fileName.toString();
        for (int i = 0; i < text.length(); i++) {
            if (!Character.isDigit(text.charAt(i))) {
                return false;
            }
        }
        return !text.isEmpty();
    }
}
