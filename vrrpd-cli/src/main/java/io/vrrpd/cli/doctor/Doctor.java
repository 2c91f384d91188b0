package io.vrrpd.cli.doctor;

import io.vrrpd.linux.ErrnoException;
import io.vrrpd.linux.SystemClock;
import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.IpAddress;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * {@code vrrpadm doctor [LINK…]}: the host conditions that make VRRP fail in ways the daemon cannot see or fix
 * (DESIGN.md §2), each as a {@link Finding}. It reads; it changes nothing. Packets: it only listens.
 */
public final class Doctor {
    private static final long COMMAND_TIMEOUT_MS = 5_000;

    private final Host host;
    private final HostConfig config;

    private Doctor(final Host host, final HostConfig config) {
        this.host = host;
        this.config = config;
    }

    /** The findings for {@code links} (none: the routers' links, else every link but lo). */
    public static List<Finding> run(final Path configDir, final List<String> links, final long listenMillis) {
        return new Doctor(Host.REAL, HostConfig.read(configDir)).all(links, listenMillis);
    }

    private List<Finding> all(final List<String> given, final long listenMillis) {
        final List<Finding> findings = new ArrayList<>();
        findings.add(clock());
        config.problems().forEach(p -> findings.add(Finding.warn("config", p)));
        findings.addAll(files());
        final List<String> links = given.isEmpty() ? defaultLinks() : given;
        if (links.isEmpty()) {
            findings.add(Finding.warn("links", "no router in " + config.dir() + "/routers and no link but lo: name"
                    + " the links to check"));
        }
        final LinkChecks checks = new LinkChecks(host);
        // Listen on every existing link at once: the wait is the same however many links there are.
        final Map<String, Thread> listening = new LinkedHashMap<>();
        final Map<String, VridListener.Result> heard = new java.util.concurrent.ConcurrentHashMap<>();
        for (final String link : links) {
            if (checks.link(link).level() != Finding.Level.FAIL && listenMillis > 0) {
                listening.put(link, Thread.ofPlatform().daemon().start(() ->
                        heard.put(link, VridListener.listen(link, listenMillis))));
            }
        }
        for (final String link : links) {
            findings.addAll(checks.check(link));
        }
        findings.addAll(firewall());
        for (final Map.Entry<String, Thread> entry : listening.entrySet()) {
            try {
                entry.getValue().join(listenMillis + 10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            findings.addAll(vrids(entry.getKey(), heard.get(entry.getKey()), listenMillis));
        }
        return findings;
    }

    private List<String> defaultLinks() {
        final Set<String> links = new java.util.TreeSet<>();
        config.routers().forEach(r -> links.add(r.link()));
        if (links.isEmpty()) {
            try (var list = Files.list(host.root().resolve("sys/class/net"))) {
                list.map(p -> p.getFileName().toString()).filter(n -> !n.equals("lo")).forEach(links::add);
            } catch (IOException e) {
                // no /sys/class/net: nothing to default to
            }
        }
        return List.copyOf(links);
    }

    static Finding clock(final SystemClock.State state) {
        if (state.synchronizedClock()) {
            return Finding.ok("clock", "synchronized (adjtimex state " + state.returnValue() + ")");
        }
        return Finding.warn("clock", "the system clock is not synchronized (adjtimex: TIME_ERROR, status 0x"
                + Integer.toHexString(state.status()) + "): run an NTP client (chrony, systemd-timesyncd) so the logs"
                + " of the hosts line up; vrrpd's timers use the monotonic clock and do not depend on it");
    }

    private static Finding clock() {
        try {
            return clock(SystemClock.read());
        } catch (ErrnoException | RuntimeException e) {
            return Finding.warn("clock", "cannot read the clock's state: " + e.getMessage());
        }
    }

    /** The secrets (cluster key, web token file and key) and router files holding a password: only root reads them. */
    List<Finding> files() {
        final List<Finding> findings = new ArrayList<>();
        for (final Path secret : config.secrets()) {
            findings.add(secret(secret, true));
        }
        for (final HostConfig.Router router : config.routers()) {
            if (router.hasPassword()) {
                findings.add(secret(router.file(), false));
            }
        }
        return findings;
    }

    private static Finding secret(final Path file, final boolean key) {
        final String check = "file " + file;
        if (!Files.exists(file)) {
            return Finding.fail(check, "does not exist (vrrpd refuses to start without it)");
        }
        try {
            final Set<PosixFilePermission> modes = Files.getPosixFilePermissions(file);
            final Set<PosixFilePermission> open = new HashSet<>(modes);
            open.retainAll(Set.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
                    PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE,
                    PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_EXECUTE));
            final String mode = java.nio.file.attribute.PosixFilePermissions.toString(modes);
            if (!open.isEmpty()) {
                final String what = key ? "a secret" : "a router's auth_pass";
                return key ? Finding.fail(check, "holds " + what + " but is " + mode + ": chmod 600 " + file)
                        : Finding.warn(check, "holds " + what + " but is " + mode + ": chmod 600 " + file);
            }
            return Finding.ok(check, mode + ", owner " + Files.getOwner(file).getName());
        } catch (IOException | UnsupportedOperationException e) {
            return Finding.warn(check, "cannot read its mode: " + e.getMessage());
        }
    }

    /** The packet filter's verdict on VRRP and the cluster's ports. */
    private List<Finding> firewall() {
        final List<Firewall.Traffic> traffic = new ArrayList<>(List.of(Firewall.Traffic.vrrp()));
        config.cluster().ifPresent(c -> {
            traffic.add(Firewall.Traffic.tcp(c.port(), "cluster", c.ipv6()));
            traffic.add(Firewall.Traffic.tcp(c.port() + 100, "cluster failure detection", c.ipv6()));
        });
        final List<Finding> findings = new ArrayList<>();
        final Command nft = command("nft", "-j", "list", "ruleset");
        if (nft.missing()) {
            findings.add(Finding.ok("firewall", "nft is not installed: no nftables ruleset read"));
        } else if (nft.hung()) {
            findings.add(Finding.warn("firewall", nft.output() + " and was killed: the nftables ruleset was not read"
                    + " (run `nft -j list ruleset` by hand to see why it hangs)"));
        } else if (nft.status() != 0) {
            findings.add(Finding.warn("firewall", "nft -j list ruleset failed (exit " + nft.status() + "): "
                    + nft.firstLine()));
        } else {
            findings.addAll(Firewall.nftables(nft.output(), traffic));
        }
        for (final boolean ipv6 : List.of(false, true)) {
            final Command save = command(ipv6 ? "ip6tables-save" : "iptables-save");
            // The nf_tables back end's rules are in the nftables ruleset already.
            if (!save.missing() && save.status() == 0 && !save.output().contains("(nf_tables)")) {
                findings.addAll(Firewall.iptables(save.output(), ipv6, traffic));
            }
        }
        return findings;
    }

    /** A command's outcome; {@code hung}: it did not exit within its bound and was killed ({@code output} says so). */
    record Command(boolean missing, int status, String output, boolean hung) {
        Command(final boolean missing, final int status, final String output) {
            this(missing, status, output, false);
        }

        String firstLine() {
            return output.lines().findFirst().orElse("");
        }
    }

    private static Command command(final String... argv) {
        return command(COMMAND_TIMEOUT_MS, argv);
    }

    /**
     * Runs {@code argv} with stdin closed and stderr in stdout, for at most {@code timeoutMillis}: a hung nft (a
     * kernel busy with a huge ruleset, a stuck netlink) must not hang the doctor — it is killed and said.
     */
    static Command command(final long timeoutMillis, final String... argv) {
        final Process process;
        try {
            process = new ProcessBuilder(argv).redirectErrorStream(true).start();
        } catch (IOException e) {
            return new Command(true, -1, "");
        }
        try {
            process.getOutputStream().close();
            final java.util.concurrent.CompletableFuture<String> output = java.util.concurrent.CompletableFuture
                    .supplyAsync(() -> {
                        try {
                            return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                        } catch (IOException e) {
                            return "";
                        }
                    });
            if (!process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return new Command(false, -1, String.join(" ", argv) + " did not answer within " + timeoutMillis
                        + " ms", true);
            }
            return new Command(false, process.exitValue(), output.get(1, TimeUnit.SECONDS));
        } catch (IOException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            process.destroyForcibly();
            return new Command(false, -1, e.toString());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Command(false, -1, "interrupted");
        }
    }

    /** What was heard on {@code link}, against this host's routers there. */
    List<Finding> vrids(final String link, final VridListener.Result result, final long listenMillis) {
        final String check = "vrids " + link;
        final List<Finding> findings = new ArrayList<>();
        if (result == null) {
            return List.of(Finding.warn(check, "the listener did not finish"));
        }
        for (final String problem : result.problems()) {
            final boolean six = problem.startsWith("IPv6");
            final boolean used = config.routers().stream().anyMatch(r -> r.link().equals(link) && r.ipv6() == six);
            findings.add(used ? Finding.warn(check, "cannot listen: " + problem)
                    : Finding.ok(check, "not listened for " + problem));
        }
        final Map<String, List<VridListener.Heard>> byVrid = result.heard().stream().collect(Collectors.groupingBy(
                h -> h.family() + " VRID " + h.vrid(), java.util.TreeMap::new, Collectors.toList()));
        if (byVrid.isEmpty() && result.problems().size() < 2) {
            findings.add(Finding.ok(check, "no VRRP advertisement heard in " + listenMillis + " ms"));
        }
        for (final Map.Entry<String, List<VridListener.Heard>> entry : byVrid.entrySet()) {
            final List<VridListener.Heard> advertisers = entry.getValue();
            final VridListener.Heard first = advertisers.getFirst();
            final String heardText = entry.getKey() + " v" + first.version() + " from " + advertisers.stream()
                    .map(h -> h.source() + " priority " + h.priority()).collect(Collectors.joining(", ")) + " every "
                    + first.intervalMs() + " ms (" + text(first.addresses()) + ")";
            final List<VridListener.Heard> masters = advertisers.stream().filter(h -> h.priority() > 0).toList();
            if (masters.size() > 1) {
                findings.add(Finding.warn(check, heardText + ": advertised by " + masters.size() + " hosts within "
                        + listenMillis + " ms: two Masters (a split brain), or one VRID used by two groups on this"
                        + " LAN"));
                continue;
            }
            final boolean ipv6 = first.family() == AddressFamily.IPV6;
            final List<HostConfig.Router> ours = config.routers().stream().filter(r -> r.link().equals(link)
                    && r.ipv6() == ipv6 && r.vrid() == first.vrid()).toList();
            if (ours.isEmpty()) {
                findings.add(Finding.ok(check, heardText + ": no router of this host uses it (a new one must not)"));
                continue;
            }
            final HostConfig.Router router = ours.getFirst();
            final Set<String> heardAddresses = globalOnly(first.addresses().stream().map(IpAddress::toString).toList());
            final Set<String> ourAddresses = globalOnly(router.addresses());
            if (!heardAddresses.equals(ourAddresses)) {
                findings.add(Finding.warn(check, heardText + ": router " + router.name() + " has " + ourAddresses
                        + ": the group's hosts disagree on its addresses (a Backup drops the Master's advertisements"
                        + " as address_mismatch and takes over too), or another group uses VRID " + first.vrid()));
            } else if (first.version() != router.version()) {
                findings.add(Finding.warn(check, heardText + ": router " + router.name() + " runs VRRPv"
                        + router.version() + ": the versions must match (-v)"));
            } else {
                findings.add(Finding.ok(check, heardText + ": router " + router.name() + "'s group"));
            }
        }
        return findings;
    }

    /** The addresses without IPv6 link-local ones (each host of a group may list its own). */
    private static Set<String> globalOnly(final Collection<String> addresses) {
        return addresses.stream().filter(a -> !a.toLowerCase(java.util.Locale.ROOT).startsWith("fe80:"))
                .collect(Collectors.toCollection(java.util.TreeSet::new));
    }

    private static String text(final List<IpAddress> addresses) {
        return addresses.stream().map(IpAddress::toString).collect(Collectors.joining(", "));
    }

    /** For unit tests: a doctor over a fake host tree and config. */
    static Doctor of(final Host host, final HostConfig config) {
        return new Doctor(host, config);
    }
}
