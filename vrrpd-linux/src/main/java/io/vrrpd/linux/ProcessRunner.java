package io.vrrpd.linux;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * Runs a program for a check with a hard time limit. The program starts in a session of its own
 * ({@code setsid}), so at the timeout (or when the check is abandoned) everything it started can be found and
 * killed: every process of that session, and every descendant of the program (which catches one that moved to
 * a session of its own while its parent lived). A program that exits in time is not chased: what it leaves
 * running is its business.
 *
 * <p>stdin is {@code /dev/null}; stdout and stderr go to a temporary file (not a pipe: a background child
 * holding a pipe open would keep us reading), whose first line becomes part of the reason.
 *
 * <p>The routers' state-change hooks (the daemon's {@code HookRunner}) run through it too, with their environment.
 */
public final class ProcessRunner {
    private static final Path SETSID = Stream.of("/usr/bin/setsid", "/bin/setsid").map(Path::of)
            .filter(Files::isExecutable).findFirst().orElse(null);
    /** The most output kept from one run: a status text or an HTML fragment, not a log. */
    public static final int MAX_OUTPUT = 64 * 1024;
    private static final int MAX_FIRST_LINE = 200;
    private static final int KILL_ROUNDS = 50;
    private static final long KILL_PAUSE_NANOS = 2_000_000L;

    /**
     * How a run ended.
     *
     * @param timedOut  the program was still running at the timeout and was killed
     * @param exitCode  its exit status (128 + signal when a signal ended it); -1 when timed out
     * @param firstLine the first non-blank line of its output, "" if none (white space folded, at most 200
     *                  characters)
     * @param output    its whole output (stdout and stderr together), at most {@value #MAX_OUTPUT} bytes; "" when
     *                  timed out
     */
    public record Outcome(boolean timedOut, int exitCode, String firstLine, String output) {
    }

    /**
     * How a run with its own input ended (a cgi primitive: a request body in, an HTML fragment out, its errors apart).
     *
     * @param timedOut    the program was still running at the timeout and was killed
     * @param exitCode    its exit status (128 + signal when a signal ended it); -1 when timed out
     * @param stdout      its stdout, at most the limit it ran with; "" when timed out
     * @param stdoutBytes how many bytes it wrote to stdout (more than the limit when {@link #oversize})
     * @param stderrLine  the first non-blank line of its stderr, "" if none (folded as {@link Outcome#firstLine})
     * @param oversize    it wrote more than the limit to stdout: {@code stdout} is cut
     */
    public record Captured(boolean timedOut, int exitCode, String stdout, long stdoutBytes, String stderrLine,
                           boolean oversize) {
    }

    private ProcessRunner() {
    }

    /** The words that start a program in a session of its own ({@code setsid}, when there is one). */
    public static List<String> launcher() {
        return SETSID == null ? List.of() : List.of(SETSID.toString());
    }

    /** Whether programs get a session of their own (setsid exists); without it only descendants are killed. */
    public static boolean isolates() {
        return SETSID != null;
    }

    /**
     * Runs {@code command} for at most {@code timeoutMillis}.
     *
     * @throws IOException          the program could not be started
     * @throws InterruptedException the check was abandoned; the program and its session were killed first
     */
    public static Outcome run(final List<String> command, final long timeoutMillis) throws IOException, InterruptedException {
        return run(command, Map.of(), timeoutMillis);
    }

