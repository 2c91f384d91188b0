package io.vrrpd.it;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * State-change hooks ({@code --on-master}, {@code --on-backup}, {@code --on-offline}, {@code --hook-timeout}) on
 * real daemons: each hook appends {@code $VRRPD_STATE $VRRPD_PREVIOUS_STATE $VRRPD_REASON} to a file of its
 * host. h1 has priority 200, h2 100, interval 200 ms.
 */
class HooksIT extends LabScenario {
    static final int INTERVAL = 200;
    static final List<String> HOSTS = List.of("h1", "h2");

    @Override
    int hostCount() {
        return 2;
    }

    @Test
    void electionRunsOnMasterAndOnBackup_crashedMasterRunsOnMasterOnTheBackup() {
        lab.startDaemons("h1", "h2");
        final Path h1Log = lab.work().resolve("h1-hooks.log");
        final Path h2Log = lab.work().resolve("h2-hooks.log");
        final Path h1Hook = script("h1-hook", "echo \"$VRRPD_STATE $VRRPD_PREVIOUS_STATE $VRRPD_REASON\" >> " + h1Log);
        final Path h2Hook = script("h2-hook", "echo \"$VRRPD_STATE $VRRPD_PREVIOUS_STATE $VRRPD_REASON\" >> " + h2Log
                + "; env | grep '^VRRPD_' | sort > " + lab.work().resolve("h2-env"));
        createRouter("h1", "r1", "-V", "51", "-l", "eth0", "-A", "inet", "-p", "200", "-i", "" + INTERVAL, "-a",
                "192.0.2.100/24", "--on-master", h1Hook.toString(), "--on-backup", h1Hook.toString(), "--on-offline",
                h1Hook.toString());
        createRouter("h2", "r1", "-V", "51", "-l", "eth0", "-A", "inet", "-p", "100", "-i", "" + INTERVAL, "-a",
                "192.0.2.100/24", "--on-master", h2Hook.toString(), "--on-backup", h2Hook.toString(), "--on-offline",
                h2Hook.toString());
        awaitOnlyMaster("r1", "h1", HOSTS, Duration.ofSeconds(10));

        Wait.until(Duration.ofSeconds(5), "h1's on_master hook", () -> lines(h1Log),
                l -> !l.isEmpty() && l.getLast().startsWith("MASTER BACKUP "));
        Wait.until(Duration.ofSeconds(5), "h2's on_backup hook", () -> lines(h2Log),
                l -> !l.isEmpty() && l.getLast().startsWith("BACKUP INIT "));
        assertEquals("BACKUP INIT startup: router started", lines(h1Log).getFirst(), "h1: " + lines(h1Log));
        assertTrue(lines(h2Log).stream().noneMatch(l -> l.startsWith("MASTER")), "h2: " + lines(h2Log));
        assertEquals(List.of("VRRPD_ADDRESSES=192.0.2.100/24", "VRRPD_ADMIN=online", "VRRPD_FAMILY=inet",
                "VRRPD_PREVIOUS_STATE=INIT", "VRRPD_REASON=startup: router started", "VRRPD_ROUTER=r1", "VRRPD_STATE=BACKUP",
                "VRRPD_VRID=51"), lines(lab.work().resolve("h2-env")));

        final int before = lines(h2Log).size();
        final long killed = System.nanoTime();
        d("h1").kill();
        d("h2").awaitState("r1", "MASTER", Duration.ofMillis(masterDownMillis(INTERVAL, 100)).plus(SLACK));
        Wait.until(Duration.ofSeconds(5), "h2's on_master hook", () -> lines(h2Log), l -> l.size() > before);
        final String line = lines(h2Log).get(before);
        assertTrue(line.startsWith("MASTER BACKUP "), line);
        System.out.println("[measure] h2's on_master hook wrote its line " + Wait.millisSince(killed)
                + " ms after h1 was killed: " + line);

        // Leaving the group for an operator's disable runs on_offline.
        lab.vrrpadmOk("h2", "disable-router", "r1");
        Wait.until(Duration.ofSeconds(5), "h2's on_offline hook", () -> lines(h2Log),
                l -> l.getLast().equals("INIT MASTER shutdown: disabled by the operator"));
        Wait.until(Duration.ofSeconds(5), "on_offline's VRRPD_ADMIN", () -> lines(lab.work().resolve("h2-env")),
                env -> env.contains("VRRPD_ADMIN=disabled") && env.contains("VRRPD_STATE=INIT"));
    }

