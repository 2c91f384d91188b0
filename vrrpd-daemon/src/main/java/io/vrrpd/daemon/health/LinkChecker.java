package io.vrrpd.daemon.health;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * {@code link:IFNAME}: a tracked interface (keepalived's {@code track_interface}). Healthy while the link exists
 * and its operational state is {@code up} (administratively up with carrier); weighted, it lowers the
 * priority while an uplink is down. Read from sysfs, which {@code ip netns exec} mounts for the daemon's own
 * network namespace.
 *
 * <p>Drivers that do not report an operational state (loopback, dummy, ifb, tun/tap, WireGuard) leave it
 * {@code unknown} while they carry traffic; the kernel's operstates.rst says such an interface "must be considered
 * for user data". For those the flags decide, as keepalived's IFF_UP and IFF_RUNNING: up when administratively up
 * ({@code flags} has IFF_UP) with carrier ({@code carrier} is 1).
 */
final class LinkChecker implements Checker {
    private static final int IFF_UP = 0x1;

    private final Path sysClassNet;
    private final String link;

    LinkChecker(final Path sysClassNet, final String link) {
        this.sysClassNet = sysClassNet;
        this.link = link;
    }

    @Override
    public CheckResult check(final long timeoutMillis) {
        final String state;
        try {
            state = read("operstate");
        } catch (NoSuchFileException e) {
            return CheckResult.failing("link " + link + " does not exist");
        } catch (IOException e) {
            return CheckResult.failing("cannot read the state of link " + link + ": " + CheckResult.reasonOf(e));
        }
        if (state.equals("up")) {
            return CheckResult.healthy("link " + link + " is up");
        }
        return state.equals("unknown") ? byFlags() : CheckResult.failing("link " + link + " is " + state);
    }

    /** A link without an operational state: up and with carrier, or why not. */
    private CheckResult byFlags() {
        try {
            final String flags = read("flags");
            final int value = Integer.decode(flags);
            if ((value & IFF_UP) == 0) {
                return CheckResult.failing("link " + link + " is down");
            }
            // carrier is readable only while the link is up (EINVAL otherwise), so it is read second.
            return read("carrier").equals("1") ? CheckResult.healthy("link " + link + " is up (carrier on, no"
                    + " operational state)") : CheckResult.failing("link " + link + " has no carrier");
        } catch (IOException | NumberFormatException e) {
            return CheckResult.failing("link " + link + " is unknown (flags: " + CheckResult.reasonOf(e) + ")");
        }
    }

    private String read(final String attribute) throws IOException {
        return Files.readString(sysClassNet.resolve(link).resolve(attribute)).strip();
    }
}
