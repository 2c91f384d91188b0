package io.vrrpd.daemon;

import io.vrrpd.daemon.runtime.Log;
import io.vrrpd.linux.ErrnoException;
import io.vrrpd.linux.ThreadTuning;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The JIT's compiler threads back to nice 0 once the control socket is up (issue 12: exec -> control socket). The
 * launchers start the daemon's JVM with them at nice 19 ({@code -XX:ThreadPriorityPolicy=1
 * -XX:CompilerThreadPriority=19}, every other thread's priority mapped to 0): on two cores the JIT's ~100-300 ms of
 * CPU at start (C1 and C2 compiling the AOT cache's profiled methods) shared the second core with the early threads
 * the main thread waits for. From the socket on, the JIT gets its usual share again, so the router loop's code is
 * compiled as soon as before on a busy host. The JVM does not start new compiler threads later (the launchers turn
 * {@code UseDynamicNumberOfCompilerThreads} off), so the ones seen here are all there will be.
 */
final class CompilerThreads {

    private static final Path TASKS = Path.of("/proc/self/task");

    private CompilerThreads() {
    }

    /**
     * Sets every compiler thread of this JVM with a nice value above 0 to 0; returns how many it changed. A thread that
     * cannot be changed (no CAP_SYS_NICE: not root) is left as it is, with a warning.
     */
    static int renice() {
        int changed = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
            for (final Path task : tasks) {
                final String name = read(task.resolve("comm"));
                // The kernel keeps 15 characters of a thread's name: "C1 CompilerThre", "C2 CompilerThre"
                if (name == null || !name.startsWith("C1 CompilerThre") && !name.startsWith("C2 CompilerThre")
                        || nice(read(task.resolve("stat"))) <= 0) {
                    continue;
                }
                final int tid = Integer.parseInt(task.getFileName().toString());
                try {
                    ThreadTuning.setNice(tid, 0);
                    changed++;
                } catch (ErrnoException e) {
                    Log.warn("JIT compiler thread " + tid + " stays at its start-up nice value: " + e.getMessage());
                }
            }
        } catch (IOException e) {
            Log.warn("cannot list this process's threads in " + TASKS + ": " + e.getMessage());
        }
        return changed;
    }

    /** A /proc file's content without its line end, or null when the thread ended meanwhile. */
    private static String read(final Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            return null;
        }
    }

    /** The nice value in a /proc/.../stat line (the 19th field; the name before it is in parentheses); 0 if unknown. */
    static int nice(final String stat) {
        if (stat == null) {
            return 0;
        }
        final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // fields[0] is the state, the 3rd field of the line: the 19th is fields[16]
        return fields.length > 16 ? Integer.parseInt(fields[16]) : 0;
    }
}
