package io.vrrpd.cli.doctor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The host's kernel state as files ({@code /proc/sys}, {@code /sys/class/net}, {@code /proc/net/if_inet6}) under
 * {@code root}: "/" for the real host, a directory of the same shape in unit tests.
 */
record Host(Path root) {

    static final Host REAL = new Host(Path.of("/"));

    /** The file's content, stripped; empty when it does not exist or cannot be read. */
    Optional<String> read(final String path) {
        try {
            return Optional.of(Files.readString(file(path), StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** An integer file (a sysctl), empty when absent or not a number. */
    Optional<Integer> readInt(final String path) {
        return read(path).flatMap(text -> {
            try {
                return Optional.of(Integer.parseInt(text));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }

    List<String> lines(final String path) {
        return read(path).map(text -> text.lines().toList()).orElse(List.of());
    }

    boolean exists(final String path) {
        return Files.exists(file(path));
    }

    /** The last name of the target of a symbolic link ({@code /sys/class/net/eth0/master} → the bridge's name). */
    Optional<String> linkTarget(final String path) {
        try {
            return Optional.of(Files.readSymbolicLink(file(path)).getFileName().toString());
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    private Path file(final String path) {
        return root.resolve(path.startsWith("/") ? path.substring(1) : path);
    }
}
