package io.vrrpd.daemon;

import io.vrrpd.cluster.FenceGuard;
import io.vrrpd.cluster.engine.ServiceCluster;
import io.vrrpd.cluster.primitive.LocalPrimitiveRunner;
import io.vrrpd.cluster.primitive.ServiceCgroups;
import io.vrrpd.cluster.primitive.Timeouts;
import io.vrrpd.daemon.config.AtomicFiles;
import io.vrrpd.daemon.config.Endpoint;
import io.vrrpd.daemon.config.InvalidFileException;
import io.vrrpd.daemon.config.NodeConfig;
import io.vrrpd.daemon.config.RouterStore;
import io.vrrpd.daemon.control.ClusterQueries;
import io.vrrpd.daemon.control.ControlServer;
import io.vrrpd.daemon.control.ControlVerbs;
import io.vrrpd.daemon.control.RouterControl;
import io.vrrpd.daemon.control.ServiceControl;
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
 * The running daemon, from vrrpd.toml to exit: the start-up wiring (routers, service cluster, control verbs, control
 * socket, web server) and the shutdown sequence. Apart from VrrpdMain (the command line) because its order is the
 * point and reads best on its own: each step says why it comes where it does. The parts live in
 * {@link SignalHandling}, {@link LeftoverServices}, {@link ClusterStartup} and {@link WebStartup}.
 */
final class Daemon {

    private final Path configDir;
    private final Path stateDir;
    private final Path socket;
    /** {@code --http}, parsed; null without it. */
    private final Endpoint httpListen;
    private final PrintWriter err;
    /** vrrpd.toml as read at start: this node's name, its cluster, the defaults. */
    private NodeConfig node;
    /** The web server's settings and files, null when it is off. */
    private WebSetup web;

    Daemon(final Path configDir, final Path stateDir, final Path socket, final Endpoint httpListen,
           final PrintWriter err) {
        this.configDir = configDir;
        this.stateDir = stateDir;
        this.socket = socket;
        this.httpListen = httpListen;
        this.err = err;
    }

    /** Runs the daemon until a stop signal; the exit status (1 when it cannot start). */
    int run() {
        // vrrpd.toml first: a broken one refuses the start before anything is touched (FILE:LINE: message).
        try {
            node = NodeConfig.load(configDir);
        } catch (InvalidFileException e) {
            err.println(e.error());
            return 1;
        }
        // [web] and --http: the non-loopback rule, the token file and the PEM files, before anything is touched.
        try {
            web = WebSetup.of(node.web(), httpListen);
        } catch (InvalidFileException e) {
            err.println(e.error());
            return 1;
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 1;
        }
        DaemonLogging.install();
        FatalErrors.install();
        SignalHandling.restoreIgnored();
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

    /**
     * Holds the namespace lock: the routers, the service cluster, the control socket and the web server, start to
     * exit.
     */
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
        // As soon as the routers run, before the slow part of the start (SignalHandling says why).
        final SignalHandling signals = SignalHandling.handleStop(runtime);
        final RouterControl control;
        final ControlServer server;
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
        try {
            control = RouterControl.open(store, runtime, System::nanoTime);
            runtime.removeLeftovers();
            // Started from this (ordinary) thread: the primitives' threads and programs must not inherit the
            // router loop's real-time scheduling.
            services = ClusterStartup.start(node, configDir, stateDir, webStartup.timing(primitives), primitives,
                    guard);
            final ControlVerbs verbs = ControlVerbs.of(control,
                    new ServiceControl(services, node.checkIntervalMillis(), System::currentTimeMillis),
                    new ClusterQueries(services.exchange(), services, primitives, control,
                            primitives.timeouts().other()));
            // From this (ordinary) thread: the web server's threads must not inherit the loop's real-time scheduling.
            webServer = webStartup.start(verbs, runtime, health, services);
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
        SignalHandling.handleReload(control, store);
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
            return new VrrpdMain.Version().getVersion()[0].replaceFirst("^vrrpd ", "");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
