package io.vrrpd.daemon;

import io.vrrpd.cluster.Primitive;
import io.vrrpd.cluster.PrimitiveResult;
import io.vrrpd.cluster.ServiceSpec;
import io.vrrpd.cluster.StoredService;
import io.vrrpd.cluster.engine.ServiceCluster;
import io.vrrpd.cluster.membership.JGroupsMembership;
import io.vrrpd.cluster.membership.Membership;
import io.vrrpd.cluster.membership.SoloMembership;
import io.vrrpd.cluster.primitive.Invocation;
import io.vrrpd.cluster.FenceGuard;
import io.vrrpd.cluster.primitive.FenceGuardProcess;
import io.vrrpd.cluster.primitive.LocalPrimitiveRunner;
import io.vrrpd.cluster.primitive.PrimitiveRunner;
import io.vrrpd.cluster.primitive.ServiceCgroups;
import io.vrrpd.cluster.primitive.Timeouts;
import io.vrrpd.daemon.config.ConfigError;
import io.vrrpd.daemon.config.Endpoint;
import io.vrrpd.daemon.web.MetricsEndpoint;
import io.vrrpd.daemon.web.WebServer;
import io.vrrpd.daemon.web.metrics.PrimitiveDurations;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vrrpd.daemon.web.WebSetup;
import io.vrrpd.daemon.config.InvalidFileException;
import io.vrrpd.daemon.config.MacMode;
import io.vrrpd.daemon.config.NodeConfig;
import io.vrrpd.daemon.config.RouterSpec;
import io.vrrpd.daemon.config.RouterStore;
import io.vrrpd.daemon.config.AtomicFiles;
import io.vrrpd.daemon.config.StartedServices;
import io.vrrpd.daemon.config.TomlServiceStore;
import io.vrrpd.daemon.control.ClusterQueries;
import io.vrrpd.daemon.control.ControlServer;
import io.vrrpd.daemon.control.ControlVerbs;
import io.vrrpd.daemon.control.RouterControl;
import io.vrrpd.daemon.control.ServiceControl;
import io.vrrpd.daemon.health.HealthMonitor;
import io.vrrpd.daemon.runtime.HookRunner;
import io.vrrpd.daemon.runtime.LinuxRouterRuntime;
import io.vrrpd.daemon.runtime.Log;
import io.vrrpd.linux.ErrnoException;
import io.vrrpd.linux.NamespaceLock;
import io.vrrpd.linux.Signals;
import sun.misc.Signal;
import sun.misc.SignalHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.Properties;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The {@code vrrpd} command (DESIGN.md §2): reads vrrpd.toml (refusing to start on an error in it), loads the
 * router files, runs the routers on Linux
 * ({@link LinuxRouterRuntime}), serves the control socket, and handles signals — SIGTERM/SIGINT: every Master
 * sends priority 0 and releases its addresses, then exit 0; SIGHUP: reload the router files.
 */
@Command(name = "vrrpd", mixinStandardHelpOptions = true, versionProvider = VrrpdMain.Version.class,
        sortOptions = false,
        description = {
                "High availability for Linux hosts: VRRP virtual routers (RFC 5798 v3, RFC 3768 v2),",
                "protected services and service clusters.",
                "",
                "Runs in the foreground and logs to stderr (journald priority prefixes).",
                "Signals: TERM/INT stop (Masters send priority 0 first), HUP reloads the router files.",
                ""})
public final class VrrpdMain implements Callable<Integer> {

