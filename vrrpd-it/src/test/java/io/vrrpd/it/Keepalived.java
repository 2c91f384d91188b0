package io.vrrpd.it;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's keepalived (VRRP subsystem only) in a lab host:
 * {@code ip netns exec NS keepalived -n -l -D -f DIR/keepalived.conf -p DIR/keepalived.pid -r DIR/vrrp.pid
 * -c DIR/checkers.pid --vrrp}: in the foreground, logging to the console (read by the test), its own pid files.
 * keepalived assigns the virtual addresses to {@code eth0} itself when Master (no VMAC: it answers ARP with
 * eth0's MAC). Its state is read from its log ({@code (VI_51) Entering MASTER STATE}), which is what its operator
 * reads too. {@link #stop()} is SIGTERM to the main process (the one this fixture started); the VRRP child,
 * as Master, sends priority 0 and removes the addresses.
 *
 * <p>For IPv6 the configuration lists vrrpd's link-local virtual address first ({@code fe80::200:5eff:fe00:2XX},
 * what vrrpd derives from the virtual MAC, DESIGN/CONFIG.md), then the global ones: keepalived checks that an
 * advertisement carries the same number of addresses as it is configured with, and so does vrrpd (link-local
 * ones aside).
 */
final class Keepalived extends Peer {
    static final String INSTANCE = "VI_51";
    private static final Pattern ENTERING = Pattern.compile("\\((\\S+)\\) Entering (MASTER|BACKUP|FAULT) STATE");

    private final Peer.Settings settings;
    private String ownConfig;
    private String configId;
    private Process process;
    private ProcessHandle vrrpChild;

    Keepalived(final Lab lab, final String host, final Path dir, final Peer.Settings settings) {
        super(lab, host, dir);
        this.settings = settings;
    }

    @Override
    String name() {
        return "keepalived";
    }

    Peer.Settings settings() {
        return settings;
    }

    /**
     * Runs {@code text} as keepalived.conf instead of the one made from the settings (which still name the addresses
     * to clean up), with {@code -i configId} for its {@code @ID} lines.
     */
    Keepalived withConfig(final String text, final String id) {
        this.ownConfig = text;
        this.configId = id;
        return this;
    }

    /** keepalived.conf for {@link #settings}. */
    String config() {
        if (ownConfig != null) {
            return ownConfig;
        }
        final List<String> addresses = new ArrayList<>();
        if (settings.ipv6()) {
            addresses.add(String.format(Locale.ROOT, "fe80::200:5eff:fe00:2%02x/64", settings.vrid()));
        }
        addresses.addAll(settings.addresses());
        final StringBuilder conf = new StringBuilder();
        conf.append("# vrrpd-it interop peer: written by Keepalived.java\n")
                .append("global_defs {\n")
                .append("    router_id vrrpd-it-").append(host).append('\n')
                .append("    vrrp_version ").append(settings.version()).append('\n')
                .append("}\n\n")
                .append("vrrp_instance ").append(INSTANCE).append(" {\n")
                // A higher-priority peer starts as Master at once (it would win anyway); saves a v2 Master_Down_Interval.
                .append("    state ").append(settings.priority() > 100 ? "MASTER" : "BACKUP").append('\n')
                .append("    interface eth0\n")
                .append("    virtual_router_id ").append(settings.vrid()).append('\n')
                .append("    priority ").append(settings.priority()).append('\n')
                .append("    advert_int ").append(seconds(settings.intervalMs())).append('\n');
        if (settings.authPass() != null) {
            conf.append("    authentication {\n        auth_type PASS\n        auth_pass ").append(settings.authPass())
                    .append("\n    }\n");
        }
        if (!settings.unicastPeers().isEmpty()) {
            // From the host's own global/primary address (keepalived's default for IPv6 is the link-local one,
            // which a vrrpd listing this host's global address would drop as unknown_peer).
            conf.append("    unicast_src_ip ").append(settings.ipv6() ? Lab.ipv6(host) : Lab.ipv4(host)).append('\n')
                    // RFC 5798 §5.1.2.3: hop limit 255. keepalived's IPv6 unicast default is the kernel's 64, which
                    // vrrpd drops as bad_ttl (§7.1), as it does any off-link advertisement.
                    .append("    unicast_ttl 255\n")
                    .append("    unicast_peer {\n");
            settings.unicastPeers().forEach(p -> conf.append("        ").append(p).append('\n'));
            conf.append("    }\n");
        }
        conf.append("    virtual_ipaddress {\n");
        addresses.forEach(a -> conf.append("        ").append(a).append('\n'));
        conf.append("    }\n}\n");
        return conf.toString();
    }

    private static String seconds(final int millis) {
        return BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString();
    }

    @Override
    Keepalived start() {
        if (process != null && process.isAlive()) {
            throw new AssertionError("keepalived on " + host + " already runs");
        }
        final Path conf = write("keepalived.conf", config());
        final long started = System.nanoTime();
        final List<String> argv = new ArrayList<>(List.of("keepalived", "-n", "-l", "-D", "-f", conf.toString(),
                "-p", dir.resolve("keepalived.pid").toString(), "-r", dir.resolve("vrrp.pid").toString(),
                "-c", dir.resolve("checkers.pid").toString(), "--vrrp"));
        if (configId != null) {
            argv.addAll(List.of("-i", configId));
        }
        process = launch("keepalived", argv);
        Wait.until(START_TIMEOUT, "keepalived on " + host + " to enter a VRRP state", () -> {
            if (!process.isAlive()) {
                throw new AssertionError("keepalived on " + host + " exited with " + process.exitValue()
                        + "; its output:\n" + log());
            }
            return firstSince(ENTERING, started).isPresent();
        });
        vrrpChild = vrrpChildHandle().orElse(null);
        return this;
    }

    /** The VRRP child named in our -r pid file, if it is a child of the keepalived this fixture started. */
    private Optional<ProcessHandle> vrrpChildHandle() {
        try {
            final long pid = Long.parseLong(Files.readString(dir.resolve("vrrp.pid")).strip());
            return process.children().filter(child -> child.pid() == pid).findFirst();
        } catch (java.io.IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    @Override
    int stop() {
        if (process == null || !process.isAlive()) {
            throw new AssertionError("keepalived on " + host + " is not running");
        }
        return terminate(process, "keepalived");
    }

    @Override
    String state() {
        if (process == null || !process.isAlive()) {
            return "STOPPED";
        }
        final List<String> entered = transitionsSince(Long.MIN_VALUE / 2);
        return entered.isEmpty() ? "INIT" : entered.getLast();
    }

    @Override
    List<String> transitionsSince(final long startNanos) {
        final List<String> states = new ArrayList<>();
        for (final Peer.Line line : linesSince(startNanos)) {
            final Matcher m = ENTERING.matcher(line.text());
            if (m.find() && m.group(1).equals(INSTANCE)) {
                states.add(m.group(2));
            }
        }
        return states;
    }

    @Override
    String operatorView() {
        final List<Peer.Line> entering = lines().stream().filter(l -> ENTERING.matcher(l.text()).find()).toList();
        return entering.isEmpty() ? "(no state entered)" : entering.getLast().text();
    }

    @Override
    public void close() {
        ensureEnded(process);
        if (vrrpChild != null && vrrpChild.isAlive()) {
            vrrpChild.destroyForcibly(); // only if its parent (ours) is gone and it lingers
        }
        if (settings.ipv6()) {
            deleteAddressQuietly(String.format(Locale.ROOT, "fe80::200:5eff:fe00:2%02x/64", settings.vrid()), "eth0");
        }
        settings.addresses().forEach(a -> deleteAddressQuietly(a, "eth0"));
    }
}
