package io.vrrpd.daemon;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.security.SecureRandom;
import java.util.logging.LogManager;

/**
 * The JVM-wide set-up the start needs and that depends on nothing vrrpd.toml says, run on two threads of its own from
 * the first line of {@link Daemon#run} while the main thread reads vrrpd.toml (issue 12: exec -> control socket). Each
 * piece is tens of milliseconds of interpreted JDK code that the main thread ran, one after the other, before the
 * socket (docs/BENCHMARKS.md "exec -> control socket"):
 * <ul>
 * <li>the Unix domain sockets, which the socket needs: the JDK's static set-up seeds a {@code SecureRandom} for the
 *     names of auto-bound sockets (which vrrpd never uses), which sets up the security providers — opening a channel
 *     of that family runs it —; the socket options and static addresses the bind uses; and the default
 *     {@code SecureRandom}, from which the control socket's private directory ({@code Files.createTempDirectory})
 *     draws its name (its first number sets up SHA-1 to mix the kernel's bytes);</li>
 * <li>the log's back end, which the main thread needs right after the socket (it routes java.util.logging into
 *     vrrpd's log there): java.util.logging's {@link LogManager} (its levels' set-up spins lambdas and streams) and
 *     the {@link System.LoggerFinder}, whose look-up asks every jar of the class path for a
 *     {@code META-INF/services} entry (it opens each jar); and the process environment's copy, from which the log's
 *     timestamps ask whether stderr is journald's.</li>
 * </ul>
 * The main thread does not wait for these threads: when it comes to a piece still being set up, the JVM's class
 * initialisation (and LogManager's own lock) makes it wait for that piece and then use it, so what is done is the
 * same as before, only overlapped with vrrpd.toml. Nothing here logs, touches anything outside the JVM or depends on
 * the configuration; a failure here is left for the main thread to meet and report where it did before. No lambda
 * here: the first one costs the JVM's lambda set-up, which the main thread would then wait for before vrrpd.toml.
 */
final class EarlyStart {

    private EarlyStart() {
    }

    /** Starts both set-ups on daemon platform threads (they never hold the JVM up); returns them (tests join them). */
    static Thread[] begin() {
        return new Thread[] {start("vrrpd-early-log", new LogBackEnd()), start("vrrpd-early-socket", new UnixSockets())};
    }

    private static Thread start(final String name, final Runnable work) {
        final Thread thread = new Thread(null, work, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** The log's back end. */
    static final class LogBackEnd implements Runnable {
        @Override
        public void run() {
            try {
                LogManager.getLogManager();
                System.LoggerFinder.getLoggerFinder();
                // The environment's copy (ProcessEnvironment parses all of it on first use, ~10 ms interpreted): the
                // main thread asks for JOURNAL_STREAM when it sets the log's timestamps.
                System.getenv("JOURNAL_STREAM");
            } catch (RuntimeException e) {
                // the main thread meets the same failure when it installs the log, and reports it
            }
        }
    }

    /** The Unix domain sockets' set-up and the temporary directory's random names. */
    static final class UnixSockets implements Runnable {
        @Override
        public void run() {
            // The security providers first: the main thread needs them before the channel (ControlServer names its
            // private directory with Files.createTempDirectory, whose SecureRandom sets them up), and with the channel
            // first the main thread came to them before this thread and set them up itself (-Xlog:class+load, issue 12).
            try {
                new SecureRandom().nextLong();
            } catch (RuntimeException e) {
                // ControlServer meets the same failure when it names its directory, and reports it
            }
            try (ServerSocketChannel unused = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                // Opened for the JDK's set-up only (ControlServer opens and binds the real one); an option read from it
                // sets up the socket options and the JDK's Net class (its static addresses), which the bind needs.
                unused.getOption(StandardSocketOptions.SO_RCVBUF);
            } catch (IOException | RuntimeException e) {
                // ControlServer meets the same failure when it opens its channel, and reports it
            }
        }
    }
}