    @Option(names = "--config-dir", paramLabel = "DIR", defaultValue = "/etc/vrrpd",
            description = "Configuration: vrrpd.toml, routers/NAME.toml and services/NAME.toml"
                    + " (default: ${DEFAULT-VALUE}).")
    private Path configDir;

    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "/var/lib/vrrpd",
            description = "Run-time state kept across restarts (default: ${DEFAULT-VALUE}).")
    private Path stateDir;

    @Option(names = "--socket", paramLabel = "PATH", defaultValue = "/run/vrrpd/vrrpd.sock",
            description = "The control socket vrrpadm talks to (default: ${DEFAULT-VALUE}).")
    private Path socket;

    @Option(names = "--http", paramLabel = "ADDR:PORT",
            description = {"Serve the REST API, dashboard and metrics there (overrides [web] listen in vrrpd.toml;"
                    + " IPv6 as [ADDR]:PORT). An address other than loopback needs [web] tls_cert, tls_key and"
                    + " token_file, else vrrpd refuses to start (docs/WEB.md)."})
    private String http;

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
    /** vrrpd.toml as read at start: this node's name, its cluster, the defaults. */
    private NodeConfig node;
    /** The web server's settings and files, null when it is off. */
    private WebSetup web;

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
        if (checkConfig) {
            return checkConfig();
        }
        if (releaseAddresses) {
            return releaseAddresses();
        }
        return runDaemon();
    }

    private int runDaemon() {
        // vrrpd.toml first: a broken one refuses the start before anything is touched (FILE:LINE: message).
        try {
            node = NodeConfig.load(configDir);
        } catch (InvalidFileException e) {
            err.println(e.error());
            return 1;
        }
        // [web] and --http: the non-loopback rule, the token file and the PEM files, before anything is touched.
        try {
            web = webSetup(node);
        } catch (InvalidFileException e) {
            err.println(e.error());
            return 1;
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 1;
        }
        DaemonLogging.install();
        FatalErrors.install();
        restoreIgnoredSignals();
        // Before anything touches an interface: one vrrpd per network namespace. A second one would adopt and
        // take down the first one's VNICs (and its removeLeftovers would delete the others).
        final NamespaceLock lock;
        try {
            lock = NamespaceLock.tryAcquire("vrrpd").orElse(null);
        } catch (ErrnoException e) {
            err.println("vrrpd: cannot start: " + e.getMessage());
            return 1;
        }
        if (lock == null) {
            err.println("vrrpd: another vrrpd is running in this network namespace (abstract socket @vrrpd is"
                    + " taken); nothing was changed");
            return 1;
        }
        try (lock) {
            return runLocked();
        }
    }

    private int runLocked() {
        final RouterStore store = new RouterStore(configDir);
        final LinuxRouterRuntime runtime;
        HealthMonitor health = null;
        HookRunner hooks = null;
        try {
            Files.createDirectories(store.directory());
            Files.createDirectories(stateDir);
            for (final Path dir : List.of(store.directory(), configDir.resolve("services"))) {
                final int removed = AtomicFiles.removeInterruptedWrites(dir);
                if (removed > 0) {
                    Log.info(dir + ": removed " + removed + " temporary file(s) of writes"
                            + " a crash interrupted (the files they were replacing are intact)");
                }
            }
            // Created here, not on the (real-time) router loop: its threads and the programs exec checks
            // start must not inherit SCHED_RR.
            health = HealthMonitor.start();
            // Likewise the hooks' threads and processes (on_master, …): the loop only queues their jobs.
            hooks = HookRunner.start();
            runtime = LinuxRouterRuntime.start((router, from, to, reason) -> { }, health, hooks);
        } catch (IOException e) {
            err.println("vrrpd: cannot start: " + e.getMessage());
            if (health != null) {
                health.close();
            }
            if (hooks != null) {
                hooks.close();
            }
            return 1;
        }
        final CountDownLatch stopped = new CountDownLatch(1);
        final AtomicReference<String> stopReason = new AtomicReference<>();
        // Installed as soon as the routers run, before the slow part of the start (joining the service cluster can
        // take seconds): a SIGTERM meanwhile must still make every Master send priority 0, not kill the JVM.
        // Signal handlers run on the JVM's signal thread: the shutdown itself (priority 0 from every Master)
        // starts right there, so the advertisement leaves within a loop hop of the signal.
        final SignalHandler stop = signal -> {
            if (stopReason.compareAndSet(null, "vrrpd stopping (SIG" + signal.getName() + ")")) {
                final long handled = System.nanoTime();
                try {
                    runtime.shutdown(stopReason.get());
                    Log.info("SIG" + signal.getName() + ": every router left the group "
                            + (System.nanoTime() - handled) / 1_000 + " µs after the handler started");
                } finally {
                    stopped.countDown(); // whatever happened above, the daemon goes on to exit: never a hang
                }
            }
        };
        Signal.handle(new Signal("TERM"), stop);
        Signal.handle(new Signal("INT"), stop);
        final RouterControl control;
        final ControlServer server;
        WebServer webServer = null;
        // A cgroup per service where cgroup2 is writable (else process groups, logged): the handle the self-fence, the
        // fence guard and a crash clean-up kill a service's processes with.
        final ServiceCgroups cgroups = ServiceCgroups.detect(node.nodeName()).orElse(null);
        final LocalPrimitiveRunner primitives = new LocalPrimitiveRunner(Timeouts.DEFAULTS,
                LocalPrimitiveRunner.OCF_ROOT, LocalPrimitiveRunner.SYSTEMCTL, cgroups);
        // Before anything is reported to a cluster: what a crashed predecessor left running here is stopped.
        stopServicesStartedHere(primitives, Log::info, Log::warn, "vrrpd: the previous vrrpd died holding services:"
                + " stopping them before joining the cluster: ");
        FenceGuard guard = FenceGuard.NONE;
        if (!node.clusterOfOne()) {
            try {
                guard = FenceGuardProcess.start();
            } catch (IOException e) {
                Log.error("cannot start the fence guard (" + e.getMessage() + "): a frozen vrrpd cannot fence its"
                        + " services; only its own lease thread does");
            }
        }
        ServiceCluster services = null;
        // /metrics' registry, made before the cluster starts so the primitives' durations are recorded from the first.
        final PrometheusRegistry metrics = web == null ? null : MetricsEndpoint.newRegistry();
        final PrimitiveDurations durations = metrics == null ? null : new PrimitiveDurations(metrics);
        final AtomicReference<WebServer> running = new AtomicReference<>();
        try {
            control = RouterControl.open(store, runtime, System::nanoTime);
            runtime.removeLeftovers();
            // Started from this (ordinary) thread: the primitives' threads and programs must not inherit the
            // router loop's real-time scheduling.
            services = startServices(durations == null ? primitives : durations.timing(primitives), primitives,
                    guard);
            final ControlVerbs verbs = ControlVerbs.of(control,
                    new ServiceControl(services, node.checkIntervalMillis(), System::currentTimeMillis),
                    new ClusterQueries(services.exchange(), services, primitives, control,
                            primitives.timeouts().other()));
            // From this (ordinary) thread: the web server's threads must not inherit the loop's real-time scheduling.
            webServer = startWeb(verbs, metrics == null ? null
                    : MetricsEndpoint.of(metrics, runtime, health, services, () -> webStats(running)));
            running.set(webServer);
            server = ControlServer.start(socket, verbs);
        } catch (IOException | IllegalArgumentException e) {
            err.println("vrrpd: cannot start: " + e.getMessage());
            if (webServer != null) {
                webServer.close();
            }
            if (services != null) {
                services.close();
            }
            primitives.close();
            guard.close();
            runtime.shutdown("vrrpd failed to start");
            runtime.close();
            health.close();
            hooks.close();
            return 1;
        }
        Signal.handle(new Signal("HUP"), signal -> Thread.ofPlatform().name("vrrpd-reload").start(() -> {
            try {
                Log.info(control.reload());
            } catch (IOException e) {
                Log.error("reload: cannot read " + store.directory() + ": " + e.getMessage()
                        + " (routers keep running as they are)");
            }
        }));
        Log.info("vrrpd " + version() + " running " + runtime.names().size() + " router(s) from "
                + store.directory() + "; control socket " + server.path() + "; " + describe(node)
                + (web == null ? "" : "; web " + web.describe()));
        final SystemdNotifier systemd = SystemdNotifier.start(runtime.loop());
        systemd.ready(runtime.names().size() + " router(s); control socket " + server.path());
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        systemd.stopping();
        if (webServer != null) {
            webServer.close();
        }
        try {
            server.close();
        } catch (IOException e) {
            Log.warn("closing the control socket: " + e.getMessage());
        }
        runtime.close();
        // Services started here stop before the daemon leaves the cluster: another host starts them at once, without
        // waiting for the fencing delay (its last report from here says stopped).
        services.close();
        primitives.close();
        guard.close(); // its last feed holds nothing: it exits without killing anything
        health.close();
        hooks.close(); // the on_offline hooks of the shutdown get up to 5 s
        systemd.close();
        Log.info("vrrpd stopped");
        return 0;
    }

    /**
     * SIGHUP (reload), SIGTERM and SIGINT (stop) back to their defaults if whoever started vrrpd ignored them
     * ({@code nohup}, a script's {@code &}): the JVM does not handle an ignored signal, and a SIGHUP would then
     * reload nothing, silently (ReloadIT failed so under {@code nohup .ci/run}).
     */
    private static void restoreIgnoredSignals() {
        for (final Map.Entry<String, Integer> signal : Map.of("SIGHUP", Signals.SIGHUP, "SIGINT", Signals.SIGINT,
                "SIGTERM", Signals.SIGTERM).entrySet()) {
            try {
                if (Signals.unignore(signal.getValue())) {
                    Log.info(signal.getKey() + " was ignored by the process that started vrrpd (nohup?): handled again");
                }
            } catch (ErrnoException e) {
                Log.warn("cannot restore " + signal.getKey() + ": " + e.getMessage());
            }
        }
    }

    /** The service cluster: a cluster of one without [cluster] in vrrpd.toml, else the JGroups membership. */
    private ServiceCluster startServices(final PrimitiveRunner runner, final LocalPrimitiveRunner primitives,
                                         final FenceGuard guard) throws IOException {
        final Membership membership = node.clusterOfOne() ? new SoloMembership(node.nodeName())
                : new JGroupsMembership(node.cluster().settings(node.nodeName()));
        final ServiceCluster.Settings settings = node.clusterOfOne()
                ? ServiceCluster.Settings.defaults("-")
                : new ServiceCluster.Settings(node.cluster().name(), node.cluster().fencingDelayMillis(),
                ServiceCluster.Settings.defaults("").commitTimeoutMillis(),
                ServiceCluster.Settings.defaults("").operationTimeoutMillis(),
                // The lease runs out when the others remove this host from their view (suspected after the failure
                // timeout, removed after the suspicion check), a fencing delay before they start its services. Not
                // sooner: a host that stalls shorter than that stays in the view, and must keep its services.
                node.cluster().settings(node.nodeName()).timing().leaseMillis());
        try {
            return ServiceCluster.start(settings, membership, runner,
                    new TomlServiceStore(configDir, node.checkIntervalMillis()),
                    new StartedServices(stateDir, primitives::cgroup), guard);
        } catch (IOException | RuntimeException e) {
            membership.close();
            throw e;
        }
    }

    private static String version() {
        try {
            return new Version().getVersion()[0].replaceFirst("^vrrpd ", "");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private int releaseAddresses() {
        // Never beside a running daemon (a launcher's crash guard racing a restarted vrrpd): its VNICs are its own.
        // The lock is only tested, not held while releasing: a daemon starting meanwhile must not be refused (it
        // takes its VNICs down at start anyway, and brings one up only as Master, much later than these calls).
        final NamespaceLock lock;
        try {
            lock = NamespaceLock.tryAcquire("vrrpd").orElse(null);
        } catch (ErrnoException e) {
            err.println("vrrpd: --release-addresses: " + e.getMessage());
            return 1;
        }
        if (lock == null) {
            err.println("vrrpd: --release-addresses: another vrrpd is running in this network namespace (abstract"
                    + " socket @vrrpd is taken); nothing released");
            return 1;
        }
        lock.close();
        return releaseAddressesUnlocked();
    }

    private int releaseAddressesUnlocked() {
        final RouterStore store = new RouterStore(configDir);
        final List<RouterSpec> realMac = new ArrayList<>();
        try {
            for (final RouterSpec spec : store.loadAll().routers()) {
                if (spec.mac() == MacMode.REAL) {
                    realMac.add(spec);
                }
            }
        } catch (IOException e) {
            err.println("vrrpd: --release-addresses: cannot read " + store.directory() + " (" + e.getMessage()
                    + "); releasing VNICs only");
        }
        int status;
        try (LocalPrimitiveRunner runner = new LocalPrimitiveRunner(Timeouts.DEFAULTS, LocalPrimitiveRunner.OCF_ROOT,
                LocalPrimitiveRunner.SYSTEMCTL, recordedCgroups())) {
            status = stopServicesStartedHere(runner, out::println, line -> err.println(line), "vrrpd: ");
        }
        try {
            final List<String> released = LinuxRouterRuntime.releaseAddresses(realMac);
            out.println("vrrpd: released " + released.size() + (released.isEmpty() ? "" : ": "
                    + String.join(", ", released)));
        } catch (IOException e) {
            err.println("vrrpd: --release-addresses: " + e.getMessage());
            status = 1;
        }
        return status;
    }

    /** The service cgroups recorded by the dead daemon (their common parent), or null when none was recorded. */
    private ServiceCgroups recordedCgroups() {
        try {
            return new StartedServices(stateDir).readWithCgroups().values().stream().flatMap(Optional::stream)
                    .map(Path::getParent).findFirst().map(ServiceCgroups::at).orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Stops the services a dead daemon had started here (STATE_DIR/services-started): their stop primitive, which
     * kills what is left in their cgroup (an {@code exec} command the dead daemon supervised included) and takes their
     * addresses off the link; a recorded cgroup of a service without a valid file is killed as it is. Run by
     * {@code --release-addresses} and by the daemon at start, before it joins the cluster (leftovers are stopped, not
     * adopted: the cluster then starts the service where it decides, from a clean state).
     *
     * @return 0, or 1 when something could not be stopped
     */
    private int stopServicesStartedHere(final LocalPrimitiveRunner runner, final java.util.function.Consumer<String> info,
                                        final java.util.function.Consumer<String> error, final String prefix) {
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

    /** The web server's settings with {@code --http} applied and its files read; null when it is off. */
    private WebSetup webSetup(final NodeConfig config) throws InvalidFileException {
        return WebSetup.of(config.web(), httpListen);
    }

    /** The web server on the control verbs: REST API, metrics, dashboard (DESIGN.md §2); null when it is off. */
    private WebServer startWeb(final ControlVerbs verbs, final MetricsEndpoint metrics) throws IOException {
        if (web == null) {
            return null;
        }
        final WebServer.Builder builder = web.server(verbs);
        // Mount points of the other web parts (one line each): /metrics the MetricsEndpoint, / the DashboardFiles.
        builder.mount("/metrics", metrics);
        builder.mount("/", new io.vrrpd.daemon.web.DashboardFiles());
        try {
            return builder.start();
        } catch (IOException e) {
            throw new IOException("web server on " + web.config().listen() + ": " + e.getMessage(), e);
        }
    }

    /** The web server's counters for /metrics; zeros while it is not running yet. */
    private static WebServer.Stats webStats(final AtomicReference<WebServer> running) {
        final WebServer server = running.get();
        return server == null ? new WebServer.Stats(0, 0, 0, 0) : server.stats();
    }

    /** One phrase for the log and --check-config: the node and its cluster. */
    private static String describe(final NodeConfig node) {
        return "node " + node.nodeName() + ", " + (node.clusterOfOne() ? "a cluster of one"
                : "cluster " + node.cluster().name() + " of " + node.cluster().members().size() + " members (quorum "
                + node.cluster().quorumSize() + ")");
    }

    /** Every configuration file: vrrpd.toml, routers/*.toml, services/*.toml; all errors, then exit 1 on any. */
    private int checkConfig() {
        final List<String> errors = new ArrayList<>();
        final List<String> fine = new ArrayList<>();
        long checkInterval = ServiceSpec.DEFAULT_CHECK_MS;
        try {
            final NodeConfig config = NodeConfig.load(configDir);
            checkInterval = config.checkIntervalMillis();
            fine.add("vrrpd: " + NodeConfig.fileIn(configDir)
                    + (Files.exists(NodeConfig.fileIn(configDir)) ? "" : " (absent: defaults)") + ": " + describe(config));
            try {
                final WebSetup setup = webSetup(config);
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
