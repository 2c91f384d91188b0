package io.vrrpd.daemon;

import io.vrrpd.cluster.FenceGuard;
import io.vrrpd.cluster.engine.ServiceCluster;
import io.vrrpd.cluster.primitive.LocalPrimitiveRunner;
import io.vrrpd.cluster.primitive.ServiceCgroups;
import io.vrrpd.cluster.primitive.Timeouts;
import io.vrrpd.daemon.config.LogLevel;
import io.vrrpd.daemon.config.AtomicFiles;
import io.vrrpd.daemon.config.Endpoint;
import io.vrrpd.daemon.config.InvalidFileException;
import io.vrrpd.daemon.config.NodeConfig;
import io.vrrpd.daemon.config.RouterStore;
import io.vrrpd.daemon.control.LogControl;
import io.vrrpd.daemon.control.ClusterQueries;
import io.vrrpd.daemon.control.ControlServer;
import io.vrrpd.daemon.control.ControlVerbs;
import io.vrrpd.daemon.control.RouterControl;
import io.vrrpd.daemon.control.ServiceControl;
import io.vrrpd.daemon.control.ServiceReload;
import io.vrrpd.daemon.control.StartingHandler;
import io.vrrpd.daemon.health.HealthMonitor;
import io.vrrpd.daemon.runtime.HookRunner;
import io.vrrpd.daemon.runtime.LinuxRouterRuntime;
import io.vrrpd.daemon.runtime.Log;
import io.vrrpd.daemon.web.WebServer;
import io.vrrpd.daemon.web.WebSetup;
import io.vrrpd.linux.ErrnoException;
import io.vrrpd.linux.NamespaceLock;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The running daemon, from vrrpd.toml to exit: the start-up wiring (control socket first, then the namespace lock,
 * routers, service cluster, control verbs, web server) and the shutdown sequence. Apart from VrrpdMain (the command line) because its order is the
 * point and reads best on its own: each step says why it comes where it does. The parts live in
 * {@link SignalHandling}, {@link LeftoverServices}, {@link ClusterStartup} and {@link WebStartup}.
 */
final class Daemon {

    /** How long a control request that comes during the start waits for it: under vrrpadm's 30 s. */
    private static final java.time.Duration START_PATIENCE = java.time.Duration.ofSeconds(20);
    /** How long a starting daemon waits for the namespace lock to come free before it refuses. */
    static final long LOCK_WAIT_MS = 2_000;

    private final Path configDir;
    private final Path stateDir;
    private final Path socket;
    /** {@code --http}, parsed; null without it. */
    private final Endpoint httpListen;
    private final PrintWriter err;
    /** {@code --log-level}; null without it ([log] level then). */
    private final LogLevel logLevel;
    /** vrrpd.toml as read at start: this node's name, its cluster, the defaults. */
    private NodeConfig node;
    /** The web server's settings and files, null when it is off. */
    private WebSetup web;

    Daemon(final Path configDir, final Path stateDir, final Path socket, final Endpoint httpListen,
           final LogLevel logLevel, final PrintWriter err) {
        this.logLevel = logLevel;
        this.configDir = configDir;
        this.stateDir = stateDir;
        this.socket = socket;
        this.httpListen = httpListen;
        this.err = err;
    }

    private static boolean timestamps(final NodeConfig.LogConfig log) {
        return switch (log.timestamps()) {
            case ALWAYS -> true;
            case NEVER -> false;
            case AUTO -> !Log.stderrIsJournal(System.getenv("JOURNAL_STREAM"));
        };
    }