    /**
     * Runs {@code command} for at most {@code timeoutMillis}, with {@code environment} added to the daemon's.
     *
     * @throws IOException          the program could not be started
     * @throws InterruptedException the run was abandoned; the program and its session were killed first
     */
    public static Outcome run(final List<String> command, final Map<String, String> environment,
                              final long timeoutMillis) throws IOException, InterruptedException {
        final List<String> argv = launchable(command);
        final Path output = Files.createTempFile("vrrpd-check-", ".out");
        try {
            final ProcessBuilder builder = new ProcessBuilder(argv);
            builder.environment().putAll(environment);
            final Process process = builder
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            if (!exitedInTime(process, timeoutMillis)) {
                return new Outcome(true, -1, "", "");
            }
            final String text = readOutput(output);
            return new Outcome(false, process.exitValue(), firstLine(text), text);
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /**
     * Runs {@code command} for at most {@code timeoutMillis} with {@code input} on its stdin and its stdout and
     * stderr kept apart (files, as {@link #run}: a background child holding them open does not keep us waiting);
     * at most {@code maxOutput} bytes of stdout are read.
     *
     * @throws IOException          the program could not be started
     * @throws InterruptedException the run was abandoned; the program and its session were killed first
     */
    public static Captured runWithInput(final List<String> command, final Map<String, String> environment,
                                        final byte[] input, final long timeoutMillis, final int maxOutput)
            throws IOException, InterruptedException {
        final List<String> argv = launchable(command);
        final Path in = Files.createTempFile("vrrpd-in-", ".in");
        final Path out = Files.createTempFile("vrrpd-out-", ".out");
        final Path err = Files.createTempFile("vrrpd-err-", ".err");
        try {
            Files.write(in, input);
            final ProcessBuilder builder = new ProcessBuilder(argv);
            builder.environment().putAll(environment);
            final Process process = builder.redirectInput(in.toFile()).redirectOutput(out.toFile())
                    .redirectError(err.toFile()).start();
            if (!exitedInTime(process, timeoutMillis)) {
                return new Captured(true, -1, "", 0, "", false);
            }
            final long written = Files.size(out);
            final String stdout;
            try (InputStream stream = Files.newInputStream(out)) {
                stdout = new String(stream.readNBytes(maxOutput), StandardCharsets.UTF_8);
            }
            return new Captured(false, process.exitValue(), stdout, written, firstLine(readOutput(err)),
                    written > maxOutput);
        } finally {
            Files.deleteIfExists(in);
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** {@code command} behind the launcher (setsid), or an InterruptedException if the run was abandoned already. */
    private static List<String> launchable(final List<String> command) throws InterruptedException {
        // Abandoned before it began: start nothing. (Process.waitFor does not look at the interrupt once the
        // program has exited, so a quick program would otherwise run, and report, after all.)
        if (Thread.interrupted()) {
            throw new InterruptedException("abandoned before the program started");
        }
        final List<String> argv = new ArrayList<>(launcher());
        if (SETSID != null) {
            argv.add("--wait"); // only matters if setsid has to fork: then it still reports the program's status
        }
        argv.addAll(command);
        return argv;
    }

    /** Waits for {@code process}; killed (with its session) when the time is up or the wait is abandoned. */
    private static boolean exitedInTime(final Process process, final long timeoutMillis) throws InterruptedException {
        final boolean exited;
        try {
            exited = process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            killAll(process);
            throw e;
        }
        if (!exited) {
            killAll(process);
        }
        return exited;
    }

    /**
     * Kills the program, its descendants and its session with SIGKILL, repeating until none is left (a process
     * may fork while we look). With setsid the program's pid is its session id: setsid only forks when it is
     * a process group leader, which a child of the JVM is not.
     */
    public static void killAll(final Process process) {
        final long self = ProcessHandle.current().pid();
        final long ownSession = sessionOf(self).orElse(-1);
        final long session = SETSID != null && process.pid() != ownSession ? process.pid() : -1;
        for (int round = 0; round < KILL_ROUNDS; round++) {
            final Set<ProcessHandle> victims = new HashSet<>();
            if (process.isAlive()) {
                victims.add(process.toHandle());
            }
            process.descendants().forEach(victims::add);
            if (session > 0) {
                victims.addAll(inSession(session));
            }
            victims.removeIf(handle -> handle.pid() == self || !running(handle.pid()));
            if (victims.isEmpty()) {
                break;
            }
            victims.forEach(ProcessHandle::destroyForcibly);
            LockSupport.parkNanos(KILL_PAUSE_NANOS); // let the kernel deliver; parkNanos ignores an interrupt
        }
        try {
            process.waitFor(100, TimeUnit.MILLISECONDS); // reap our child
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The processes whose session id is {@code session}, from {@code /proc}. */
    private static List<ProcessHandle> inSession(final long session) {
        final List<ProcessHandle> found = new ArrayList<>();
        final File[] entries = new File("/proc").listFiles();
        if (entries == null) {
            return found;
        }
        for (final File entry : entries) {
            final String name = entry.getName();
            if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
                final long pid = Long.parseLong(name);
                if (sessionOf(pid).orElse(-1) == session) {
                    ProcessHandle.of(pid).ifPresent(found::add);
                }
            }
        }
        return found;
    }

    /** The session id of {@code pid} (field 6 of {@code /proc/PID/stat}), if it exists. */
    public static OptionalLong sessionOf(final long pid) {
        final String[] fields = statFields(pid);
        return fields == null || fields.length < 4 ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(fields[3]));
    }

    /** True when {@code pid} exists and is neither a zombie nor dead. */
    public static boolean running(final long pid) {
        final String[] fields = statFields(pid);
        return fields != null && !fields[0].equals("Z") && !fields[0].equals("X") && !fields[0].equals("x");
    }

    /**
     * The fields of {@code /proc/PID/stat} after the command name: state, ppid, pgrp, session, …; null when
     * the process does not exist. The command name is in parentheses and may contain anything, so the fields
     * start after the last ')'.
     */
    public static String[] statFields(final long pid) {
        final String stat;
        try {
            stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return null;
        }
        final int end = stat.lastIndexOf(')');
        if (end < 0 || end + 2 > stat.length()) {
            return null;
        }
        final String[] fields = stat.substring(end + 2).strip().split(" ");
        return fields.length < 4 ? null : fields;
    }

    private static String readOutput(final Path output) throws IOException {
        try (InputStream in = Files.newInputStream(output)) {
            return new String(in.readNBytes(MAX_OUTPUT), StandardCharsets.UTF_8);
        }
    }

    private static String firstLine(final String text) {
        for (final String line : text.split("\n")) {
            if (!line.isBlank()) {
                final String folded = line.strip().replaceAll("\\s+", " ");
                return folded.length() <= MAX_FIRST_LINE ? folded : folded.substring(0, MAX_FIRST_LINE - 1) + "…";
            }
        }
        return "";
    }
}
