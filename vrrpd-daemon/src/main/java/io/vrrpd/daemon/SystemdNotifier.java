package io.vrrpd.daemon;

import io.vrrpd.daemon.runtime.Log;
import io.vrrpd.daemon.runtime.VrrpLoop;
import io.vrrpd.linux.ErrnoException;
import io.vrrpd.linux.SdNotify;

import java.util.Optional;

/**
 * vrrpd under systemd ({@code packaging/vrrpd.service}, {@code Type=notify}): {@code READY=1} once the routers
 * are loaded and the control socket answers, so units ordered {@code After=vrrpd.service} find their
 * addresses plumbed; {@code WATCHDOG=1} from the router loop itself at half the watchdog period, so a wedged
 * loop (not just a live process) makes systemd restart the daemon; {@code STOPPING=1} on SIGTERM. Without
 * {@code $NOTIFY_SOCKET} every call does nothing.
 */
final class SystemdNotifier implements AutoCloseable {
    private final Optional<SdNotify> notify;

    private SystemdNotifier(final Optional<SdNotify> notify) {
        this.notify = notify;
    }

    static SystemdNotifier start(final VrrpLoop loop) {
        Optional<SdNotify> notify;
        try {
            notify = SdNotify.fromEnvironment();
        } catch (ErrnoException | IllegalArgumentException e) {
            Log.warn("systemd notification disabled: " + e.getMessage());
            notify = Optional.empty();
        }
        final SystemdNotifier notifier = new SystemdNotifier(notify);
        final long period = SdNotify.watchdogNanos() / 2;
        if (notify.isPresent() && period > 0) {
            loop.post(() -> {
                final int[] slot = new int[1];
                slot[0] = loop.register(now -> {
                    notifier.send("WATCHDOG=1");
                    loop.arm(slot[0], now + period);
                });
                loop.arm(slot[0], System.nanoTime() + period);
            });
            Log.info("systemd watchdog: the router loop pings every " + period / 1_000_000 + " ms");
        }
        return notifier;
    }

    void ready(final String status) {
        send("READY=1\nSTATUS=" + status);
    }

    void stopping() {
        send("STOPPING=1\nSTATUS=stopping: Masters sent priority 0");
    }

    private void send(final String state) {
        notify.ifPresent(n -> {
            try {
                n.send(state);
            } catch (ErrnoException e) {
                Log.warn("systemd notification failed: " + e.getMessage());
            }
        });
    }

    @Override
    public void close() {
        notify.ifPresent(SdNotify::close);
    }
}
