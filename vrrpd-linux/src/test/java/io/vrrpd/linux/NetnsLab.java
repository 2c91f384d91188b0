package io.vrrpd.linux;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A throw-away network lab for integration tests: named network namespaces ("hosts") joined by veth
 * pairs to a Linux bridge that itself lives in a namespace of the lab. Nothing is created in, or changed
 * in, the root namespace: every {@code ip} command targets a lab namespace ({@code ip -n NS ...}), and
 * deleting the namespaces on {@link #close()} deletes every interface in them.
 *
 * <p>Names are {@code vl<pid>-<n>-<host>}: unique per JVM and per lab, so parallel builds and a leftover of
 * a killed run never collide. Addresses: callers use only 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24,
 * 2001:db8::/32 and link-local. IPv6 DAD is switched off inside each lab namespace before any interface
 * exists there, so addresses are usable at once. Every command runs with a time limit.
 *
 * <p>Use with try-with-resources or {@code @AfterAll}; a JVM shutdown hook removes what is left if the test
 * JVM ends early. Main code must never shell out; only this test fixture does.
 */
public final class NetnsLab implements AutoCloseable {
    private static final AtomicInteger LABS = new AtomicInteger();
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(15);
    /** The bridge's namespace, "switch" of the lab. */
    public static final String SWITCH = "sw";
    public static final String BRIDGE = "br0";

    private final String prefix;
    private final List<String> namespaces = new ArrayList<>();
    private final AtomicInteger ports = new AtomicInteger();
    private final Thread cleanupHook;
    private boolean bridged;

    private NetnsLab(final String prefix) {
        this.prefix = prefix;
        this.cleanupHook = new Thread(this::deleteAll, "netns-lab-cleanup-" + prefix);
        Runtime.getRuntime().addShutdownHook(cleanupHook);
    }

    /** True when running as uid 0 (read from /proc, so no native code is needed to decide). */
    public static boolean isRoot() {
        try {
            for (final String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[1].equals("0");
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    /** Skips the calling test (with the reason) unless root; as root the test always runs. */
    public static void assumeRoot() {
        Assumptions.assumeTrue(isRoot(),
                "skipped: needs root (creates network namespaces, veths and raw sockets); run the build as root");
    }

    /** A new, empty lab. Call {@link #assumeRoot()} first. */
    public static NetnsLab create() {
        return new NetnsLab("vl" + ProcessHandle.current().pid() + "-" + LABS.incrementAndGet() + "-");
    }

    /** The full namespace name of lab host {@code host}. */
    public String ns(final String host) {
        return prefix + host;
    }

    public String prefix() {
        return prefix;
    }

    /** Creates namespace {@code host} with loopback up and IPv6 DAD off; returns its full name. */
    public String addHost(final String host) {
        final String name = ns(host);
        namespaces.add(name); // recorded first so a half-made namespace is still removed
        run("ip", "netns", "add", name);
        run("ip", "-n", name, "link", "set", "lo", "up");
        for (final String conf : List.of("all", "default")) {
            inNs(name, "sysctl", "-q", "-w", "net.ipv6.conf." + conf + ".accept_dad=0");
        }
        return name;
    }

    /** Creates the switch namespace with bridge {@value #BRIDGE} (multicast snooping off: flood everything). */
    public void addSwitch() {
        if (bridged) {
            return;
        }
        final String sw = addHost(SWITCH);
        run("ip", "-n", sw, "link", "add", BRIDGE, "type", "bridge", "mcast_snooping", "0", "stp_state", "0");
        run("ip", "-n", sw, "link", "set", BRIDGE, "up");
        bridged = true;
    }

    /**
     * Connects {@code host} to the bridge: a veth {@code ifname} in the host, its peer a bridge port in the
     * switch namespace; both up; then the given addresses ({@code ADDR/PLEN}) on {@code ifname}.
     */
    public void connect(final String host, final String ifname, final String... addresses) {
        addSwitch();
        final String name = ns(host);
        final String port = "p" + ports.incrementAndGet();
        // Created inside the host namespace and the peer moved straight into the switch namespace.
        run("ip", "-n", name, "link", "add", ifname, "type", "veth", "peer", "name", port, "netns", ns(SWITCH));
        run("ip", "-n", ns(SWITCH), "link", "set", port, "master", BRIDGE, "up");
        run("ip", "-n", name, "link", "set", ifname, "up");
        for (final String address : addresses) {
            run("ip", "-n", name, "addr", "add", address, "dev", ifname, "nodad");
        }
    }

    /** Runs {@code command} inside lab host namespace {@code ns} (full name). */
    public String inNs(final String ns, final String... command) {
        final List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        argv.addAll(List.of(command));
        return run(argv.toArray(String[]::new));
    }

    /** Runs Java code on a thread inside lab host {@code host}, bounded by {@code timeout}. */
    public <T> T in(final String host, final Duration timeout, final Callable<T> task) throws Exception {
        try {
            return NetNamespace.run(ns(host), timeout, task);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    /**
     * Waits (bounded) until {@code ip -n NS -6 addr show dev IF} lists a link-local address that is not
     * tentative, and returns it.
     */
    public String waitForLinkLocal(final String host, final String ifname, final Duration timeout)
            throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (final String line : run("ip", "-n", ns(host), "-6", "-o", "addr", "show", "dev", ifname,
                    "scope", "link").lines().toList()) {
                if (!line.contains("tentative")) {
                    final String[] fields = line.trim().split("\\s+");
                    for (int i = 0; i + 1 < fields.length; i++) {
                        if (fields[i].equals("inet6")) {
                            return fields[i + 1].substring(0, fields[i + 1].indexOf('/'));
                        }
                    }
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no usable link-local address on " + ifname + " in " + ns(host)
                + " within " + timeout);
    }

    /** Runs a command with a time limit; returns stdout+stderr; fails on a non-zero exit. */
    public static String run(final String... command) {
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        try {
            final Process process = builder.start();
            process.getOutputStream().close();
            final byte[][] output = new byte[1][];
            final Thread reader = Thread.ofPlatform().daemon(true).start(() -> {
                try (InputStream in = process.getInputStream()) {
                    output[0] = in.readAllBytes();
                } catch (IOException e) {
                    output[0] = new byte[0];
                }
            });
            if (!process.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("timed out after " + COMMAND_TIMEOUT + ": " + String.join(" ", command));
            }
            reader.join(COMMAND_TIMEOUT.toMillis());
            final String text = output[0] == null ? "" : new String(output[0], StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new AssertionError("exit " + process.exitValue() + ": " + String.join(" ", command) + "\n" + text);
            }
            return text;
        } catch (IOException e) {
            throw new AssertionError("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted: " + String.join(" ", command), e);
        }
    }

    /** Lab namespaces that still exist (for the "nothing left behind" check). */
    public static List<String> existingWithPrefix(final String prefix) {
        return run("ip", "netns", "list").lines()
                .map(line -> line.split("\\s+")[0])
                .filter(name -> name.startsWith(prefix))
                .toList();
    }

    /** Deletes every namespace of the lab (and with them their interfaces). Safe to call twice. */
    @Override
    public void close() {
        deleteAll();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanupHook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook is running or has run
        }
    }

    private synchronized void deleteAll() {
        for (int i = namespaces.size() - 1; i >= 0; i--) {
            final String name = namespaces.get(i);
            if (Files.exists(NetNamespace.pathOf(name))) {
                try {
                    run("ip", "netns", "del", name);
                } catch (AssertionError e) {
                    System.err.println("netns lab: could not delete " + name + ": " + e.getMessage());
                }
            }
        }
        namespaces.clear();
    }
}
