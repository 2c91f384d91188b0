package io.vrrpd.daemon;

import io.vrrpd.cluster.primitive.LocalPrimitiveRunner;
import io.vrrpd.cluster.primitive.Timeouts;
import io.vrrpd.daemon.config.MacMode;
import io.vrrpd.daemon.config.RouterSpec;
import io.vrrpd.daemon.config.RouterStore;
import io.vrrpd.daemon.runtime.Leftovers;
import io.vrrpd.linux.ErrnoException;
import io.vrrpd.linux.NamespaceLock;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code vrrpd --release-addresses}: what a service manager runs after the daemon died without its SIGTERM shutdown.
 * Apart from VrrpdMain because it is a one-shot clean-up of another (dead) daemon's leftovers, sharing nothing with a
 * running daemon's start-up but {@link LeftoverServices}.
 */
final class AddressRelease {

    /** How long a release waits for the namespace lock before it refuses: a passing holder, never a daemon. */
    static final long LOCK_WAIT_MS = 5_000;

    private AddressRelease() {
    }

    /** Releases the VNICs, the real-MAC addresses and the services started here; the exit status. */
    static int run(final Path configDir, final Path stateDir, final PrintWriter out, final PrintWriter err) {
        // Never beside a running daemon (a launcher's crash guard racing a restarted vrrpd): its VNICs are its own.
        // The lock is only tested, not held while releasing: a daemon starting meanwhile must not be refused (it
        // takes its VNICs down at start anyway, and brings one up only as Master, much later than these calls).
        // Tested for up to LOCK_WAIT_MS, as a starting daemon does: another release passing through (the launcher's
        // crash guard, run at the same moment as an operator's or ExecStopPost's) holds it for a moment, and a single
        // test then refused one of the two (CI, RealMacIT); a running daemon keeps it and is refused after the wait.
        final NamespaceLock lock;
        try {
            lock = NamespaceLock.acquireWithin("vrrpd", LOCK_WAIT_MS, 25).orElse(null);
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
        return releaseUnlocked(configDir, stateDir, out, err);
    }

    private static int releaseUnlocked(final Path configDir, final Path stateDir, final PrintWriter out,
                                       final PrintWriter err) {
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
                LocalPrimitiveRunner.SYSTEMCTL, LeftoverServices.recordedCgroups(stateDir))) {
            status = LeftoverServices.stop(configDir, stateDir, runner, out::println, line -> err.println(line),
                    "vrrpd: ");
        }
        try {
            final List<String> released = Leftovers.release(realMac);
            out.println("vrrpd: released " + released.size() + (released.isEmpty() ? "" : ": "
                    + String.join(", ", released)));
        } catch (IOException e) {
            err.println("vrrpd: --release-addresses: " + e.getMessage());
            status = 1;
        }
        return status;
    }
}
