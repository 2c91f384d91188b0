package io.vrrpd.daemon;

import io.vrrpd.daemon.config.LogLevel;
import io.vrrpd.daemon.runtime.LinuxRouterRuntime;
import io.vrrpd.daemon.runtime.Log;
import io.vrrpd.daemon.runtime.VrrpLoop;
import io.vrrpd.linux.ErrnoException;
import io.vrrpd.linux.SignalFd;
import io.vrrpd.linux.Signals;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The daemon's signals: TERM/INT stop (every Master sends priority 0 first), HUP reloads the configuration files. Apart from
 * VrrpdMain because their timing is the point: the stop handler is installed as soon as the routers run and does the
 * urgent part of the shutdown on the signal thread itself; the rest of the shutdown waits in {@link #awaitStop()}.
 *
 * <p>Two ways in. Started by bin/vrrpd, the three signals arrive blocked in every thread (the launcher's {@code env
 * --block-signal} and {@code -Xrs}; {@link SignalFd} says why): a real-time thread of ours reads SIGTERM/SIGINT from
 * a signalfd and starts the shutdown at once, without the JVM's relay (its dispatcher thread, then a new thread per
 * signal), and another reads SIGHUP. A signal sent before its reader exists stays pending until then. Started any
 * other way (in-process tests, a plain {@code java} command), the JVM's handlers as before.
 */
final class SignalHandling {

    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicReference<String> stopReason = new AtomicReference<>();

    private SignalHandling() {
    }

