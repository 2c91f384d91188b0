package io.vrrpd.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code vrrpd} of a lab host: {@code ip netns exec NS bin/vrrpd --config-dir D/config --state-dir
 * D/state --socket D/vrrpd.sock}. The directories stay the same across restarts (that is how persistence is
 * tested). Every stderr line is written to {@code D/vrrpd.log} and kept with the time it arrived, so a test
 * can wait for a log line and measure when it came. Signals go to this process only, by its pid ({@code ip
 * netns exec} and {@code bin/vrrpd} both exec, so the pid is the daemon's JVM).
 */
final class Daemon {
    private static final java.time.format.DateTimeFormatter STAMP =
            java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
    /** A state change line: {@code [NAME vrid N IPv4] BACKUP -> MASTER (reason)}. */
    static final Pattern TRANSITION = Pattern.compile(
            "\\[(\\S+) vrid (\\d+) (IPv4|IPv6)] (INIT|BACKUP|MASTER) -> (INIT|BACKUP|MASTER)(?: \\((.*)\\))?");
    static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);

    /** A log line and when the test saw it ({@link System#nanoTime()}). */
    record Line(long nanos, String text) {
    }

    private final Lab lab;
    private final String host;
    private final Path dir;
    private final Control control;
    private final List<Line> lines = new ArrayList<>();
    private Process process;
    private Thread reader;
    private int starts;
    private boolean noGuard;
    private boolean nohup;
    private List<String> extraArgs = List.of();

    Daemon(final Lab lab, final String host, final Path dir) {
        this.lab = lab;
        this.host = host;
        this.dir = dir;
        this.control = new Control(socket());
        try {
            Files.createDirectories(configDir());
            Files.createDirectories(stateDir());
        } catch (IOException e) {
            throw new AssertionError("cannot create " + dir, e);
        }
    }

    String host() {
        return host;
    }

    Path configDir() {
        return dir.resolve("config");
    }

    Path stateDir() {
        return dir.resolve("state");
    }

    Path socket() {
        return dir.resolve("vrrpd.sock");
    }

    Path logFile() {
        return dir.resolve("vrrpd.log");
    }

    Control control() {
        return control;
    }

    /**
     * Runs this host's daemons without {@code bin/vrrpd}'s crash guard ({@code VRRPD_NO_GUARD=1}), as systemd
     * does: after a SIGKILL its VNICs stay as they were until {@code vrrpd --release-addresses} or a new daemon.
     */
    Daemon noGuard() {
        noGuard = true;
        return this;
    }

    /** Starts this host's daemons with these options too (e.g. {@code --http 127.0.0.1:8080}); replaces earlier ones. */
    Daemon withArgs(final String... args) {
        extraArgs = List.of(args);
        return this;
    }

    /** Starts this host's daemons under {@code nohup}: SIGHUP ignored when vrrpd starts, as a user's shell may do. */
    Daemon underNohup() {
        nohup = true;
        return this;
    }

    /** Starts the daemon and waits until it answers on its socket. */
    Daemon start() {
        if (running()) {
            throw new AssertionError("vrrpd on " + host + " is already running (pid " + process.pid() + ")");
        }
        starts++;
        final List<String> argv = new java.util.ArrayList<>(List.of("ip", "netns", "exec", lab.ns(host)));
        if (nohup) {
            argv.add("nohup"); // execs the daemon with SIGHUP ignored (its output is not a terminal: nothing else)
        }
        argv.addAll(List.of(Lab.home().resolve("bin/vrrpd").toString(),
                "--config-dir", configDir().toString(), "--state-dir", stateDir().toString(),
                "--socket", socket().toString()));
        argv.addAll(extraArgs);
        try {
            final Writer log = Files.newBufferedWriter(logFile(), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            log.write("==== start " + starts + ": " + String.join(" ", argv) + "\n");
            log.flush();
            final ProcessBuilder builder = new ProcessBuilder(argv)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("vrrpd.stdout").toFile()));
            if (noGuard) {
                builder.environment().put("VRRPD_NO_GUARD", "1");
            } else {
                builder.environment().remove("VRRPD_NO_GUARD");
            }
            final Process started = builder.start();
            started.getOutputStream().close();
            process = started;
            lab.track(started);
            reader = Thread.ofPlatform().daemon(true).name("vrrpd-log-" + host).start(() -> {
                try (log; BufferedReader in = new BufferedReader(new InputStreamReader(started.getErrorStream(),
                        StandardCharsets.UTF_8))) {
                    for (String text = in.readLine(); text != null; text = in.readLine()) {
                        synchronized (lines) {
                            lines.add(new Line(System.nanoTime(), text));
                        }
                        // Stamped with the wall clock as read (the daemon logs for journald, which stamps itself).
                        log.write(STAMP.format(java.time.LocalTime.now()) + " " + text + "\n");
                        log.flush();
                    }
                } catch (IOException e) {
                    // the daemon ended
                }
            });
        } catch (IOException e) {
            throw new AssertionError("cannot start vrrpd on " + host + ": " + e.getMessage(), e);
        }
        final long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!control.answers()) {
            if (!process.isAlive()) {
                joinReader();
                throw new AssertionError("vrrpd on " + host + " exited with " + process.exitValue()
                        + " before answering on " + socket() + "; its log:\n" + log());
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("vrrpd on " + host + " did not answer on " + socket() + " within "
                        + START_TIMEOUT + "; its log:\n" + log());
            }
            Wait.sleep(Duration.ofMillis(50));
        }
        return this;
    }

    boolean running() {
        return process != null && process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /** SIGTERM (to the daemon's pid); returns the exit status. Fails if it does not end in time. */
    int stop() {
        if (!running()) {
            throw new AssertionError("vrrpd on " + host + " is not running");
        }
        process.destroy(); // SIGTERM
        return awaitExit(STOP_TIMEOUT);
    }

    /** SIGKILL (to the daemon's pid): a crash; nothing the daemon can do. Returns the exit status (137). */
    int kill() {
        if (!running()) {
            throw new AssertionError("vrrpd on " + host + " is not running");
        }
        process.destroyForcibly(); // SIGKILL
        return awaitExit(STOP_TIMEOUT);
    }

    private int awaitExit(final Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                throw new AssertionError("vrrpd on " + host + " did not exit within " + timeout
                        + " of the signal (killed); its log:\n" + log());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        joinReader();
        return process.exitValue();
    }

    /** Ends the daemon if it runs, quietly: SIGTERM, then SIGKILL after a bound. For teardown. */
    void ensureStopped() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        joinReader();
    }

    private void joinReader() {
        if (reader != null) {
            try {
                reader.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The log lines seen so far (all starts). */
    List<Line> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** Log lines since {@code startNanos}. */
    List<Line> linesSince(final long startNanos) {
        return lines().stream().filter(line -> line.nanos() - startNanos >= 0).toList();
    }

    /** The whole log file (all starts), for failure messages. */
    String log() {
        try {
            return Files.exists(logFile()) ? Files.readString(logFile()) : "(no log)";
        } catch (IOException e) {
            return "(cannot read " + logFile() + ": " + e + ")";
        }
    }

    /** The first line since {@code startNanos} that {@code pattern} finds in, within {@code timeout}. */
    Line awaitLog(final Pattern pattern, final long startNanos, final Duration timeout) {
        return Wait.until(timeout, "a log line matching /" + pattern + "/ from vrrpd on " + host,
                () -> firstSince(pattern, startNanos), Optional::isPresent).orElseThrow();
    }

    Optional<Line> firstSince(final Pattern pattern, final long startNanos) {
        return linesSince(startNanos).stream().filter(line -> pattern.matcher(line.text()).find()).findFirst();
    }

    /** The log since {@code startNanos}, each line with its arrival in ms after {@code startNanos}. */
    String timeline(final long startNanos) {
        final StringBuilder out = new StringBuilder();
        for (final Line line : linesSince(startNanos)) {
            out.append(String.format(java.util.Locale.ROOT, "  %s +%5d ms %s%n", host,
                    (line.nanos() - startNanos) / 1_000_000L, line.text()));
        }
        return out.toString();
    }

    /** Transition lines {@code (router, from, to)} since {@code startNanos}. */
    List<String> transitionsSince(final long startNanos) {
        final List<String> result = new ArrayList<>();
        for (final Line line : linesSince(startNanos)) {
            final Matcher m = TRANSITION.matcher(line.text());
            if (m.find()) {
                result.add(m.group(1) + " " + m.group(4) + "->" + m.group(5));
            }
        }
        return result;
    }

    // ---- the router views, straight from the socket ----

    Control.Router router(final String name) {
        return control.router(name).orElseThrow(() -> new AssertionError(
                "vrrpd on " + host + " has no router " + name + "; it has " + control.routers()));
    }

    /** Waits until router {@code name} is in {@code state} (INIT/BACKUP/MASTER). */
    Control.Router awaitState(final String name, final String state, final Duration timeout) {
        final Control.Router reached = Wait.until(timeout, "router " + name + " on " + host + " to be " + state,
                () -> router(name), r -> state.equals(r.state()));
        awaitLogCaughtUp(name, state);
        return reached;
    }

    /**
     * Waits (up to 3 s, without failing) until the log's latest transition of {@code router} ends in {@code state}:
     * the daemon writes its log from a thread of its own (the router loop never waits on it), so on a loaded machine
     * the line can come a moment after the control socket shows the state, and a test that reads the transitions
     * next must find it.
     */
    private void awaitLogCaughtUp(final String router, final String state) {
        final long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (System.nanoTime() - deadline < 0) {
            String last = null;
            for (final Line line : lines()) {
                final Matcher m = TRANSITION.matcher(line.text());
                if (m.find() && m.group(1).equals(router)) {
                    last = m.group(5);
                }
            }
            if (state.equals(last) || (last == null && state.equals("INIT"))) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public String toString() {
        return "vrrpd on " + host + (running() ? " (pid " + process.pid() + ")" : " (not running)");
    }
}
