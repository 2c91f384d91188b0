package io.vrrpd.daemon.health;

import io.vrrpd.linux.ProcessRunner;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code systemd:UNIT}: healthy when the unit is active (or reloading, as {@code systemctl is-active} counts
 * it). Otherwise the unit's state is the reason ({@code systemd:nginx.service is failed}).
 *
 * <p>Asked over systemd's D-Bus API when the system bus socket exists ({@link DbusClient}: the Manager's
 * {@code GetUnit}, then the unit's {@code ActiveState} property; a unit systemd has not loaded is
 * {@code inactive}, as is-active says): no process per check. Without the socket, or when nothing answers on
 * it, {@code systemctl is-active UNIT} is run. A host without systemd (no {@code /run/systemd/system}, as
 * {@code sd_booted()} tests), without {@code systemctl}, whose systemctl cannot reach the manager, or whose bus
 * has no systemd on it fails with {@code systemd is not available: …} and what was said.
 */
final class SystemdChecker implements Checker {
    static final Path SYSTEMCTL = Path.of("/usr/bin/systemctl");
    static final Path BOOTED = Path.of("/run/systemd/system");
    static final Path SYSTEM_BUS = Path.of("/run/dbus/system_bus_socket");
    static final String SYSTEMD = "org.freedesktop.systemd1";
    /** What {@code is-active} prints: one unit state word. */
    private static final Pattern STATE = Pattern.compile("[a-z-]+");
    /** The ActiveStates {@code systemctl is-active} exits 0 for. */
    private static final Set<String> ACTIVE = Set.of("active", "reloading", "refreshing");

    private final String unit;
    private final Path systemctl;
    private final Path booted;
    private final Path bus;

    SystemdChecker(final String unit) {
        this(unit, Files.isExecutable(SYSTEMCTL) ? SYSTEMCTL : Path.of("/bin/systemctl"), BOOTED, SYSTEM_BUS);
    }

    /** With another systemctl, booted marker and bus socket (tests). */
    SystemdChecker(final String unit, final Path systemctl, final Path booted, final Path bus) {
        this.unit = unit;
        this.systemctl = systemctl;
        this.booted = booted;
        this.bus = bus;
    }

    @Override
    public CheckResult check(final long timeoutMillis) throws InterruptedException {
        if (!Files.isDirectory(booted)) {
            return unavailable(booted + " does not exist (the host was not booted with systemd)");
        }
        if (Files.exists(bus)) {
            final CheckResult answer = overDbus(timeoutMillis);
            if (answer != null) {
                return answer;
            }
        }
        if (!Files.isExecutable(systemctl)) {
            return unavailable(systemctl + " not found");
        }
        final ProcessRunner.Outcome outcome;
        try {
            outcome = ProcessRunner.run(List.of(systemctl.toString(), "is-active", "--", unit), timeoutMillis);
        } catch (IOException e) {
            return unavailable("cannot run " + systemctl + ": " + CheckResult.reasonOf(e));
        }
        if (outcome.timedOut()) {
            return CheckResult.timedOut(timeoutMillis);
        }
        final String said = outcome.firstLine();
        if (outcome.exitCode() == 0) {
            return CheckResult.healthy("is " + (said.isEmpty() ? "active" : said));
        }
        if (STATE.matcher(said).matches()) {
            return CheckResult.failing("is " + said);
        }
        return unavailable(said.isEmpty() ? "systemctl exited " + outcome.exitCode() : said);
    }

    /**
     * The unit's ActiveState over D-Bus; null when nothing answers on the bus socket (a stale socket of a
     * stopped bus), so systemctl is asked instead.
     */
    private CheckResult overDbus(final long timeoutMillis) throws InterruptedException {
        final DbusClient client;
        try {
            client = DbusClient.connect(bus, timeoutMillis);
        } catch (SocketTimeoutException e) {
            return CheckResult.timedOut(timeoutMillis);
        } catch (IOException | DbusClient.DbusError e) {
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while connecting to " + bus);
            }
            return null;
        }
        try (client) {
            final String path;
            try {
                path = (String) client.call(SYSTEMD, "/org/freedesktop/systemd1", SYSTEMD + ".Manager", "GetUnit", unit)
                        .getFirst();
            } catch (DbusClient.DbusError e) {
                if (e.name().equals(SYSTEMD + ".NoSuchUnit")) {
                    return CheckResult.failing("is inactive"); // not loaded: what systemctl is-active says
                }
                if (e.name().equals("org.freedesktop.DBus.Error.ServiceUnknown")
                        || e.name().equals("org.freedesktop.DBus.Error.NameHasNoOwner")) {
                    return unavailable(SYSTEMD + " is not on the system bus " + bus);
                }
                return unavailable("GetUnit " + unit + " over D-Bus: " + e.getMessage());
            }
            final String state = (String) client.call(SYSTEMD, path, "org.freedesktop.DBus.Properties", "Get",
                    SYSTEMD + ".Unit", "ActiveState").getFirst();
            return ACTIVE.contains(state) ? CheckResult.healthy("is " + state) : CheckResult.failing("is " + state);
        } catch (SocketTimeoutException e) {
            return CheckResult.timedOut(timeoutMillis);
        } catch (IOException | DbusClient.DbusError | ClassCastException | java.util.NoSuchElementException e) {
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while asking systemd over D-Bus");
            }
            return unavailable("asking systemd over D-Bus: " + CheckResult.reasonOf(e));
        }
    }

    private static CheckResult unavailable(final String why) {
        return CheckResult.failing("systemd is not available: " + why);
    }
}
