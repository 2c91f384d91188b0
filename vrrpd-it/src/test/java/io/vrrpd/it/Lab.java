package io.vrrpd.it;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A throw-away LAN for the daemon: a bridge in its own namespace ({@code PREFIX-sw}, bridge {@code br0}, no
 * multicast snooping, no STP), host namespaces {@code PREFIX-h1 … PREFIX-hN} and a client {@code PREFIX-c},
 * each joined to the bridge by a veth pair: {@code eth0} inside, port {@code pK} on the bridge.
 *
 * <pre>
 *   PREFIX-h1 eth0 192.0.2.1/24  2001:db8::1/64 ─┐
 *   PREFIX-h2 eth0 192.0.2.2/24  2001:db8::2/64 ─┤ p1..pN, pc
 *   PREFIX-h3 eth0 192.0.2.3/24  2001:db8::3/64 ─┼── br0 in PREFIX-sw
 *   PREFIX-c  eth0 192.0.2.10/24 2001:db8::10/64 ┘
 * </pre>
 *
 * <p>PREFIX is {@code vi<pid>-<n>}: unique per test JVM and lab. Nothing in the root namespace is touched:
 * every command names a lab namespace ({@code ip -n NS}, {@code ip netns exec NS}), sysctls are written inside
 * lab namespaces only, addresses come from 192.0.2.0/24 and 2001:db8::/64. {@link #close()} kills the processes
 * the lab started (each by its pid), deletes the namespaces (which deletes every interface in them) and the work
 * directory; a JVM shutdown hook does the same if the test JVM ends early. Every command and wait is bounded.
 */
final class Lab implements AutoCloseable {
    static final String SWITCH = "sw";
    static final String CLIENT = "c";
    static final String BRIDGE = "br0";
    private static final AtomicInteger LABS = new AtomicInteger();
    private static final Pattern LLADDR = Pattern.compile("lladdr (\\S+)");

    private final String prefix;
    private final List<String> hosts = new ArrayList<>();
    private final List<String> namespaces = new ArrayList<>();
    private final Map<String, String> ports = new LinkedHashMap<>();
    private final List<Process> processes = new ArrayList<>();
    private final Map<String, Daemon> daemons = new LinkedHashMap<>();
    private final Path work;
    private final Thread cleanupHook;
    private int round;
    private boolean closed;

    private Lab(final String prefix) {
        this.prefix = prefix;
        try {
            // Under /tmp, short: the control socket path must fit sockaddr_un (108 bytes).
            this.work = Files.createTempDirectory(Path.of("/tmp"), prefix);
        } catch (IOException e) {
            throw new AssertionError("cannot create a work directory", e);
        }
        this.cleanupHook = new Thread(this::teardown, "lab-cleanup-" + prefix);
        Runtime.getRuntime().addShutdownHook(cleanupHook);
    }

    // ------------------------------------------------------------------ set-up

    /** Skips the calling test (saying why) unless it runs as root; scripts/test treats a skip as a failure. */
    static void assumeRoot() {
        Assumptions.assumeTrue(isRoot(), "skipped: needs root (creates network namespaces and runs vrrpd in them)");
    }

    static boolean isRoot() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/status"))) {
            return lines.filter(line -> line.startsWith("Uid:")).anyMatch(line -> line.split("\\s+")[1].equals("0"));
        } catch (IOException e) {
            return false;
        }
    }

    /** The checkout whose {@code bin/vrrpd} and {@code bin/vrrpadm} the tests run. */
    static Path home() {
        final String property = System.getProperty("vrrpd.home");
        if (property != null && !property.isBlank() && Files.isExecutable(Path.of(property, "bin/vrrpd"))) {
            return Path.of(property);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isExecutable(dir.resolve("bin/vrrpd")) && Files.isDirectory(dir.resolve("vrrpd-daemon"))) {
                return dir;
            }
        }
        throw new AssertionError("cannot find the checkout (bin/vrrpd): set -Dvrrpd.home");
    }

    /** A lab with hosts h1..h{@code hostCount} and the client, all on the bridge. */
    static Lab create(final int hostCount) {
        assumeRoot();
        final Lab lab = new Lab("vi" + ProcessHandle.current().pid() + "-" + LABS.incrementAndGet() + "-");
        try {
            lab.build(hostCount);
        } catch (RuntimeException | Error e) {
            lab.close();
            throw e;
        }
        return lab;
    }

    private void build(final int hostCount) {
        final String sw = addNamespace(SWITCH);
        ip("-n", sw, "link", "add", BRIDGE, "type", "bridge", "mcast_snooping", "0", "stp_state", "0",
                "forward_delay", "0");
        ip("-n", sw, "link", "set", BRIDGE, "up");
        for (int i = 1; i <= hostCount; i++) {
            final String host = "h" + i;
            addNamespace(host);
            connect(host, "p" + i, ipv4(host) + "/24", ipv6(host) + "/64");
            hosts.add(host);
        }
        addNamespace(CLIENT);
        connect(CLIENT, "pc", ipv4(CLIENT) + "/24", ipv6(CLIENT) + "/64");
    }

    /** A namespace with loopback up and IPv6 DAD off for interfaces made in it later. */
    private String addNamespace(final String host) {
        final String name = ns(host);
        namespaces.add(name); // first, so a half-made namespace is still deleted
        ip("netns", "add", name);
        ip("-n", name, "link", "set", "lo", "up");
        sysctl(host, "net.ipv6.conf.all.accept_dad", "0");
        sysctl(host, "net.ipv6.conf.default.accept_dad", "0");
        return name;
    }

    private void connect(final String host, final String port, final String... addresses) {
        ip("-n", ns(host), "link", "add", "eth0", "type", "veth", "peer", "name", port, "netns", ns(SWITCH));
        ports.put(host, port);
        sysctl(host, "net.ipv6.conf.eth0.accept_dad", "0");
        ip("-n", ns(SWITCH), "link", "set", port, "master", BRIDGE, "up");
        ip("-n", ns(host), "link", "set", "eth0", "up");
        for (final String address : addresses) {
            ip("-n", ns(host), "addr", "add", address, "dev", "eth0", "nodad");
        }
    }

    // ------------------------------------------------------------------ names and addresses

    String prefix() {
        return prefix;
    }

    /** The full namespace name of lab host {@code host} ("h1", "c", "sw"). */
    String ns(final String host) {
        return prefix + host;
    }

    /** The daemon hosts, h1..hN. */
    List<String> hosts() {
        return List.copyOf(hosts);
    }

    /** 192.0.2.K for hK, 192.0.2.10 for the client. */
    static String ipv4(final String host) {
        return "192.0.2." + number(host);
    }

    /** 2001:db8::K for hK, 2001:db8::10 for the client. */
    static String ipv6(final String host) {
        return "2001:db8::" + number(host);
    }

    private static int number(final String host) {
        return host.equals(CLIENT) ? 10 : Integer.parseInt(host.substring(1));
    }

    /** The virtual MAC of {@code vrid}: 00:00:5e:00:01:XX (IPv4) or 00:00:5e:00:02:XX (IPv6). */
    static String virtualMac(final int vrid, final boolean ipv6) {
        return String.format(Locale.ROOT, "00:00:5e:00:%02x:%02x", ipv6 ? 2 : 1, vrid);
    }

    /** The real MAC of eth0 in {@code host}. */
    String mac(final String host) {
        return Cmd.run("ip", "netns", "exec", ns(host), "cat", "/sys/class/net/eth0/address").strip();
    }

    /** The ifindex of eth0 in {@code host} (part of the VNIC's name {@code vr4-VRID-IFINDEX}). */
    int ifindex(final String host) {
        final String line = Cmd.run("ip", "-n", ns(host), "-o", "link", "show", "dev", "eth0").strip();
        return Integer.parseInt(line.substring(0, line.indexOf(':')));
    }

    /** The bridge-side veth of {@code host} (in the switch namespace). */
    String port(final String host) {
        return ports.get(host);
    }

    Path work() {
        return work;
    }

    // ------------------------------------------------------------------ daemons

    /** This round's daemon of {@code host} (created, not started: call {@link Daemon#start()}). */
    synchronized Daemon daemon(final String host) {
        return daemons.computeIfAbsent(host, h -> new Daemon(this, h, work.resolve("r" + round).resolve(h)));
    }

    /** Starts the daemons of {@code hosts} at the same time and waits until each answers. */
    List<Daemon> startDaemons(final String... hostNames) {
        final List<Daemon> started = Stream.of(hostNames).map(this::daemon).toList();
        parallel(started, Daemon::start);
        return started;
    }

    synchronized List<Daemon> daemons() {
        return List.copyOf(daemons.values());
    }

    /** Runs {@code bin/vrrpadm --socket SOCKET ARGS} for {@code host}'s daemon. */
    Cmd.Result vrrpadm(final String host, final String... args) {
        final List<String> argv = new ArrayList<>(List.of(home().resolve("bin/vrrpadm").toString(),
                "--socket", daemon(host).socket().toString()));
        argv.addAll(List.of(args));
        return Cmd.exec(Duration.ofSeconds(45), null, argv.toArray(String[]::new));
    }

    /** Runs vrrpadm; fails the test unless it exits 0. Returns stdout. */
    String vrrpadmOk(final String host, final String... args) {
        final Cmd.Result result = vrrpadm(host, args);
        if (!result.ok()) {
            throw new AssertionError("vrrpadm failed on " + host + ": " + result + "\nvrrpd log:\n" + daemon(host).log());
        }
        return result.out();
    }

    /** Runs {@code action} on each of {@code items} at once (one thread each); rethrows the first failure. */
    static <T> void parallel(final List<T> items, final java.util.function.Consumer<T> action) {
        final List<Thread> threads = new ArrayList<>();
        final List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (final T item : items) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    action.accept(item);
                } catch (Throwable t) {
                    failures.add(t);
                }
            }));
        }
        for (final Thread thread : threads) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
        if (!failures.isEmpty()) {
            final Throwable first = failures.getFirst();
            failures.stream().skip(1).forEach(first::addSuppressed);
            if (first instanceof RuntimeException e) {
                throw e;
            }
            if (first instanceof Error e) {
                throw e;
            }
            throw new AssertionError(first);
        }
    }

    /** Registers a long-running process the lab must end on teardown. */
    synchronized void track(final Process process) {
        processes.add(process);
    }

    /**
     * Between tests: stops every daemon (SIGTERM, then SIGKILL), ends tracked processes, deletes VNICs a killed
     * daemon left behind, brings every link back up, flushes the client's neighbour cache, and starts a new
     * round (fresh config/state directories).
     */
    void reset() {
        parallel(daemons(), Daemon::ensureStopped);
        endProcesses();
        for (final String host : hosts) {
            ip("-n", ns(SWITCH), "link", "set", port(host), "up");
            ip("-n", ns(host), "link", "set", "eth0", "up");
            restoreAddresses(host);
            for (final String vnic : vnics(host)) {
                Cmd.exec("ip", "-n", ns(host), "link", "del", vnic);
            }
        }
        Cmd.exec("ip", "-n", ns(CLIENT), "neigh", "flush", "dev", "eth0");
        synchronized (this) {
            daemons.clear();
            round++;
        }
    }

    /**
     * Deletes {@code host}'s eth0 (its bridge port goes with it) and makes it again under the same names, with
     * the same addresses: to the kernel a new link with a new index ({@code ip link del eth0} + add).
     */
    void recreateEth0(final String host) {
        ip("-n", ns(host), "link", "del", "eth0");
        connect(host, port(host), ipv4(host) + "/24", ipv6(host) + "/64");
    }

    /**
     * Puts {@code host}'s own addresses back on eth0: taking a link down deletes its IPv6 addresses (the kernel
     * keeps them only with keep_addr_on_down, which the lab leaves at its default).
     */
    void restoreAddresses(final String host) {
        for (final String address : List.of(ipv4(host) + "/24", ipv6(host) + "/64")) {
            ip("-n", ns(host), "addr", "replace", address, "dev", "eth0", "nodad");
        }
    }

    /** Names of the macvlans vrrpd made in {@code host} ({@code vr4-*}, {@code vr6-*}). */
    List<String> vnics(final String host) {
        final List<String> names = new ArrayList<>();
        for (final String line : Cmd.run("ip", "-n", ns(host), "-o", "link", "show").lines().toList()) {
            final String[] fields = line.split(":\\s+", 3);
            if (fields.length >= 2) {
                final String name = fields[1].replaceAll("@.*", "");
                if (name.startsWith("vr4-") || name.startsWith("vr6-")) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    /**
     * The administrative/operational view of {@code ifname} in {@code host}: empty if it does not exist,
     * else {@code ip -o link show}'s line (contains {@code state UP}/{@code state DOWN} and the flags).
     */
    Optional<String> link(final String host, final String ifname) {
        final Cmd.Result result = Cmd.exec("ip", "-n", ns(host), "-o", "link", "show", "dev", ifname);
        return result.ok() ? Optional.of(result.out().strip()) : Optional.empty();
    }

    /** True when {@code ifname} exists in {@code host} and is administratively up (flag UP). */
    boolean linkUp(final String host, final String ifname) {
        return link(host, ifname).map(line -> line.matches("(?s).*<[^>]*\\bUP\\b[^>]*>.*")).orElse(false);
    }

    /** The addresses (ADDR/PLEN) on {@code ifname} in {@code host}. */
    List<String> addresses(final String host, final String ifname) {
        final List<String> result = new ArrayList<>();
        final Cmd.Result shown = Cmd.exec("ip", "-n", ns(host), "-o", "addr", "show", "dev", ifname);
        for (final String line : shown.out().lines().toList()) {
            final String[] fields = line.trim().split("\\s+");
            for (int i = 0; i + 1 < fields.length; i++) {
                if (fields[i].equals("inet") || fields[i].equals("inet6")) {
                    result.add(fields[i + 1]);
                }
            }
        }
        return result;
    }

    // ------------------------------------------------------------------ network actions

    /** Drops (false) or restores (true) carrier on {@code host}'s eth0: downs its bridge-side veth. */
    void carrier(final String host, final boolean up) {
        ip("-n", ns(SWITCH), "link", "set", port(host), up ? "up" : "down");
    }

    /** {@code ip -n NS link set eth0 down|up} inside {@code host}. */
    void linkAdmin(final String host, final boolean up) {
        ip("-n", ns(host), "link", "set", "eth0", up ? "up" : "down");
    }

    /** One ping (1 s deadline) from {@code host} to {@code address}; true if answered. */
    boolean ping(final String host, final String address) {
        return Cmd.exec(Duration.ofSeconds(5), null, "ip", "netns", "exec", ns(host), "ping",
                address.contains(":") ? "-6" : "-4", "-n", "-q", "-c", "1", "-W", "1", address).ok();
    }

    /** Pings until answered or {@code timeout}. */
    void awaitPing(final String host, final String address, final Duration timeout) {
        Wait.until(timeout, host + " to get an answer to ping " + address, () -> ping(host, address));
    }

    /** The neighbour entry's MAC for {@code address} in {@code host} (empty if none or incomplete). */
    Optional<String> neighbourMac(final String host, final String address) {
        final String line = Cmd.run("ip", "-n", ns(host), "neigh", "show", address).strip();
        final Matcher m = LLADDR.matcher(line);
        return m.find() ? Optional.of(m.group(1).toLowerCase(Locale.ROOT)) : Optional.empty();
    }

    /** The bridge port ({@code pK}, {@code pc}) on which the switch last saw {@code mac}; empty if none. */
    Optional<String> bridgePort(final String mac) {
        for (final String line : Cmd.run("bridge", "-n", ns(SWITCH), "fdb", "show", "br", BRIDGE).lines().toList()) {
            final String[] f = line.trim().split("\\s+");
            if (f.length >= 3 && f[0].equalsIgnoreCase(mac) && f[1].equals("dev")) {
                return Optional.of(f[2]);
            }
        }
        return Optional.empty();
    }

    /** The whole neighbour line for {@code address} in {@code host}. */
    String neighbour(final String host, final String address) {
        return Cmd.run("ip", "-n", ns(host), "neigh", "show", address).strip();
    }

    void flushNeighbour(final String host, final String address) {
        Cmd.exec("ip", "-n", ns(host), "neigh", "flush", "to", address);
    }

    /** Runs {@code command} inside {@code host} ({@code ip netns exec}). */
    Cmd.Result inNs(final String host, final String... command) {
        final List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", ns(host)));
        argv.addAll(List.of(command));
        return Cmd.exec(argv.toArray(String[]::new));
    }

    /** Runs {@code python3 -c SCRIPT ARGS} inside {@code host} (Debian's python3). */
    Cmd.Result python(final String host, final String script, final String... args) {
        final List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", ns(host), python3(), "-c", script));
        argv.addAll(List.of(args));
        return Cmd.exec(argv.toArray(String[]::new));
    }

    /** A test resource's text (the Python helpers). */
    static String resource(final String name) {
        try (InputStream in = Lab.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new AssertionError("missing test resource " + name);
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static String python3() {
        return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }

    /** Starts capturing VRRP on eth0 of {@code host}; returns once it captures. */
    Capture capture(final String host) {
        return Capture.start(this, host, work.resolve("r" + round + "-" + host + "-" + System.nanoTime() + ".pcap"));
    }

    // ------------------------------------------------------------------ commands

    /** {@code sysctl -w KEY=VALUE} inside {@code host} (a lab namespace; never the root one). */
    void sysctl(final String host, final String key, final String value) {
        Cmd.run("ip", "netns", "exec", ns(host), "sysctl", "-q", "-w", key + "=" + value);
    }

    private static void ip(final String... args) {
        final String[] argv = new String[args.length + 1];
        argv[0] = "ip";
        System.arraycopy(args, 0, argv, 1, args.length);
        Cmd.run(argv);
    }

    /** Namespaces whose names start with {@code prefix} that exist now. */
    static List<String> existingNamespaces(final String prefix) {
        return Cmd.run("ip", "netns", "list").lines()
                .map(line -> line.split("\\s+")[0])
                .filter(name -> name.startsWith(prefix))
                .toList();
    }

    /** Prints every daemon's log of this round (for a failed test). */
    void dumpLogs(final PrintStream out) {
        for (final Daemon daemon : daemons()) {
            out.println("---- " + daemon + ": " + daemon.logFile());
            out.println(daemon.log());
        }
    }

    // ------------------------------------------------------------------ teardown

    private void endProcesses() {
        final List<Process> mine;
        synchronized (this) {
            mine = List.copyOf(processes);
            processes.clear();
        }
        for (final Process process : mine) {
            if (process.isAlive()) {
                // Children first (tshark's dumpcap), each by its pid, then the process itself.
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        }
        for (final Process process : mine) {
            try {
                process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        teardown();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanupHook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs (or ran) teardown itself
        }
    }

    private synchronized void teardown() {
        if (closed) {
            return;
        }
        closed = true;
        for (final Daemon daemon : daemons.values()) {
            try {
                daemon.ensureStopped();
            } catch (RuntimeException | Error e) {
                System.err.println("lab " + prefix + ": stopping " + daemon + ": " + e);
            }
        }
        endProcesses();
        for (int i = namespaces.size() - 1; i >= 0; i--) {
            final String name = namespaces.get(i);
            if (Files.exists(Path.of("/run/netns", name))) {
                final Cmd.Result result = Cmd.exec("ip", "netns", "del", name);
                if (!result.ok()) {
                    System.err.println("lab " + prefix + ": could not delete namespace " + name + ": " + result);
                }
            }
        }
        namespaces.clear();
        keepLogs();
        deleteTree(work);
    }

    /**
     * With {@code -Dvrrpd.it.keepLogs=DIR}, copies every daemon log of the lab to DIR/PREFIX/ before the work
     * directory goes (to read what the daemons did in a test that passed, e.g. a slow one).
     */
    private void keepLogs() {
        final String dir = System.getProperty("vrrpd.it.keepLogs", "");
        if (dir.isBlank()) {
            return;
        }
        try (Stream<Path> paths = Files.walk(work)) {
            final Path target = Path.of(dir).resolve(prefix);
            for (final Path log : paths.filter(p -> p.getFileName().toString().endsWith(".log")).toList()) {
                final Path copy = target.resolve(work.relativize(log));
                Files.createDirectories(copy.getParent());
                Files.copy(log, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            System.err.println("lab " + prefix + ": could not keep the logs in " + dir + ": " + e);
        }
    }

    private static void deleteTree(final Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    // a socket file of a daemon that is gone, or similar: left in /tmp
                }
            });
        } catch (IOException e) {
            System.err.println("could not delete " + root + ": " + e);
        }
    }
}
