package io.vrrpd.daemon;

import io.vrrpd.daemon.config.ConfigError;
import io.vrrpd.daemon.config.RouterStore;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.Callable;

/**
 * The {@code vrrpd} command (DESIGN.md §2). This build has the control plane — router files, the control
 * socket, the router verbs — but no Linux data plane yet, so {@code --check-config} and {@code --version}
 * work and running the daemon says plainly that it cannot run routers.
 */
@Command(name = "vrrpd", mixinStandardHelpOptions = true, versionProvider = VrrpdMain.Version.class,
        sortOptions = false,
        description = {
                "High availability for Linux hosts: VRRP virtual routers (RFC 5798 v3, RFC 3768 v2),",
                "protected services and service clusters.",
                "",
                "This build checks router files (--check-config); it cannot run routers on Linux yet.",
                ""})
public final class VrrpdMain implements Callable<Integer> {

    @Option(names = "--config-dir", paramLabel = "DIR", defaultValue = "/etc/vrrpd",
            description = "Configuration: vrrpd.toml and routers/NAME.toml (default: ${DEFAULT-VALUE}).")
    private Path configDir;

    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "/var/lib/vrrpd",
            description = "Run-time state kept across restarts (default: ${DEFAULT-VALUE}).")
    private Path stateDir;

    @Option(names = "--socket", paramLabel = "PATH", defaultValue = "/run/vrrpd/vrrpd.sock",
            description = "The control socket vrrpadm talks to (default: ${DEFAULT-VALUE}).")
    private Path socket;

    @Option(names = "--http", paramLabel = "ADDR:PORT",
            description = "Serve the REST API, dashboard and metrics there (default: off).")
    private String http;

    @Option(names = "--check-config",
            description = "Check the router files and exit: one 'file:line: message' per error, exit 1 on any.")
    private boolean checkConfig;

    private PrintWriter out;
    private PrintWriter err;

    @Override
    public Integer call() {
        if (checkConfig) {
            return checkConfig();
        }
        err.println("vrrpd: this build cannot run routers yet: the Linux data plane is not part of it"
                + " (see README.md; bin/simulate runs the protocol on a simulated LAN)");
        return 1;
    }

    private int checkConfig() {
        final RouterStore store = new RouterStore(configDir);
        try {
            final RouterStore.Loaded loaded = store.loadAll();
            loaded.errors().stream().map(ConfigError::toString).forEach(err::println);
            if (!loaded.errors().isEmpty()) {
                return 1;
            }
            out.println("vrrpd: " + loaded.routers().size() + " router(s) in " + store.directory() + ": OK");
            return 0;
        } catch (IOException e) {
            err.println(store.directory() + ":1: cannot read the directory: " + e.getMessage());
            return 1;
        }
    }

    /** Runs vrrpd; returns the exit status. */
    public static int run(final String[] args, final PrintWriter out, final PrintWriter err) {
        final VrrpdMain main = new VrrpdMain();
        main.out = out;
        main.err = err;
        final CommandLine commandLine = new CommandLine(main).setOut(out).setErr(err);
        commandLine.setParameterExceptionHandler((e, ignored) -> {
            err.println("vrrpd: " + e.getMessage());
            return 2;
        });
        final int status = commandLine.execute(args);
        out.flush();
        err.flush();
        return status;
    }

    public static void main(final String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true, StandardCharsets.UTF_8),
                new PrintWriter(System.err, true, StandardCharsets.UTF_8)));
    }

    /** Reads the version Maven wrote into version.properties at build time. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            final Properties properties = new Properties();
            try (InputStream in = VrrpdMain.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    properties.load(in);
                }
            }
            return new String[] {"vrrpd " + properties.getProperty("version", "unknown")};
        }
    }
}
