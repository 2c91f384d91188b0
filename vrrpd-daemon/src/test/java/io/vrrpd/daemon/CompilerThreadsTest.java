package io.vrrpd.daemon;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12, exec -> control socket: the daemon's JVM starts its JIT compiler threads at nice 19 and every other thread
 * at 0 (the launchers' daemon-mode options), and {@link CompilerThreads#renice} puts the compiler threads back to 0
 * (the daemon calls it once its socket is up). Checked in a fresh JVM with the launcher's options, as root (as the
 * daemon and CI run): the nice values of its threads before and after.
 */
class CompilerThreadsTest {

    private static final List<String> OPTIONS = List.of("-XX:ThreadPriorityPolicy=1", "-XX:CompilerThreadPriority=19",
            "-XX:-UseDynamicNumberOfCompilerThreads");
    private static final Path HOME = Path.of("..").toAbsolutePath().normalize();

    @Test
    void theDaemonsLaunchersStartTheJitAtNice19() throws IOException {
        for (final String launcher : List.of("bin/vrrpd", "packaging/vrrpd")) {
            final String text = Files.readString(HOME.resolve(launcher));
            assertTrue(text.contains("JVM_OPTIONS+=(" + String.join(" ", OPTIONS) + ")"), launcher);
            assertTrue(text.contains("JVM_OPTIONS+=(\"-XX:JavaPriority${priority}_To_OSPriority=0\")"), launcher);
        }
    }

    @Test
    void theCompilerThreadsStartAtNice19AndAreBackAt0AfterRenice() throws Exception {
        final List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--enable-native-access=ALL-UNNAMED"));
        command.addAll(OPTIONS);
        for (int priority = 1; priority <= 10; priority++) {
            command.add("-XX:JavaPriority" + priority + "_To_OSPriority=0");
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Probe.class.getName()));
        final Process probe = new ProcessBuilder(command).redirectErrorStream(true).start();
        final boolean ended = probe.waitFor(60, TimeUnit.SECONDS);
        final String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!ended) {
            probe.destroyForcibly();
        }
        assertTrue(ended, "the probe JVM did not end within 60 s: " + output);
        assertEquals(0, probe.exitValue(), output);
        final List<String> lines = output.lines().toList();
        // before: {C1 CompilerThre=19, C2 CompilerThre=19, ..., VM Thread=0, ...}; then how many changed; then after
        assertTrue(lines.get(0).contains("C1 CompilerThre=19") && lines.get(0).contains("C2 CompilerThre=19"), output);
        assertTrue(lines.get(0).contains("VM Thread=0") && lines.get(0).contains("Reference Handl=0"),
                "the other threads at 0: " + output);
        assertEquals("2", lines.get(1), output);
        assertTrue(lines.get(2).contains("C1 CompilerThre=0") && lines.get(2).contains("C2 CompilerThre=0"), output);
    }

    /** The child JVM: the threads' nice values, {@link CompilerThreads#renice}'s count, the nice values again. */
    public static final class Probe {
        public static void main(final String[] args) throws IOException, InterruptedException {
            // A thread the JVM has just started is named "java" until it names itself: under load the C1 compiler
            // thread was seen that way (CI-like, load 5). Wait, bounded, until both compiler threads carry their names.
            for (int i = 0; i < 500 && !(niceValues().containsKey("C1 CompilerThre")
                    && niceValues().containsKey("C2 CompilerThre")); i++) {
                Thread.sleep(10);
            }
            System.out.println(niceValues());
            System.out.println(CompilerThreads.renice());
            System.out.println(niceValues());
        }

        private static TreeMap<String, Integer> niceValues() throws IOException {
            final TreeMap<String, Integer> nice = new TreeMap<>();
            try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
                for (final Path task : tasks) {
                    nice.merge(Files.readString(task.resolve("comm")).strip(),
                            CompilerThreads.nice(Files.readString(task.resolve("stat"))), Math::max);
                }
            }
            return nice;
        }
    }
}
