package io.vrrpd.it;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a short command with a time limit and captures exit status, stdout and stderr. A command that
 * overruns is killed (SIGKILL, by its own pid) and reported. Only the test fixture runs commands; the
 * daemon never does.
 */
final class Cmd {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);

    private Cmd() {
    }

    /** What a finished command did. */
    record Result(List<String> command, int exit, String out, String err) {
        boolean ok() {
            return exit == 0;
        }

        /** stderr's non-empty lines. */
        List<String> errLines() {
            return err.lines().filter(line -> !line.isBlank()).toList();
        }

        @Override
        public String toString() {
            return String.join(" ", command) + "\n  exit " + exit + "\n  stdout: " + out.strip().replace("\n", "\n          ")
                    + "\n  stderr: " + err.strip().replace("\n", "\n          ");
        }
    }

    /** Runs {@code command} (time limit {@link #DEFAULT_TIMEOUT}); any exit status. */
    static Result exec(final String... command) {
        return exec(DEFAULT_TIMEOUT, null, command);
    }

    /** Runs {@code command}; fails the test unless it exits 0. Returns stdout. */
    static String run(final String... command) {
        final Result result = exec(command);
        if (!result.ok()) {
            throw new AssertionError("command failed: " + result);
        }
        return result.out();
    }

    /** Runs {@code command} with {@code stdin} (or nothing) as its input, within {@code timeout}. */
    static Result exec(final Duration timeout, final String stdin, final String... command) {
        final List<String> argv = List.of(command);
        try {
            final Process process = new ProcessBuilder(argv).start();
            try {
                try (var in = process.getOutputStream()) {
                    if (stdin != null) {
                        in.write(stdin.getBytes(StandardCharsets.UTF_8));
                    }
                }
                final Drain out = new Drain(process.getInputStream());
                final Drain err = new Drain(process.getErrorStream());
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                    throw new AssertionError("timed out after " + timeout.toMillis() + " ms (killed): "
                            + String.join(" ", argv) + "\n  stdout so far: " + out.text() + "\n  stderr so far: "
                            + err.text());
                }
                return new Result(argv, process.exitValue(), out.text(), err.text());
            } finally {
                if (process.isAlive()) {
                    process.destroyForcibly();
                }
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run " + String.join(" ", argv) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted: " + String.join(" ", argv), e);
        }
    }

    /** Reads a stream to its end on a daemon thread. */
    static final class Drain {
        private final Thread thread;
        private final StringBuffer text = new StringBuffer();

        Drain(final InputStream in) {
            this.thread = Thread.ofPlatform().daemon(true).name("cmd-drain").start(() -> {
                final byte[] buffer = new byte[8192];
                try (in) {
                    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                        text.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                    }
                } catch (IOException e) {
                    // the process ended; what was read is kept
                }
            });
        }

        String text() {
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return text.toString();
        }
    }
}
