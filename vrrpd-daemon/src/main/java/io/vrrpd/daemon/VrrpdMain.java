package io.vrrpd.daemon;

import io.vrrpd.daemon.config.LogLevel;
import io.vrrpd.daemon.config.Endpoint;
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
 * The {@code vrrpd} command (DESIGN.md §2): reads vrrpd.toml (refusing to start on an error in it), loads the
 * router files, runs the routers on Linux
 * ({@link io.vrrpd.daemon.runtime.LinuxRouterRuntime}), serves the control socket, and handles signals — SIGTERM/SIGINT: every Master
 * sends priority 0 and releases its addresses, then exit 0; SIGHUP: reload the configuration files (ConfigReload).
 *
 * <p>This class is the command line only (options, their parsing, the choice of mode): the running daemon is
 * {@link Daemon}, {@code --check-config} is {@link ConfigCheck}, {@code --release-addresses} is {@link AddressRelease}.
 */
@Command(name = "vrrpd", mixinStandardHelpOptions = true, versionProvider = VrrpdMain.Version.class,
        sortOptions = false,
        description = {
                "High availability for Linux hosts: VRRP virtual routers (RFC 5798 v3, RFC 3768 v2),",
                "protected services and service clusters.",
                "",
                "Runs in the foreground and logs to stderr (journald priority prefixes).",
                "Signals: TERM/INT stop (Masters send priority 0 first), HUP reloads the configuration files (vrrpd.toml"
                        + " first: a broken one reloads nothing), USR1 switches the log between debug and its level.",
                ""})
public final class VrrpdMain implements Callable<Integer> {

    static final String DEFAULT_CONFIG_DIR = "/etc/vrrpd";
    static final String DEFAULT_STATE_DIR = "/var/lib/vrrpd";
    static final String DEFAULT_SOCKET = "/run/vrrpd/vrrpd.sock";

