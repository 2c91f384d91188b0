package io.vrrpd.daemon;

import io.vrrpd.daemon.config.LogLevel;
import io.vrrpd.daemon.runtime.LinuxRouterRuntime;
import io.vrrpd.daemon.runtime.Log;
import io.vrrpd.linux.ErrnoException;
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
     * 0, not kill the JVM. Signal handlers run on the JVM's signal thread: the shutdown itself (priority 0 from every
     * Master) starts right there, so the advertisement leaves within a loop hop of the signal.
     */
    static SignalHandling handleStop(final LinuxRouterRuntime runtime) {
        final SignalHandling signals = new SignalHandling();
        final SignalHandler stop = signal -> {
            if (signals.stopReason.compareAndSet(null, "vrrpd stopping (SIG" + signal.getName() + ")")) {
                final long handled = System.nanoTime();
                try {
                    runtime.shutdown(signals.stopReason.get());
                    Log.info("SIG" + signal.getName() + ": every router left the group "
                            + (System.nanoTime() - handled) / 1_000 + " µs after the handler started");
                } finally {
                    signals.stopped.countDown(); // whatever happened above, the daemon goes on to exit: never a hang
                }
            }
        };
        Signal.handle(new Signal("TERM"), stop);
        Signal.handle(new Signal("INT"), stop);
        return signals;
    }

    /**
     * SIGUSR1 switches the log between {@code debug} and {@code configured} (the level vrrpd started with), for a
     * look at the per-packet detail without a restart; the switch itself is logged at warning (always written).
     * On the signal thread: it only sets two levels.
     */
    static void handleLogToggle(final LogLevel configured) {
        Signal.handle(new Signal("USR1"), signal -> {
            // Started at debug: the switch is between debug and info.
            final LogLevel base = configured == LogLevel.DEBUG ? LogLevel.INFO : configured;
            final LogLevel next = Log.level() == LogLevel.DEBUG ? base : LogLevel.DEBUG;
            final LogLevel before = DaemonLogging.setLevel(next);
            Log.warn("SIGUSR1: log level " + next.keyword() + " (was " + before.keyword() + "; SIGUSR1 again for "
                    + (next == LogLevel.DEBUG ? base.keyword() : "debug") + ")");
        });
    }

    /**
     * Handles SIGHUP from now on: reloads the configuration files ({@link ConfigReload}) on a thread of its own (a
     * reload reads files, may add or remove routers and waits for cluster commits: not on the signal thread, which a
     * stop must find free, and never on the router loop).
     */
    static void handleReload(final ConfigReload reload) {
        Signal.handle(new Signal("HUP"), signal -> Thread.ofPlatform().name("vrrpd-reload").start(() -> {
            try {
                reload.run();
            } catch (RuntimeException e) {
                Log.error("reload: " + e + " (what was applied before it stays; the rest keeps its running"
                        + " configuration)");
            }
        }));
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