    /**
     * The requirement: a hook that hangs is killed at its timeout and the router still changes state on
     * time. h2's on_backup forks a child and sleeps 60 s (hook_timeout 3000); while it hangs h1 is killed, and h2
     * takes over within Master_Down_Interval. At 3 s the hook and its child are killed, then on_master runs.
     */
    @Test
    void hungHookIsKilledAtItsTimeout_andTheRouterStillFailsOverOnTime() throws Exception {
        final int timeout = 3000;
        lab.startDaemons("h1", "h2");
        final Path h2Log = lab.work().resolve("h2-hang.log");
        final Path childPid = lab.work().resolve("hang-child.pid");
        final Path hookPid = lab.work().resolve("hang.pid");
        final Path hang = script("hang", "echo $$ > " + hookPid + "; echo \"$VRRPD_STATE $VRRPD_PREVIOUS_STATE"
                + " $VRRPD_REASON\" >> " + h2Log + "; sleep 60 & echo $! > " + childPid + "; sleep 60");
        final Path onMaster = script("h2-master", "echo \"$VRRPD_STATE $VRRPD_PREVIOUS_STATE $VRRPD_REASON\" >> "
                + h2Log);
        createRouter("h1", "r1", "-V", "51", "-l", "eth0", "-A", "inet", "-p", "200", "-i", "" + INTERVAL, "-a",
                "192.0.2.100/24");
        awaitOnlyMaster("r1", "h1", List.of("h1"), Duration.ofSeconds(10));
        final long created = System.nanoTime();
        createRouter("h2", "r1", "-V", "51", "-l", "eth0", "-A", "inet", "-p", "100", "-i", "" + INTERVAL, "-a",
                "192.0.2.100/24", "--on-backup", hang.toString(), "--on-master", onMaster.toString(),
                "--hook-timeout", "" + timeout);
        awaitOnlyMaster("r1", "h1", HOSTS, Duration.ofSeconds(5));
        Wait.until(Duration.ofSeconds(3), "the hanging on_backup hook and its child", () -> Files.exists(childPid)
                && !read(childPid).isBlank() && !read(hookPid).isBlank());
        final long hookStarted = d("h2").awaitLog(Pattern.compile("r1 .*INIT -> BACKUP"), created,
                Duration.ofSeconds(1)).nanos();
        final long child = Long.parseLong(read(childPid).strip());
        final long hook = Long.parseLong(read(hookPid).strip());

        final long killed = System.nanoTime();
        d("h1").kill();
        final long masterDown = masterDownMillis(INTERVAL, 100);
        d("h2").awaitState("r1", "MASTER", Duration.ofMillis(masterDown).plus(SLACK).plusSeconds(1));
        final long took = Wait.millisSince(killed);
        assertTrue(alive(hook), "the on_backup hook still hangs when h2 becomes Master");
        final long fired = masterDownFiredMillis("h2", "r1", killed);
        assertTrue(fired <= masterDown + 50, "h2's Master_Down_Timer fired " + fired + " ms after h1's last"
                + " advertisement while its on_backup hook hung; Master_Down_Interval is " + masterDown + " ms");
        assertTrue(took <= masterDown + SLACK.toMillis() + 2000, "h2 became Master " + took + " ms after the crash");
        System.out.println("[measure] h2 Master " + took + " ms after h1 was killed (its timer fired " + fired
                + " ms after the last advertisement), its on_backup hook hanging");

        final Daemon.Line timedOut = d("h2").awaitLog(Pattern.compile(
                Pattern.quote("hook on_backup " + hang + " timed out after " + timeout + " ms: killed")), created,
                Duration.ofMillis(timeout).plusSeconds(3));
        final long at = (timedOut.nanos() - hookStarted) / 1_000_000L;
        assertTrue(at >= timeout - 50 && at <= timeout + SLACK.toMillis(), "killed " + at + " ms after the hook"
                + " started (hook_timeout " + timeout + " ms)");
        assertTrue(d("h2").log().contains("<4>[r1 vrid 51 IPv4] hook on_backup " + hang + " timed out after "
                + timeout + " ms: killed"), d("h2").log());
        Wait.until(Duration.ofSeconds(2), "the hook and its forked child are gone", () -> !alive(hook)
                && !alive(child));
        // Serialized: on_master runs after the hung on_backup was killed.
        Wait.until(Duration.ofSeconds(3), "h2's on_master after the killed on_backup", () -> lines(h2Log),
                l -> l.size() == 2);
        assertTrue(lines(h2Log).get(0).startsWith("BACKUP INIT "), lines(h2Log).toString());
        assertTrue(lines(h2Log).get(1).startsWith("MASTER BACKUP "), lines(h2Log).toString());
        assertEquals("1", lab.vrrpadmOk("h2", "show-router", "-p", "-o", "hook_failures", "r1").strip());
        assertEquals("2", lab.vrrpadmOk("h2", "show-router", "-p", "-o", "hooks_run", "r1").strip());
        assertFalse(alive(child));
    }

    private Path script(final String name, final String body) {
        final Path path = lab.work().resolve(name + ".sh");
        try {
            Files.writeString(path, "#!/bin/sh\n" + body + "\n");
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return path;
    }

    private static boolean alive(final long pid) {
        try {
            final String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            final String state = stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
            return !state.equals("Z") && !state.equals("X");
        } catch (IOException e) {
            return false;
        }
    }

    private static List<String> lines(final Path file) {
        return read(file).lines().toList();
    }

    private static String read(final Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