    /**
     * SIGHUP (reload), SIGTERM and SIGINT (stop) back to their defaults if whoever started vrrpd ignored them
     * ({@code nohup}, a script's {@code &}): the JVM does not handle an ignored signal, and a SIGHUP would then
     * reload nothing, silently (ReloadIT failed so under {@code nohup .ci/run}).
     */
    static void restoreIgnored() {
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

    /**
     * Handles SIGTERM and SIGINT from now on. Installed as soon as the routers run, before the slow part of the start
     * (joining the service cluster can take seconds): a SIGTERM meanwhile must still make every Master send priority
     * 0, not kill the JVM. The shutdown itself (priority 0 from every Master) starts on the thread that got the
     * signal — our signalfd reader, or the JVM's handler thread — so the advertisement leaves within a loop hop of it.
     * The reader does nothing else (no thread it could start inherits its real-time class).
     */
    static SignalHandling handleStop(final LinuxRouterRuntime runtime) {
        final SignalHandling signals = new SignalHandling();
        if (viaSignalFd()) {
            final SignalFd stops;
            try {
                stops = SignalFd.open(Signals.SIGTERM, Signals.SIGINT);
            } catch (ErrnoException e) {
                // Blocked, unread: the daemon could not be stopped but by SIGKILL. Refuse to run so.
                throw new IllegalStateException("SIGTERM/SIGINT are blocked but cannot be read: " + e.getMessage(), e);
            }
            Log.info("signals: read from a signalfd (the launcher blocked SIGTERM, SIGINT, SIGHUP)");
            Thread.ofPlatform().name("vrrpd-signals").daemon(true).start(() -> {
                // Real-time like the router loop: the signal's way to the wire should not queue behind busy threads.
                VrrpLoop.tuneThisThread("signal reader");
                try (stops) {
                    final SignalFd.Received received = stops.read();
                    signals.stop(runtime, received.signal() == Signals.SIGINT ? "INT" : "TERM");
                } catch (ErrnoException e) {
                    Log.error("signals: " + e.getMessage() + "; stopping");
                    signals.stop(runtime, "TERM");
                }
            });
        } else {
            final SignalHandler stop = signal -> signals.stop(runtime, signal.getName());
            Signal.handle(new Signal("TERM"), stop);
            Signal.handle(new Signal("INT"), stop);
        }
        return signals;
    }

    /** The stop, from a signal: the first one only; every Master sends priority 0 before this returns. */
    private void stop(final LinuxRouterRuntime runtime, final String signal) {
        if (stopReason.compareAndSet(null, "vrrpd stopping (SIG" + signal + ")")) {
            final long handled = System.nanoTime();
            try {
                runtime.shutdown(stopReason.get());
                Log.info("SIG" + signal + ": every router left the group "
                        + (System.nanoTime() - handled) / 1_000 + " µs after the handler started");
            } finally {
                stopped.countDown(); // whatever happened above, the daemon goes on to exit: never a hang
            }
        }
    }

    /** Whether the launcher blocked the three signals (then they can only be read from a signalfd). */
    private static boolean viaSignalFd() {
        return SignalFd.blocked(Signals.SIGTERM, Signals.SIGINT, Signals.SIGHUP);
    }

    /**
     * SIGUSR1 switches the log between {@code debug} and {@code configured} (the level vrrpd started with), for a
     * look at the per-packet detail without a restart; the switch itself is logged at warning (always written).
     * Read from a signalfd when the launcher blocked it (bin/vrrpd, the package's vrrpd: with -Xrs the JVM has no
     * signal dispatcher, so a {@link Signal} handler would never run and SIGUSR1's default action, terminate,
     * would stop the daemon), else with the JVM's handler.
     */
    static void handleLogToggle(final LogLevel configured) {
        // Started at debug: the switch is between debug and info.
        final LogLevel base = configured == LogLevel.DEBUG ? LogLevel.INFO : configured;
        final Runnable toggle = () -> {
            final LogLevel next = Log.level() == LogLevel.DEBUG ? base : LogLevel.DEBUG;
            final LogLevel before = DaemonLogging.setLevel(next);
            Log.warn("SIGUSR1: log level " + next.keyword() + " (was " + before.keyword() + "; SIGUSR1 again for "
                    + (next == LogLevel.DEBUG ? base.keyword() : "debug") + ")");
        };
        if (!SignalFd.blocked(Signals.SIGUSR1)) {
            Signal.handle(new Signal("USR1"), signal -> toggle.run());
            return;
        }
        final SignalFd toggles;
        try {
            toggles = SignalFd.open(Signals.SIGUSR1);
        } catch (ErrnoException e) {
            Log.error("signals: SIGUSR1 cannot be read (" + e.getMessage() + "): use vrrpadm set-log-level");
            return;
        }
        Thread.ofPlatform().name("vrrpd-log-level").daemon(true).start(() -> {
            try (toggles) {
                while (!Thread.currentThread().isInterrupted()) { // until the process exits (a daemon thread)
                    toggles.read();
                    toggle.run();
                }
            } catch (ErrnoException e) {
                Log.error("signals: " + e.getMessage() + ": SIGUSR1 is not read from now on");
            }
        });
    }

    /**
     * Handles SIGHUP from now on: reloads the configuration files ({@link ConfigReload}) on a thread of its own (a
     * reload reads files, may add or remove routers and waits for cluster commits: not on the signal thread, which a
     * stop must find free, and never on the router loop).
     */
    static void handleReload(final ConfigReload config) {
        final Runnable reload = () -> {
            try {
                config.run();
            } catch (RuntimeException e) {
                Log.error("reload: " + e + " (what was applied before it stays; the rest keeps its running"
                        + " configuration)");
            }
        };
        if (!viaSignalFd()) {
            Signal.handle(new Signal("HUP"), signal -> Thread.ofPlatform().name("vrrpd-reload").start(reload));
            return;
        }
        final SignalFd reloads;
        try {
            reloads = SignalFd.open(Signals.SIGHUP);
        } catch (ErrnoException e) {
            Log.error("signals: SIGHUP cannot be read (" + e.getMessage() + "): no reload on SIGHUP;"
                    + " vrrpadm's verbs still work");
            return;
        }
        // One reload after another on this thread (a SIGHUP during a reload: the next one, once it is done).
        Thread.ofPlatform().name("vrrpd-reload").daemon(true).start(() -> {
            try (reloads) {
                while (!Thread.currentThread().isInterrupted()) { // until the process exits (a daemon thread)
                    reloads.read();
                    reload.run();
                }
            } catch (ErrnoException e) {
                Log.error("signals: " + e.getMessage() + ": no reload on SIGHUP from now on");
            }
        });
    }

    /** Waits until a stop signal's handler has finished (the routers have left their groups). */
    void awaitStop() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
