package io.vrrpd.daemon;

import io.vrrpd.daemon.control.ControlServer;
import io.vrrpd.daemon.control.StartingHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.LogManager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12, the start path: what {@link EarlyStart} sets up beside vrrpd.toml's reading — the log's back end, the
 * Unix domain sockets' static set-up (the security providers) and the temporary directory's random names — is ready
 * when its threads end, so the main thread loads (almost) nothing more for them when it installs the log and opens
 * the control socket. Checked in a fresh JVM (this one has long set them up): the classes loaded by the main
 * thread's log and socket calls after the early threads ended, against a run whose main thread does it all itself.
 */
class EarlyStartTest {

    @Test
    void theMainThreadFindsTheLogAndTheUnixSocketsSetUp() throws Exception {
        final int withEarlyStart = classesLoadedByMain("early");
        final int without = classesLoadedByMain("none");
        assertTrue(without >= 100, "a main thread on its own loads the security providers and more: " + without);
        assertTrue(withEarlyStart <= 15, "classes the main thread still loaded after EarlyStart: " + withEarlyStart
                + " (" + without + " without it)");
    }

    private static int classesLoadedByMain(final String mode) throws IOException, InterruptedException {
        final Process probe = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xshare:auto",
                "-cp", System.getProperty("java.class.path"), Probe.class.getName(), mode)
                .redirectErrorStream(true).start();
        final boolean ended = probe.waitFor(60, TimeUnit.SECONDS);
        final String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!ended) {
            probe.destroyForcibly();
        }
        assertTrue(ended, "the probe JVM did not end within 60 s: " + output);
        assertEquals(0, probe.exitValue(), output);
        final List<String> lines = output.lines().toList();
        return Integer.parseInt(lines.getLast().strip());
    }

    /**
     * The main thread's whole path from {@link Daemon#run}'s start to the control socket's file (vrrpd.toml absent, no
     * web server) spins no class at run time — no lambda, method handle form or string concatenation: with ZGC the AOT
     * cache links none of them, so each was spun there, ~1-10 ms of interpreted class generation apiece (the regex of
     * the node name, LogLevel's stream, the log writer's lambdas, SimpleFormatter's) — and loads no Jackson (its jars
     * opened for the request code, which the first connection needs, not the bind) and no ForkJoinPool
     * (CompletableFuture's static set-up). Checked in a fresh JVM without the CDS archive (so every lambda is spun and
     * logged), from {@code -Xlog:class+load} with thread ids: the main thread's loads between two marker classes.
     */
    @Test
    void theMainThreadsPathToTheControlSocketSpinsNoClass(@TempDir final Path dir) throws Exception {
        final List<String> loaded = socketPath(dir, "early");
        assertTrue(loaded.size() > 20, "the path's own classes are seen: " + loaded);
        final List<String> forbidden = loaded.stream()
                .filter(name -> name.contains("/0x") || name.startsWith("com.fasterxml.")
                        || name.startsWith("java.util.concurrent.ForkJoinPool")
                        || name.startsWith("java.util.regex."))
                .toList();
        assertEquals(List.of(), forbidden, "spun or loaded by the main thread on its way to the socket ("
                + loaded.size() + " classes in all)");
    }

    /**
     * java.util.logging is routed into vrrpd's log after the socket, not before: its set-up (LogManager, and the
     * LoggerFinder look-up, which opens every jar of the class path) was the early log thread's work that the main
     * thread waited for before the socket. Without the early thread, the main thread's path loads none of it.
     */
    @Test
    void theMainThreadsPathToTheControlSocketSetsUpNoJavaUtilLogging(@TempDir final Path dir) throws Exception {
        final List<String> loaded = socketPath(dir, "alone");
        final List<String> logging = loaded.stream()
                .filter(name -> name.startsWith("java.util.logging.") || name.startsWith("jdk.internal.logger.")
                        || name.startsWith("sun.util.logging."))
                .toList();
        assertEquals(List.of(), logging, "java.util.logging set up by the main thread before the socket ("
                + loaded.size() + " classes in all)");
    }

    /**
     * The classes the main thread loads in {@link Daemon#toControlSocket}, in a fresh JVM ("early": EarlyStart's thread
     * joined first; "alone": no EarlyStart).
     */
    private static List<String> socketPath(final Path dir, final String mode) throws Exception {
        final Path log = dir.resolve("class-load-" + mode + ".log");
        final Process probe = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xshare:off",
                "-Xlog:class+load=info:file=" + log + ":tid", "-cp", System.getProperty("java.class.path"),
                SocketPathProbe.class.getName(), dir.resolve(mode).toString(), mode)
                .redirectErrorStream(true).start();
        final boolean ended = probe.waitFor(60, TimeUnit.SECONDS);
        final String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!ended) {
            probe.destroyForcibly();
        }
        assertTrue(ended, "the probe JVM did not end within 60 s: " + output);
        assertEquals(0, probe.exitValue(), output);
        return loadedBetweenMarkers(Files.readAllLines(log));
    }

    /** The class names the marker's thread loaded between {@code SocketPathProbe$Before} and {@code $After}. */
    private static List<String> loadedBetweenMarkers(final List<String> lines) {
        String thread = null;
        final List<String> loaded = new ArrayList<>();
        for (final String line : lines) {
            // [TID] NAME source: ...
            final int close = line.indexOf("] ");
            if (!line.startsWith("[") || close < 0) {
                continue;
            }
            final String tid = line.substring(1, close);
            final String name = line.substring(close + 2).split(" ", 2)[0];
            if (name.equals(SocketPathProbe.Before.class.getName())) {
                thread = tid;
            } else if (name.equals(SocketPathProbe.After.class.getName())) {
                assertEquals(thread, tid, "the markers are loaded by one thread");
                return loaded;
            } else if (tid.equals(thread)) {
                loaded.add(name);
            }
        }
        throw new AssertionError("markers not found in the class-load log (" + lines.size() + " lines)");
    }

    /**
     * The child JVM: args DIR MODE; the early thread (joined) in mode "early", then {@link Daemon#toControlSocket}
     * between the two markers.
     */
    public static final class SocketPathProbe {
        public static void main(final String[] args) throws Exception {
            final Path dir = Files.createDirectories(Path.of(args[0]));
            final Path config = Files.createDirectories(dir.resolve("etc"));
            final Daemon daemon = new Daemon(config, dir.resolve("state"), dir.resolve("vrrpd.sock"), null, null,
                    new PrintWriter(System.err, true));
            if (args[1].equals("early")) {
                for (final Thread thread : EarlyStart.begin()) {
                    thread.join();
                }
            }
            Before.mark();
            final ControlServer server = daemon.toControlSocket(new StartingHandler(Duration.ofSeconds(1)));
            After.mark();
            if (server == null) {
                throw new AssertionError("no control socket (see above)");
            }
            server.close();
            Runtime.getRuntime().halt(0); // the log writer's shutdown hook and the JVM's exit are not the path
        }

        /** Loaded first by the main thread just before the path. */
        static final class Before {
            static void mark() {
            }
        }

        /** Loaded first by the main thread just after the socket. */
        static final class After {
            static void mark() {
            }
        }
    }

    /** The child JVM: prints how many classes the main thread's log and socket calls loaded. */
    public static final class Probe {
        public static void main(final String[] args) throws Exception {
            final ClassLoadingMXBean classes = ManagementFactory.getClassLoadingMXBean();
            classes.getTotalLoadedClassCount();
            if (args[0].equals("early")) {
                for (final Thread thread : EarlyStart.begin()) {
                    thread.join();
                }
            }
            final long before = classes.getTotalLoadedClassCount();
            LogManager.getLogManager();
            System.LoggerFinder.getLoggerFinder();
            try (ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                channel.getOption(StandardSocketOptions.SO_RCVBUF); // the options and Net, which the bind sets up
            }
            new SecureRandom().nextLong(); // what Files.createTempDirectory draws its name from
            System.getenv("JOURNAL_STREAM"); // the log's timestamps: stderr journald's?
            System.out.println(classes.getTotalLoadedClassCount() - before);
        }
    }
}