    @Option(names = "--config-dir", paramLabel = "DIR", defaultValue = DEFAULT_CONFIG_DIR,
            description = "Configuration: vrrpd.toml, routers/NAME.toml and services/NAME.toml"
                    + " (default: ${DEFAULT-VALUE}).")
    private Path configDir;

    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = DEFAULT_STATE_DIR,
            description = "Run-time state kept across restarts (default: ${DEFAULT-VALUE}).")
    private Path stateDir;

    @Option(names = "--socket", paramLabel = "PATH", defaultValue = DEFAULT_SOCKET,
            description = "The control socket vrrpadm talks to (default: ${DEFAULT-VALUE}).")
    private Path socket;

    @Option(names = "--http", paramLabel = "ADDR:PORT",
            description = {"Serve the REST API, dashboard and metrics there (overrides [web] listen in vrrpd.toml;"
                    + " IPv6 as [ADDR]:PORT). An address other than loopback needs [web] tls_cert, tls_key and"
                    + " token_file, else vrrpd refuses to start (docs/WEB.md)."})
    private String http;

    @Option(names = "--log-level", paramLabel = "LEVEL",
            description = "error, warning, info or debug (overrides [log] level in vrrpd.toml; default: info). At run"
                    + " time: vrrpadm set-log-level LEVEL, or SIGUSR1 to switch between debug and this level.")
    private String logLevel;
    @Option(names = "--check-config",
            description = "Check vrrpd.toml, the router files and the service files and exit: one 'file:line: message'"
                    + " per error, exit 1 on any.")
    private boolean checkConfig;

    @Option(names = "--release-addresses",
            description = {"Take every router's addresses off the network and stop the services this host had"
                    + " started, then exit: VNICs (vr4-*, vr6-*) down, real-MAC addresses removed from their links,"
                    + " the stop primitive (and the addresses) of each service in STATE_DIR/services-started."
                    + " For a service manager to run after the daemon died without its SIGTERM shutdown (systemd"
                    + " ExecStopPost=), so a crashed daemon does not leave its host answering for a virtual address"
                    + " or running a service the cluster starts elsewhere."})
    private boolean releaseAddresses;

    /** {@code --http}, parsed; null without it. */
    private Endpoint httpListen;
    private PrintWriter out;
    private PrintWriter err;

    @Override
    public Integer call() {
        if (http != null) {
            try {
                httpListen = Endpoint.parse(http, 0);
            } catch (IllegalArgumentException e) {
                err.println("vrrpd: --http: " + e.getMessage());
                return 2;
            }
        }
        LogLevel level = null;
        if (logLevel != null) {
            try {
                level = LogLevel.parse(logLevel);
            } catch (IllegalArgumentException e) {
                err.println("vrrpd: --log-level: " + e.getMessage());
                return 2;
            }
        }
        if (checkConfig) {
            return ConfigCheck.run(configDir, httpListen, out, err);
        }
        if (releaseAddresses) {
            return AddressRelease.run(configDir, stateDir, out, err);
        }
        return new Daemon(configDir, stateDir, socket, httpListen, level, err).run();
    }

    /** Runs vrrpd; returns the exit status. */
    public static int run(final String[] args, final PrintWriter out, final PrintWriter err) {
        final VrrpdMain main = new VrrpdMain();
        main.out = out;
        main.err = err;
        if (main.daemonOptions(args)) {
            final int status = main.call();
            out.flush();
            err.flush();
            return status;
        }
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

    /**
     * The daemon's own command line, read without picocli (issue 12): building picocli's model of this command loads
     * and verifies ~170 classes the JVM will not archive (Java 5 class files), about a third of the start's main
     * thread before the control socket. Only the plain form is read here — each of --config-dir, --state-dir,
     * --socket, --http, --log-level at most once, as {@code --opt VALUE} or {@code --opt=VALUE}; anything else (help,
     * version, --check-config, --release-addresses, an unknown or repeated option, a missing value, an @file)
     * returns false without setting a field, and picocli reads it, with its own messages. The defaults are the
     * options' (the same constants). Returns whether the command line was read.
     */
    boolean daemonOptions(final String[] args) {
        final java.util.Map<String, String> values = new java.util.HashMap<>();
        for (int i = 0; i < args.length; i++) {
            final String arg = args[i];
            final int equals = arg.indexOf('=');
            final String name = equals < 0 ? arg : arg.substring(0, equals);
            if (!java.util.List.of("--config-dir", "--state-dir", "--socket", "--http", "--log-level").contains(name)
                    || values.containsKey(name)) {
                return false;
            }
            final String value;
            if (equals >= 0) {
                value = arg.substring(equals + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                return false;
            }
            if (value.startsWith("-") || value.startsWith("@") || arg.startsWith("@")) {
                return false; // picocli: a missing value, an option, or an @file to expand
            }
            values.put(name, value);
        }
        configDir = Path.of(values.getOrDefault("--config-dir", DEFAULT_CONFIG_DIR));
        stateDir = Path.of(values.getOrDefault("--state-dir", DEFAULT_STATE_DIR));
        socket = Path.of(values.getOrDefault("--socket", DEFAULT_SOCKET));
        http = values.get("--http");
        logLevel = values.get("--log-level");
        return true;
    }

    /** The options as read, for tests: config dir, state dir, socket, --http, --log-level. */
    java.util.List<Object> options() {
        return java.util.Arrays.asList(configDir, stateDir, socket, http, logLevel);
    }

    public static void main(final String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true, StandardCharsets.UTF_8),
                new PrintWriter(System.err, true, StandardCharsets.UTF_8)));
    }

    /** The version Maven wrote into version.properties at build time ("unknown" without it). */
    static String version() throws IOException {
        final Properties properties = new Properties();
        try (InputStream in = VrrpdMain.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                properties.load(in);
            }
        }
        return properties.getProperty("version", "unknown");
    }

    /** {@code --version}'s text. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            return new String[] {"vrrpd " + version()};
        }
    }
}
