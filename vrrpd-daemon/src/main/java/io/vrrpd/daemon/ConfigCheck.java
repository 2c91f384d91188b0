package io.vrrpd.daemon;

import io.vrrpd.cluster.ServiceSpec;
import io.vrrpd.daemon.config.ConfigError;
import io.vrrpd.daemon.config.Endpoint;
import io.vrrpd.daemon.config.InvalidFileException;
import io.vrrpd.daemon.config.NodeConfig;
import io.vrrpd.daemon.config.RouterStore;
import io.vrrpd.daemon.config.TomlServiceStore;
import io.vrrpd.daemon.web.WebSetup;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code vrrpd --check-config}: every configuration file read the way the daemon reads it at start, every error
 * printed. Apart from VrrpdMain because it shares nothing with a running daemon but the loaders: it touches no
 * interface, takes no lock and starts no thread.
 */
final class ConfigCheck {

    private ConfigCheck() {
    }

    /**
     * Every configuration file: vrrpd.toml, routers/*.toml, services/*.toml; all errors on {@code err}, then 1 on any;
     * else one line per file set on {@code out} and 0. A config dir that does not exist is one error line and 1;
     * entries of routers/ that are not router files are warnings on {@code err} (not an error: nothing reads them).
     *
     * @param http {@code --http}, parsed; null without it (the non-loopback rule is checked with it applied)
     */
    static int run(final Path configDir, final Endpoint http, final PrintWriter out, final PrintWriter err) {
        if (!Files.isDirectory(configDir)) {
            // Checking nothing and saying OK would pass a typo in --config-dir, or a package not installed yet.
            err.println(configDir + ": " + (Files.exists(configDir) ? "is not a directory" : "no such directory")
                    + " (the config dir: --config-dir DIR, default /etc/vrrpd)");
            return 1;
        }
        final List<String> errors = new ArrayList<>();
        final List<String> fine = new ArrayList<>();
        long checkInterval = ServiceSpec.DEFAULT_CHECK_MS;
        try {
            final NodeConfig config = NodeConfig.load(configDir);
            checkInterval = config.checkIntervalMillis();
            fine.add("vrrpd: " + NodeConfig.fileIn(configDir)
                    + (Files.exists(NodeConfig.fileIn(configDir)) ? "" : " (absent: defaults)") + ": " + describe(config));
            try {
                final WebSetup setup = WebSetup.of(config.web(), http);
                fine.add("vrrpd: web: " + (setup == null ? "off" : setup.describe()));
            } catch (InvalidFileException e) {
                errors.add(e.error().toString());
            } catch (IllegalArgumentException e) {
                errors.add(e.getMessage());
            }
        } catch (InvalidFileException e) {
            errors.add(e.error().toString());
        }
        final RouterStore store = new RouterStore(configDir);
        try {
            final RouterStore.Loaded loaded = store.loadAll();
            loaded.errors().stream().map(ConfigError::toString).forEach(errors::add);
            loaded.warnings().forEach(err::println); // warnings do not fail the check: nothing is read from them
            fine.add("vrrpd: " + loaded.routers().size() + " router(s) in " + store.directory() + ": OK");
        } catch (IOException e) {
            errors.add(store.directory() + ":1: cannot read the directory: " + e.getMessage());
        }
        final TomlServiceStore services = new TomlServiceStore(configDir, checkInterval);
        try {
            final TomlServiceStore.Loaded loaded = services.read();
            loaded.errors().stream().map(ConfigError::toString).forEach(errors::add);
            fine.add("vrrpd: " + loaded.services().size() + " service(s) in " + services.directory() + ": OK");
        } catch (IOException e) {
            errors.add(services.directory() + ":1: cannot read the directory: " + e.getMessage());
        }
        errors.forEach(err::println);
        if (!errors.isEmpty()) {
            return 1;
        }
        fine.forEach(out::println);
        return 0;
    }

    /** One phrase for the log and --check-config: the node and its cluster. */
    static String describe(final NodeConfig node) {
        return "node " + node.nodeName() + ", " + (node.clusterOfOne() ? "a cluster of one"
                : "cluster " + node.cluster().name() + " of " + node.cluster().members().size() + " members (quorum "
                + node.cluster().quorumSize() + ")");
    }
}
