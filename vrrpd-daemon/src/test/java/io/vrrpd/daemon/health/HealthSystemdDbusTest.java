package io.vrrpd.daemon.health;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The systemd check over D-Bus, against a real bus: Debian's {@code dbus-daemon --session} on a socket of the
 * test's own, with {@code fake_systemd1.py} (dbus-python, i.e. libdbus, not vrrpd's codec) owning
 * {@code org.freedesktop.systemd1} and answering {@code GetUnit} and the unit's {@code ActiveState} from files.
 * The checker is given no systemctl, so every answer here came over the bus. (A session bus would spawn
 * systemd's user manager from its service file for a call to a name nobody owns; the checker's calls carry
 * NO_AUTO_START, so without the stand-in the answer is "not on the bus".)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HealthSystemdDbusTest {
    private static final long WAIT_MS = 10_000;
    private Path dir;
    private Path socket;
    private Path states;
    private Path booted;
    private Process bus;
    private String address;
    private Process systemd;
    private Path systemdLog;

    @BeforeAll
    void startBus() throws IOException {
        dir = Files.createTempDirectory("vrrpd-dbus-test");
        socket = dir.resolve("bus");
        states = Files.createDirectories(dir.resolve("states"));
        booted = Files.createDirectories(dir.resolve("run-systemd-system"));
        bus = new ProcessBuilder("dbus-daemon", "--session", "--nofork", "--address=unix:path=" + socket,
                "--print-address=1").redirectError(dir.resolve("dbus-daemon.err").toFile()).start();
        address = firstLine(bus.getInputStream()); // printed once it listens
        assertTrue(address.startsWith("unix:path=" + socket), address);
    }

    private static String firstLine(final InputStream in) throws IOException {
        final ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b >= 0 && b != '\n' && line.size() < 4096; b = in.read()) {
            line.write(b);
        }
        return line.toString(StandardCharsets.UTF_8).strip();
    }

    @AfterAll
    void stopBus() throws IOException, InterruptedException {
        if (bus != null) {
            bus.destroy();
            bus.waitFor(5, TimeUnit.SECONDS);
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    @AfterEach
    void stopSystemd() throws InterruptedException {
        if (systemd != null) {
            systemd.destroy();
            systemd.waitFor(5, TimeUnit.SECONDS);
            systemd = null;
        }
    }

    /** Starts the stand-in systemd on the bus; returns once it owns its name. */
    private void startSystemd() throws IOException, URISyntaxException, InterruptedException {
        final Path script = Path.of(HealthSystemdDbusTest.class.getResource("fake_systemd1.py").toURI());
        systemdLog = dir.resolve("fake_systemd1.log");
        Files.deleteIfExists(systemdLog);
        systemd = new ProcessBuilder("/usr/bin/python3", script.toString(), address, states.toString())
                .redirectErrorStream(true).redirectOutput(systemdLog.toFile()).start();
        final long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (!systemdSaid("ready")) {
            assertTrue(systemd.isAlive() && System.nanoTime() - end < 0, "fake_systemd1.py did not start: "
                    + Files.readString(systemdLog));
            Thread.sleep(20);
        }
    }

    private boolean systemdSaid(final String line) throws IOException {
        return Files.exists(systemdLog) && Files.readAllLines(systemdLog).contains(line);
    }

    private void unit(final String name, final String activeState) throws IOException {
        Files.writeString(states.resolve(name), activeState + "\n");
    }

    /** A checker that can only ask over the bus: no systemctl. */
    private CheckResult check(final String unit) throws InterruptedException {
        return new SystemdChecker(unit, dir.resolve("no-systemctl"), booted, socket).check(WAIT_MS);
    }

    @Test
    void shouldBeHealthyWhenTheUnitIsActive_askingGetUnitThenItsActiveState() throws Exception {
        startSystemd();
        unit("nginx.service", "active");
        assertEquals(CheckResult.healthy("is active"), check("nginx.service"));
        assertTrue(systemdSaid("GetUnit nginx.service"), Files.readString(systemdLog));
        unit("getty@tty1.service", "active");
        assertEquals(CheckResult.healthy("is active"), check("getty@tty1.service"), "a template instance's path");
    }

    @Test
    void shouldNameTheUnitsState_countingReloadingAsActiveAsSystemctlDoes() throws Exception {
        startSystemd();
        unit("nginx.service", "failed");
        assertEquals(CheckResult.failing("is failed"), check("nginx.service"));
        unit("nginx.service", "activating");
        assertEquals(CheckResult.failing("is activating"), check("nginx.service"));
        unit("nginx.service", "reloading");
        assertEquals(CheckResult.healthy("is reloading"), check("nginx.service"));
    }

    @Test
    void shouldBeInactiveWhenSystemdHasNotLoadedTheUnit() throws Exception {
        startSystemd();
        assertEquals(CheckResult.failing("is inactive"), check("nosuch.service"));
        assertTrue(systemdSaid("GetUnit nosuch.service"), Files.readString(systemdLog));
    }

    @Test
    void shouldTimeOutWhenTheManagerDoesNotAnswer_byItself() throws Exception {
        startSystemd();
        unit("stuck.service", "hang");
        final long start = System.nanoTime();
        assertEquals(CheckResult.failing("timed out after 300 ms"),
                new SystemdChecker("stuck.service", dir.resolve("no-systemctl"), booted, socket).check(300));
        final long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(took < 2000, "the check gave up after " + took + " ms, not when the manager answered (5 s)");
    }

    @Test
    void shouldSayWhenNoSystemdIsOnTheBus() throws Exception {
        assertEquals(CheckResult.failing("systemd is not available: org.freedesktop.systemd1 is not on the system"
                + " bus " + socket), check("nginx.service"));
    }

    @Test
    void shouldAskSystemctlWhenNothingAnswersOnTheBusSocket() throws Exception {
        final Path stale = Files.writeString(dir.resolve("stale-bus"), "");
        final Path systemctl = dir.resolve("systemctl");
        Files.writeString(systemctl, "#!/bin/sh\necho active\n");
        systemctl.toFile().setExecutable(true);
        assertEquals(CheckResult.healthy("is active"),
                new SystemdChecker("nginx.service", systemctl, booted, stale).check(WAIT_MS));
    }

    @Test
    void shouldReadBackTheMethodCallItWrites() throws Exception {
        final byte[] call = DbusClient.methodCall(7, "org.freedesktop.systemd1", "/org/freedesktop/systemd1/unit/a",
                "org.freedesktop.DBus.Properties", "Get", "org.freedesktop.systemd1.Unit", "ActiveState");
        final DbusClient.Message message = DbusClient.parse(ByteBuffer.wrap(call).order(ByteOrder.LITTLE_ENDIAN));
        assertEquals(DbusClient.METHOD_CALL, message.type());
        assertEquals(DbusClient.NO_AUTO_START, message.flags(), "never spawn systemd from a service file");
        assertEquals("ss", message.signature());
        assertEquals(List.of("org.freedesktop.systemd1.Unit", "ActiveState"), message.values());
        assertEquals(-1, message.replySerial());
    }
}
