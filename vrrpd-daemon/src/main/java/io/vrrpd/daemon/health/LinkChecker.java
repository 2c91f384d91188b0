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
 */
final class LinkChecker implements Checker {
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
            state = Files.readString(sysClassNet.resolve(link).resolve("operstate")).strip();
        } catch (NoSuchFileException e) {
            return CheckResult.failing("link " + link + " does not exist");
        } catch (IOException e) {
            return CheckResult.failing("cannot read the state of link " + link + ": " + CheckResult.reasonOf(e));
        }
        return state.equals("up") ? CheckResult.healthy("link " + link + " is up")
                : CheckResult.failing("link " + link + " is " + state);
    }
}
