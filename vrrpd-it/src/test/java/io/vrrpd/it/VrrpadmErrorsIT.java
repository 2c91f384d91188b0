package io.vrrpd.it;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * vrrpadm's error contract end to end (docs/CONFIG.md "vrrpadm exit status"): a request the daemon refuses exits 1,
 * a command line vrrpadm refuses itself exits 2 (nothing sent); either way one line on stderr naming the field, and
 * nothing changes: no new router, no router file, no VNIC.
 */
class VrrpadmErrorsIT extends LabScenario {

    @Override
    int hostCount() {
        return 1;
    }

    /** A refused command: its arguments, the exit status and words the one stderr line must contain. */
    record Refusal(List<String> args, int exit, List<String> words) {
        static Refusal of(final int exit, final String words, final String... args) {
            return new Refusal(List.of(args), exit, List.of(words.split(" ")));
        }
    }

    @Test
    void refusedRequestsExitNonZeroWithOneLineNamingTheField_andCreateNothing() throws IOException {
        final Daemon h1 = d("h1").start();
        createRouter("h1", "r1", "-V", "51", "-l", "eth0", "-A", "inet", "-i", "200", "-a", "192.0.2.100/24");
        h1.awaitState("r1", "MASTER", Duration.ofSeconds(5));
        final String shownBefore = lab.vrrpadmOk("h1", "show-router", "-p", "-o", "name,vrid,prio,state");
        final List<String> vnicsBefore = lab.vnics("h1");
        final List<String> filesBefore = files(h1.configDir().resolve("routers"));
        assertEquals(List.of("r1.toml"), filesBefore);

        final List<Refusal> refusals = List.of(
                // refused by the daemon: exit 1
                Refusal.of(1, "vrid 0", "create-router", "-V", "0", "-l", "eth0", "-A", "inet", "-a", "192.0.2.101/24", "bad"),
                Refusal.of(1, "vrid 256", "create-router", "-V", "256", "-l", "eth0", "-A", "inet", "-a", "192.0.2.101/24", "bad"),
                Refusal.of(1, "link nosuch0", "create-router", "-V", "52", "-l", "nosuch0", "-A", "inet", "-a", "192.0.2.101/24", "bad"),
                Refusal.of(1, "vrid 51", "create-router", "-V", "51", "-l", "eth0", "-A", "inet", "-a", "192.0.2.101/24", "dup"),
                Refusal.of(1, "r1", "create-router", "-V", "52", "-l", "eth0", "-A", "inet", "-a", "192.0.2.101/24", "r1"),
                Refusal.of(1, "priority 256", "create-router", "-V", "52", "-l", "eth0", "-A", "inet", "-p", "256", "-a", "192.0.2.101/24", "bad"),
                Refusal.of(1, "adv_interval 105", "create-router", "-V", "52", "-l", "eth0", "-A", "inet", "-i", "105", "-a", "192.0.2.101/24", "bad"),
                Refusal.of(1, "adv_interval 1500", "create-router", "-V", "52", "-l", "eth0", "-A", "inet", "-v", "2", "-i", "1500", "-a", "192.0.2.101/24", "bad"),
                Refusal.of(1, "accept_mode", "create-router", "-V", "52", "-l", "eth0", "-A", "inet", "-p", "255", "-o", "no_accept", "-a", "192.0.2.101/24", "bad"),
                Refusal.of(1, "priority 0", "modify-router", "-p", "0", "r1"),
                // issue 10 item 6: addresses that would take over the host's own traffic or can never be reached
                Refusal.of(1, "address 0.0.0.0/0 unspecified allowed:", "create-router", "-V", "52", "-l", "eth0", "-A", "inet", "-a", "0.0.0.0/0", "bad"),
                Refusal.of(1, "address 127.0.0.1/8 loopback allowed:", "create-router", "-V", "52", "-l", "eth0", "-A", "inet", "-a", "127.0.0.1/8", "bad"),
                Refusal.of(1, "address 169.254.7.7/16 link-local allowed:", "create-router", "-V", "52", "-l", "eth0", "-A", "inet", "-a", "169.254.7.7/16", "bad"),
                Refusal.of(1, "address 224.0.0.5/32 multicast", "create-router", "-V", "52", "-l", "eth0", "-A", "inet", "-a", "224.0.0.5/32", "bad"),
                Refusal.of(1, "address 192.0.2.101/0 /0 allowed:", "create-router", "-V", "52", "-l", "eth0", "-A", "inet", "-a", "192.0.2.101/0", "bad"),
                Refusal.of(1, "address ::1/128 loopback", "create-router", "-V", "52", "-l", "eth0", "-A", "inet6", "-a", "fe80::52/64", "-a", "::1/128", "bad"),
                Refusal.of(1, "nosuch", "delete-router", "nosuch"),
                // issue 12: r1's virtual address on another router of the link, even with another VRID and prefix
                Refusal.of(1, "address: 192.0.2.100 router 'r1'", "create-router", "-V", "52", "-l", "eth0", "-A", "inet",
                        "-a", "192.0.2.100/32", "bad"),
                // refused by vrrpadm itself: exit 2, nothing sent
                Refusal.of(2, "--vrid abc", "create-router", "-V", "abc", "-l", "eth0", "-A", "inet", "-a", "192.0.2.101/24", "bad"),
                Refusal.of(2, "--address_family", "create-router", "-V", "52", "-l", "eth0", "-A", "inet5", "-a", "192.0.2.101/24", "bad"),
                // issue 12: show-router's AF spelling is not an -A value; only the documented keywords are
                Refusal.of(2, "--address_family 'ipv6' inet, inet6", "create-router", "-V", "52", "-l", "eth0", "-A", "IPv6",
                        "-a", "2001:db8::101/64", "bad"),
                Refusal.of(2, "--flags fast", "create-router", "-V", "52", "-l", "eth0", "-A", "inet", "-o", "fast", "-a", "192.0.2.101/24", "bad"));

        final List<Runnable> checks = new ArrayList<>();
        for (final Refusal refusal : refusals) {
            final Cmd.Result result = lab.vrrpadm("h1", refusal.args().toArray(String[]::new));
            checks.add(() -> {
                assertEquals(refusal.exit(), result.exit(), result.toString());
                assertEquals(1, result.errLines().size(), "one line on stderr: " + result);
                assertTrue(result.err().startsWith("vrrpadm: "), result.toString());
                final String line = result.err().toLowerCase(Locale.ROOT);
                for (final String word : refusal.words()) {
                    assertTrue(line.contains(word.toLowerCase(Locale.ROOT)), "the message names '" + word + "': " + result);
                }
                assertEquals("", result.out(), "nothing on stdout: " + result);
            });
        }
        assertAll(checks.stream().map(check -> check::run));

        assertEquals(shownBefore, lab.vrrpadmOk("h1", "show-router", "-p", "-o", "name,vrid,prio,state"),
                "show-router lists the same routers, unchanged");
        assertEquals(vnicsBefore, lab.vnics("h1"), "no VNIC was made");
        assertEquals(filesBefore, files(h1.configDir().resolve("routers")), "no router file was written");
        assertTrue(h1.running(), "vrrpd still runs");
    }

    private static List<String> files(final Path dir) throws IOException {
        try (Stream<Path> paths = Files.list(dir)) {
            return paths.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
