package io.vrrpd.daemon.config;

import io.vrrpd.cluster.StartedLedger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * {@code STATE_DIR/services-started}: the services this host has started, one a line, rewritten atomically whenever
 * the set changes: {@code NAME}, or {@code NAME<TAB>CGROUP} for a service whose processes run in a cgroup of their
 * own. Read by {@code vrrpd --release-addresses} after a daemon died without its shutdown, and by a restarted daemon
 * before it joins the cluster, to stop them (kill what is left in their cgroups, take their addresses off the link)
 * before the cluster starts them elsewhere.
 */
public final class StartedServices implements StartedLedger {
    private final Path file;
    private final Function<String, Optional<Path>> cgroupOf;

    public StartedServices(final Path stateDir) {
        this(stateDir, name -> Optional.empty());
    }

    /** @param cgroupOf the cgroup of a service, recorded when it exists (a service that ran processes) */
    public StartedServices(final Path stateDir, final Function<String, Optional<Path>> cgroupOf) {
        this.file = stateDir.resolve("services-started");
        this.cgroupOf = cgroupOf;
    }

    public Path file() {
        return file;
    }

    @Override
    public void write(final SortedSet<String> services) throws IOException {
        final StringBuilder text = new StringBuilder();
        services.forEach(name -> {
            text.append(name);
            cgroupOf.apply(name).filter(Files::isDirectory).ifPresent(cgroup -> text.append('\t').append(cgroup));
            text.append('\n');
        });
        AtomicFiles.write(file, text.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The recorded names; empty when the file does not exist. */
    public SortedSet<String> read() throws IOException {
        return new java.util.TreeSet<>(readWithCgroups().keySet());
    }

    /** The recorded names, each with its cgroup if one was recorded; empty when the file does not exist. */
    public SortedMap<String, Optional<Path>> readWithCgroups() throws IOException {
        final SortedMap<String, Optional<Path>> services = new TreeMap<>();
        try {
            for (final String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                final int tab = line.indexOf('\t');
                if (tab < 0) {
                    services.put(line.strip(), Optional.empty());
                } else {
                    services.put(line.substring(0, tab).strip(), Optional.of(Path.of(line.substring(tab + 1).strip())));
                }
            }
        } catch (NoSuchFileException e) {
            // never started anything here
        }
        return services;
    }
}
