package io.vrrpd.daemon;

import io.vrrpd.cluster.Primitive;
import io.vrrpd.cluster.PrimitiveResult;
import io.vrrpd.cluster.ServiceSpec;
import io.vrrpd.cluster.StoredService;
import io.vrrpd.cluster.primitive.Invocation;
import io.vrrpd.cluster.primitive.LocalPrimitiveRunner;
import io.vrrpd.cluster.primitive.ServiceCgroups;
import io.vrrpd.daemon.config.InvalidFileException;
import io.vrrpd.daemon.config.NodeConfig;
import io.vrrpd.daemon.config.StartedServices;
import io.vrrpd.daemon.config.TomlServiceStore;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The services a dead daemon left running here (STATE_DIR/services-started). Its own class because two paths share
 * it: the daemon's start (before it joins the cluster) and {@code --release-addresses} (after a crash).
 */
final class LeftoverServices {

    private LeftoverServices() {
    }

    /**
     * Stops the services a dead daemon had started here: their stop primitive, which kills what is left in their
     * cgroup (an {@code exec} command the dead daemon supervised included) and takes their addresses off the link; a
     * recorded cgroup of a service without a valid file is killed as it is. Leftovers are stopped, not adopted: the
     * cluster then starts the service where it decides, from a clean state.
     *
     * @return 0, or 1 when something could not be stopped
     */
    static int stop(final Path configDir, final Path stateDir, final LocalPrimitiveRunner runner,
                    final Consumer<String> info, final Consumer<String> error, final String prefix) {
        final StartedServices ledger = new StartedServices(stateDir);
        final SortedMap<String, Optional<Path>> recorded;
        try {
            recorded = ledger.readWithCgroups();
        } catch (IOException e) {
            error.accept("vrrpd: --release-addresses: cannot read " + ledger.file() + ": " + e.getMessage());
            return 1;
        }
        if (recorded.isEmpty()) {
            return 0;
        }
        String nodeName = "-";
        long checkInterval = ServiceSpec.DEFAULT_CHECK_MS;
        try {
            final NodeConfig config = NodeConfig.load(configDir);
            nodeName = config.nodeName();
            checkInterval = config.checkIntervalMillis();
        } catch (InvalidFileException e) {
            error.accept(prefix + e.error() + " (stopping the services all the same)");
        }
        final TomlServiceStore store = new TomlServiceStore(configDir, checkInterval);
        int status = 0;
        try {
            final Map<String, StoredService> services = new HashMap<>();
            for (final StoredService service : store.loadAll()) {
                services.put(service.name(), service);
            }
            for (final Map.Entry<String, Optional<Path>> entry : recorded.entrySet()) {
                final String name = entry.getKey();
                final StoredService service = services.get(name);
                if (service == null) {
                    String killed = "";
                    if (entry.getValue().isPresent()) {
                        try {
                            killed = "; " + ServiceCgroups.kill(entry.getValue().get(), 2_000)
                                    + " process(es) left in its cgroup killed";
                        } catch (IOException e) {
                            killed = "; its cgroup: " + e.getMessage();
                        }
                    }
                    error.accept(prefix + "service " + name + " was started here but has no valid file in "
                            + store.directory() + ": not stopped" + killed);
                    status = 1;
                    continue;
                }
                final PrimitiveResult result = runner.run(service.spec(),
                        Primitive.STOP, new Invocation(nodeName,
                                List.of(nodeName), null, null));
                info.accept(prefix + "service " + name + " stopped: " + (result.succeeded() ? "ok" : "failed")
                        + (result.detail().isEmpty() ? "" : " (" + result.detail() + ")"));
                if (!result.succeeded()) {
                    status = 1;
                }
            }
            ledger.write(new TreeSet<>());
        } catch (IOException e) {
            error.accept(prefix + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
        return status;
    }

    /** The service cgroups recorded by the dead daemon (their common parent), or null when none was recorded. */
    static ServiceCgroups recordedCgroups(final Path stateDir) {
        try {
            return new StartedServices(stateDir).readWithCgroups().values().stream().flatMap(Optional::stream)
                    .map(Path::getParent).findFirst().map(ServiceCgroups::at).orElse(null);
        } catch (IOException e) {
            return null;
        }
    }
}
