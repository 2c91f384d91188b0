package io.vrrpd.daemon.config;

import io.vrrpd.cluster.StartedLedger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * {@code STATE_DIR/services-started}: the services this host has started, one name per line, rewritten atomically
 * whenever the set changes. Read by {@code vrrpd --release-addresses} after a daemon died without its shutdown, to
 * stop them (and take their addresses off the link) before the cluster starts them elsewhere.
 */
public final class StartedServices implements StartedLedger {
    private final Path file;

    public StartedServices(final Path stateDir) {
        this.file = stateDir.resolve("services-started");
    }

    public Path file() {
        return file;
    }

    @Override
    public void write(final SortedSet<String> services) throws IOException {
        final StringBuilder text = new StringBuilder();
        services.forEach(name -> text.append(name).append('\n'));
        AtomicFiles.write(file, text.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The recorded names; empty when the file does not exist. */
    public SortedSet<String> read() throws IOException {
        final SortedSet<String> names = new TreeSet<>();
        try {
            for (final String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    names.add(line.strip());
                }
            }
        } catch (NoSuchFileException e) {
            // never started anything here
        }
        return names;
    }
}
