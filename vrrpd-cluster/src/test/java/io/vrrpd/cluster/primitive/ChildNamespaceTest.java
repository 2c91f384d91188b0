package io.vrrpd.cluster.primitive;

import io.vrrpd.linux.NetNamespace;
import io.vrrpd.linux.NetnsLab;
import io.vrrpd.linux.ProcessRunner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * The fact the runner relies on to run OCF agents and type programs "inside" a namespace in tests (and that the
 * daemon relies on if it ever runs per-namespace work): a child started with {@link ProcessBuilder} from a thread
 * that entered a network namespace with setns(2) is in that namespace. The JDK on Linux starts children with
 * posix_spawn/vfork from the calling thread, and a new process copies the namespaces of the thread that forked it,
 * not the thread-group leader's.
 */
@Timeout(60)
class ChildNamespaceTest {
    private static NetnsLab lab;

    @BeforeAll
    static void setUp() {
        NetnsLab.assumeRoot();
        lab = NetnsLab.create();
        lab.addHost("a");
    }

    @AfterAll
    static void tearDown() {
        if (lab != null) {
            final String prefix = lab.prefix();
            lab.close();
            assertEquals(List.of(), NetnsLab.existingWithPrefix(prefix), "lab namespaces left behind");
        }
    }

    @Test
    void aChildOfASetnsThreadIsInThatThreadsNamespace() throws Exception {
        final Path nsFile = NetNamespace.pathOf(lab.ns("a"));
        final String expected = "net:[" + Files.getAttribute(nsFile, "unix:ino") + "]";
        final String own = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
        assertNotEquals(expected, own, "the test JVM must not already be in the lab namespace");

        final String viaProcessBuilder = lab.in("a", Duration.ofSeconds(20), () -> {
            final Process p = new ProcessBuilder("readlink", "/proc/self/ns/net").redirectErrorStream(true).start();
            final String out = new String(p.getInputStream().readAllBytes()).strip();
            p.waitFor();
            return out;
        });
        assertEquals(expected, viaProcessBuilder, "ProcessBuilder child of a setns thread");

        final String viaProcessRunner = lab.in("a", Duration.ofSeconds(20), () ->
                ProcessRunner.run(List.of("readlink", "/proc/self/ns/net"), Map.of(), 10_000).firstLine());
        assertEquals(expected, viaProcessRunner, "ProcessRunner (setsid) child of a setns thread");

        // And a child started from any other thread stays where the JVM is.
        final String fromMain = ProcessRunner.run(List.of("readlink", "/proc/self/ns/net"), Map.of(), 10_000)
                .firstLine();
        assertEquals(own, fromMain);
    }
}