    /** SIGHUP with a changed {@code [log]}: its timestamps, and its level unless {@code --log-level} set one. */
    private String applyLog(final NodeConfig.LogConfig log) {
        Log.setTimestamps(timestamps(log));
        if (logLevel != null) {
            return "[log] timestamps: " + log.timestamps().name().toLowerCase(java.util.Locale.ROOT) + " ([log] level "
                    + log.level().keyword() + " not applied: --log-level " + logLevel.keyword() + " wins)";
        }
        final LogLevel before = DaemonLogging.setLevel(log.level());
        return "[log] level: " + before.keyword() + " -> " + log.level().keyword() + ", timestamps: "
                + log.timestamps().name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Runs the daemon until a stop signal; the exit status (1 when it cannot start). */
    int run() {
        // The log's back end and the Unix sockets' set-up, on another thread while this one reads vrrpd.toml (issue
        // 12: EarlyStart says what and why); they touch nothing outside the JVM.
        EarlyStart.begin();
        final StartingHandler starting = new StartingHandler(START_PATIENCE);
        final ControlServer server = toControlSocket(starting);
        if (server == null) {
            return 1;
        }
        final LogLevel level = logLevel != null ? logLevel : node.log().level();
        // java.util.logging (what System.Logger writes to: the control plane, the libraries) into vrrpd's log, after
        // the socket: its set-up (LogManager; the look-up of a LoggerFinder opens every jar of the class path) was the
        // longest piece before it (issue 12), and nothing on the way to the socket logs through it.
        DaemonLogging.install();
        DaemonLogging.setLevel(level);
        // Served from here on: a request waits in StartingHandler for the verbs.
        server.accept();
        // The JIT at its usual share again (the launcher started it at nice 19 until the socket): CompilerThreads.
        CompilerThreads.renice();
        try {
            return runWithSocket(level, server, starting);
        } catch (RuntimeException | Error e) {
            starting.failed(e.toString());
            throw e;
        } finally {
            try {
                server.close(); // a second close (after the shutdown's) finds nothing left to do
            } catch (IOException e) {
                Log.warn("closing the control socket: " + e.getMessage());
            }
        }
    }

    /**
     * The start path up to the control socket's file (issue 12: exec -> socket): vrrpd.toml, [web]'s files, vrrpd's
     * log, the socket bound (not yet accepting; java.util.logging not yet routed into the log). Null when the start is refused (the reason printed on {@code err}).
     * EarlyStartTest runs exactly this in a fresh JVM and checks that it spins no class at run time.
     */
    ControlServer toControlSocket(final StartingHandler starting) {
        // vrrpd.toml first: a broken one refuses the start before anything is touched (FILE:LINE: message).
        try {
            node = NodeConfig.load(configDir);
        } catch (InvalidFileException e) {
            err.println(e.error());
            return null;
        }
        // [web] and --http: the non-loopback rule, the token file and the PEM files, before anything is touched.
        try {
            web = WebSetup.of(node.web(), httpListen);
        } catch (InvalidFileException e) {
            err.println(e.error());
            return null;
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return null;
        }
        // vrrpd's own log (Log: its writer thread, level and timestamps); java.util.logging comes after the socket.
        Log.startWriter();
        Log.setLevel(logLevel != null ? logLevel : node.log().level());
        Log.setTimestamps(timestamps(node.log()));
        FatalErrors.install();
        // The control socket first (issue 12: exec -> socket in a few hundred milliseconds): a request that comes
        // during the rest of the start waits for the daemon's verbs and is answered by them (StartingHandler), a
        // failed start's reason goes to those that waited. Before the namespace lock too: binding the socket touches
        // no interface, and another daemon on the same socket path is refused by the socket itself (it answers).
        try {
            return ControlServer.bind(socket, starting);
        } catch (IOException e) {
            err.println("vrrpd: cannot start: " + e.getMessage());
            return null;
        }
    }

    /**
     * The namespace lock, then the signals' set-up (a signal sent meanwhile stays pending, blocked by the launcher, or
     * is handled by the JVM as before), then the rest.
     */
    private int runWithSocket(final LogLevel level, final ControlServer server, final StartingHandler starting) {
        // Before anything touches an interface: one vrrpd per network namespace. A second one would adopt and
        // take down the first one's VNICs (and its removeLeftovers would delete the others).
        final NamespaceLock lock;
        try {
            // Waits up to 2 s for a holder passing through (the crash guard's --release-addresses of the previous
            // run tests the lock as this one starts); a running vrrpd keeps it and this one is refused.
            lock = NamespaceLock.acquireWithin("vrrpd", LOCK_WAIT_MS, 25).orElse(null);
        } catch (ErrnoException e) {
            err.println("vrrpd: cannot start: " + e.getMessage());
            starting.failed(e.getMessage());
            return 1;
        }
        if (lock == null) {
            final String taken = "another vrrpd is running in this network namespace (abstract socket @vrrpd is"
                    + " taken); nothing was changed";
            err.println("vrrpd: " + taken);
            starting.failed(taken);
            return 1;
        }
        try (lock) {
            SignalHandling.handleLogToggle(level);
            SignalHandling.restoreIgnored();
            return runServing(server, starting);
        }
    }

    /**
     * Holds the namespace lock and serves the control socket: the routers, the service cluster, the control verbs
     * and the web server, start to exit.
     */
    private int runServing(final ControlServer server, final StartingHandler starting) {
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
            starting.failed(e.getMessage());
            if (health != null) {
                health.close();
            }
            if (hooks != null) {
                hooks.close();
            }
            return 1;
        }
        // As soon as the routers run, before the slow part of the start (SignalHandling says why).
        final SignalHandling signals = SignalHandling.handleStop(runtime);
        final RouterControl control;
        final ConfigReload reload;
        WebServer webServer = null;
        // A cgroup per service where cgroup2 is writable (else process groups, logged): the handle the self-fence, the
        // fence guard and a crash clean-up kill a service's processes with.
        final ServiceCgroups cgroups = ServiceCgroups.detect(node.nodeName()).orElse(null);
        final LocalPrimitiveRunner primitives = new LocalPrimitiveRunner(Timeouts.DEFAULTS,
                LocalPrimitiveRunner.OCF_ROOT, LocalPrimitiveRunner.SYSTEMCTL, cgroups);
        // Before anything is reported to a cluster: what a crashed predecessor left running here is stopped.
        LeftoverServices.stop(configDir, stateDir, primitives, Log::info, Log::warn, "vrrpd: the previous vrrpd died"
                + " holding services: stopping them before joining the cluster: ");
        final FenceGuard guard = ClusterStartup.fenceGuard(node);
        ServiceCluster services = null;
        // /metrics' registry, made before the cluster starts so the primitives' durations are recorded from the first.
        final WebStartup webStartup = new WebStartup(web);
        // [defaults] check_interval, which a SIGHUP may change while create-service reads it
        final java.util.concurrent.atomic.AtomicLong checkInterval = new java.util.concurrent.atomic.AtomicLong(
                node.checkIntervalMillis());
        try {
            control = RouterControl.open(store, runtime, System::nanoTime);
            runtime.removeLeftovers(control.brokenFiles());
            // Started from this (ordinary) thread: the primitives' threads and programs must not inherit the
            // router loop's real-time scheduling.
            services = ClusterStartup.start(node, configDir, stateDir, webStartup.timing(primitives), primitives,
                    guard);
            final ControlVerbs verbs = ControlVerbs.of(control,
                    new ServiceControl(services, checkInterval::get, System::currentTimeMillis),
                    new ClusterQueries(services.exchange(), services, primitives, control,
                            primitives.timeouts().other()))
                    .plus(LogControl.VERBS, new LogControl(level -> {
                        final LogLevel before = DaemonLogging.setLevel(level);
                        Log.warn("log level " + level.keyword() + " (was " + before.keyword() + ": vrrpadm set-log-level)");
                        return before;
                    }, Log::level));;
            final ServiceCluster cluster = services;
            reload = new ConfigReload(configDir, httpListen, node, web, checkInterval, control,
                    new ServiceReload(configDir, services, cluster::records), webStartup).withLog(this::applyLog);
            // From this (ordinary) thread: the web server's threads must not inherit the loop's real-time scheduling.
            webServer = webStartup.start(verbs, runtime, health, services, reload::counts);
            starting.ready(verbs); // the requests that came during the start are answered now
        } catch (IOException | IllegalArgumentException e) {
            err.println("vrrpd: cannot start: " + e.getMessage());
            starting.failed(e.getMessage());
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
        SignalHandling.handleReload(reload);
        Log.info("vrrpd " + version() + " running " + runtime.names().size() + " router(s) from "
                + store.directory() + "; control socket " + server.path() + "; " + ConfigCheck.describe(node)
                + webStartup.describe());
        final SystemdNotifier systemd = SystemdNotifier.start(runtime.loop());
        systemd.ready(runtime.names().size() + " router(s); control socket " + server.path());
        signals.awaitStop();
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

    private static String version() {
        try {
            return VrrpdMain.version(); // not VrrpdMain.Version: it would load picocli's interface
        } catch (IOException e) {
            return "unknown";
        }
    }
}
