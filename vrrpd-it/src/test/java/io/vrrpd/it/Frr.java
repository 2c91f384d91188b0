package io.vrrpd.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * FRR's vrrpd (with the zebra it needs) in a lab host, as {@code tools/golden/capture.sh} runs them:
 * {@code /usr/lib/frr/zebra} and {@code /usr/lib/frr/vrrpd} with their own pid files ({@code -i}), zebra socket
 * ({@code -z}), vty socket directory ({@code --vty_socket}), no TCP vty ({@code -P 0}), user and group
 * {@code frr}, logging to stdout (read by the test). Nothing of the packaged {@code frr.service} (root namespace,
 * {@code /run/frr}) is used or touched.
 *
 * <p>FRR vrrpd only runs a virtual router once zebra reports a macvlan with the virtual MAC on the interface,
 * carrying the virtual addresses; {@link #start()} makes it first, as FRR's documentation and capture.sh do:
 * {@code vrrp4-2-VRID} (IPv4, 00:00:5e:00:01:VRID) or {@code vrrp6-2-VRID} (IPv6, 00:00:5e:00:02:VRID,
 * {@code addrgenmode random}), in bridge mode on {@code eth0}. FRR then sends its advertisements through that
 * macvlan (virtual MAC; IPv6: from the macvlan's link-local address, listing no link-local virtual address), and
 * sets it protodown while Backup. {@link #close()} deletes it. The state is read with
 * {@code vtysh --vty_socket DIR/vty -c 'show vrrp VRID json'}.
 */
final class Frr extends Peer {
    private static final String FRR_BIN = "/usr/lib/frr/";
    private static final Pattern TRANSITION = Pattern.compile(
            "\\[VRID (\\d+)] \\[(IPv4|IPv6)] (Initialize|Backup|Master) -> (Initialize|Backup|Master)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Peer.Settings settings;
    private Process zebra;
    private Process vrrpd;

    Frr(final Lab lab, final String host, final Path dir, final Peer.Settings settings) {
        super(lab, host, dir);
        this.settings = settings;
    }

    @Override
    String name() {
        return "FRR vrrpd";
    }

    /** vrrp4-2-VRID / vrrp6-2-VRID. */
    String macvlan() {
        return "vrrp" + (settings.ipv6() ? 6 : 4) + "-2-" + settings.vrid();
    }

    private String family() {
        return settings.ipv6() ? "IPv6" : "IPv4";
    }

    /** vrrpd.conf for {@link #settings}. */
    String config() {
        final int vrid = settings.vrid();
        final StringBuilder conf = new StringBuilder();
        conf.append("! vrrpd-it interop peer: written by Frr.java\n")
                // State changes are logged anyway; this adds timer events and why an advertisement waits.
                .append("debug vrrp protocol\n")
                .append("!\n")
                .append("interface eth0\n")
                .append(" vrrp ").append(vrid).append(" version ").append(settings.version()).append('\n')
                .append(" vrrp ").append(vrid).append(" priority ").append(settings.priority()).append('\n')
                .append(" vrrp ").append(vrid).append(" advertisement-interval ").append(settings.intervalMs()).append('\n');
        for (final String address : settings.bareAddresses()) {
            conf.append(" vrrp ").append(vrid).append(settings.ipv6() ? " ipv6 " : " ip ").append(address).append('\n');
        }
        conf.append("!\n");
        return conf.toString();
    }

    @Override
    Frr start() {
        if (vrrpd != null && vrrpd.isAlive()) {
            throw new AssertionError("FRR vrrpd on " + host + " already runs");
        }
        // zebra and vrrpd drop to user frr: they must reach their directory (the lab's work dir is 0700).
        try {
            Files.setPosixFilePermissions(lab.work(), PosixFilePermissions.fromString("rwx--x--x"));
            Files.createDirectories(dir.resolve("vty"));
        } catch (IOException e) {
            throw new AssertionError("cannot prepare " + dir, e);
        }
        write("zebra.conf", "!\n");
        write("vrrpd.conf", config());
        Cmd.run("chown", "-R", "frr:frr", dir.toString());
        addMacvlan();

        final List<String> common = List.of("-z", dir.resolve("zserv.api").toString(),
                "--vty_socket", dir.resolve("vty").toString(), "-P", "0", "-u", "frr", "-g", "frr", "--log", "stdout");
        final long started = System.nanoTime();
        zebra = launch("zebra", concat(List.of(FRR_BIN + "zebra", "-i", dir.resolve("zebra.pid").toString(),
                "-f", dir.resolve("zebra.conf").toString()), common));
        awaitFile(zebra, dir.resolve("zserv.api"), "zebra's socket");
        vrrpd = launch("vrrpd", concat(List.of(FRR_BIN + "vrrpd", "-i", dir.resolve("vrrpd.pid").toString(),
                "-f", dir.resolve("vrrpd.conf").toString()), common));
        awaitFile(vrrpd, dir.resolve("vty/vrrpd.vty"), "vrrpd's vty socket");
        // Running: the virtual router left Initialize.
        Wait.until(START_TIMEOUT, "FRR vrrpd on " + host + " to start VRID " + settings.vrid() + " " + family(), () -> {
            if (!vrrpd.isAlive()) {
                throw new AssertionError("FRR vrrpd on " + host + " exited with " + vrrpd.exitValue() + ":\n" + log());
            }
            return !transitionsSince(started).isEmpty();
        });
        return this;
    }

    private void addMacvlan() {
        final String ns = lab.ns(host);
        final String dev = macvlan();
        Cmd.run("ip", "-n", ns, "link", "add", dev, "link", "eth0", "type", "macvlan", "mode", "bridge");
        // A second command: "ip link add ... addrgenmode random type macvlan" fails on some kernels (capture.sh).
        Cmd.run("ip", "-n", ns, "link", "set", dev, "addrgenmode", "random");
        Cmd.run("ip", "-n", ns, "link", "set", dev, "address", Lab.virtualMac(settings.vrid(), settings.ipv6()));
        for (final String address : settings.addresses()) {
            if (settings.ipv6()) {
                Cmd.run("ip", "-n", ns, "addr", "add", address, "dev", dev, "nodad");
            } else {
                Cmd.run("ip", "-n", ns, "addr", "add", address, "dev", dev);
            }
        }
        Cmd.run("ip", "-n", ns, "link", "set", dev, "up");
    }

    private void awaitFile(final Process process, final Path file, final String what) {
        Wait.until(START_TIMEOUT, what + " " + file + " (FRR on " + host + ")", () -> {
            if (!process.isAlive()) {
                throw new AssertionError("FRR on " + host + " exited with " + process.exitValue() + " before "
                        + what + " appeared:\n" + log());
            }
            return Files.exists(file);
        });
    }

    private static List<String> concat(final List<String> a, final List<String> b) {
        final List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    @Override
    int stop() {
        if (vrrpd == null || !vrrpd.isAlive()) {
            throw new AssertionError("FRR vrrpd on " + host + " is not running");
        }
        return terminate(vrrpd, "FRR vrrpd");
    }

    /** {@code vtysh --vty_socket DIR/vty -c COMMAND} inside the host. */
    Cmd.Result vtysh(final String command) {
        return Cmd.exec(Duration.ofSeconds(10), null, "ip", "netns", "exec", lab.ns(host), "vtysh",
                "--vty_socket", dir.resolve("vty").toString(), "-c", command);
    }

    @Override
    String state() {
        if (vrrpd == null || !vrrpd.isAlive()) {
            return "STOPPED";
        }
        final Cmd.Result shown = vtysh("show vrrp " + settings.vrid() + " json");
        if (!shown.ok()) {
            throw new IllegalStateException("vtysh: " + shown);
        }
        try {
            final JsonNode routers = JSON.readTree(shown.out());
            final String status = routers.path(0).path(settings.ipv6() ? "v6" : "v4").path("status").asText("");
            return vrrpdWord(status);
        } catch (IOException e) {
            throw new IllegalStateException("vtysh answered no JSON: " + shown, e);
        }
    }

    private static String vrrpdWord(final String frrState) {
        return switch (frrState) {
            case "Master" -> "MASTER";
            case "Backup" -> "BACKUP";
            case "Initialize" -> "INIT";
            default -> "UNKNOWN(" + frrState + ")";
        };
    }

    @Override
    List<String> transitionsSince(final long startNanos) {
        final List<String> states = new ArrayList<>();
        for (final Peer.Line line : linesSince(startNanos)) {
            final Matcher m = TRANSITION.matcher(line.text());
            if (m.find() && Integer.parseInt(m.group(1)) == settings.vrid() && m.group(2).equals(family())) {
                states.add(vrrpdWord(m.group(4)));
            }
        }
        return states;
    }

    /** {@code show vrrp}'s status line for the family, e.g. {@code Status (v4)   Master}. */
    @Override
    String operatorView() {
        final Cmd.Result shown = vtysh("show vrrp");
        final String key = "Status (v" + (settings.ipv6() ? 6 : 4) + ")";
        return shown.out().lines().map(String::strip).filter(l -> l.startsWith(key)).findFirst()
                .map(l -> l.replaceAll("\\s+", " "))
                .orElse("(no '" + key + "' in show vrrp: " + shown + ")");
    }

    @Override
    public void close() {
        ensureEnded(vrrpd);
        ensureEnded(zebra);
        if (lab.link(host, macvlan()).isPresent()) {
            Cmd.exec("ip", "-n", lab.ns(host), "link", "del", macvlan());
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "FRR vrrpd on %s (%s)", host, macvlan());
    }
}
