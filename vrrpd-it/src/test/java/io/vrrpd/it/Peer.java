package io.vrrpd.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Another VRRP implementation running in a lab host, next to vrrpd on the same VRID: Debian's keepalived
 * ({@link Keepalived}) or FRR's vrrpd ({@link Frr}). Like {@link Daemon}, every process it starts runs under
 * {@code ip netns exec NS}, is registered with the {@link Lab} (teardown's last resort), is signalled only by its
 * own pid, and has its output kept with the time each line arrived (for {@link #awaitLog} and timings) and
 * written to a log file in the peer's own directory.
 *
 * <p>States are reported in vrrpd's words: {@code INIT}, {@code BACKUP}, {@code MASTER} (keepalived's
 * {@code FAULT} as {@code FAULT}; a peer that is not running as {@code STOPPED}).
 */
abstract class Peer implements AutoCloseable {
    static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);

    /** One output line and when the test saw it ({@link System#nanoTime()}). */
    record Line(long nanos, String text) {
    }

    /**
     * The peer's VRRP settings for one VRID on eth0: {@code version} 2 or 3, {@code intervalMs} its advertisement
     * interval, {@code addresses} the virtual addresses as {@code ADDR/PLEN} (global ones; how the peer spells an
     * IPv6 link-local address, if at all, is its own business).
     */
    /** {@code authPass}: a VRRPv2 simple text password (keepalived's {@code auth_type PASS}), null for none. */
    /** {@code unicastPeers}: advertise to these addresses only (keepalived's {@code unicast_peer}); empty: multicast. */
    record Settings(int version, boolean ipv6, int vrid, int priority, int intervalMs, List<String> addresses,
                    String authPass, List<String> unicastPeers) {
        Settings {
            addresses = List.copyOf(addresses);
            unicastPeers = List.copyOf(unicastPeers);
        }

        Settings(final int version, final boolean ipv6, final int vrid, final int priority, final int intervalMs,
                 final List<String> addresses, final String authPass) {
            this(version, ipv6, vrid, priority, intervalMs, addresses, authPass, List.of());
        }

        Settings(final int version, final boolean ipv6, final int vrid, final int priority, final int intervalMs,
                 final List<String> addresses) {
            this(version, ipv6, vrid, priority, intervalMs, addresses, null);
        }

        /** The addresses without their prefix lengths. */
        List<String> bareAddresses() {
            return addresses.stream().map(a -> a.replaceAll("/.*", "")).toList();
        }
    }

    protected final Lab lab;
    protected final String host;
    protected final Path dir;
    private final List<Line> lines = new ArrayList<>();
    private final List<Thread> readers = new ArrayList<>();

    Peer(final Lab lab, final String host, final Path dir) {
        this.lab = lab;
        this.host = host;
        this.dir = dir;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new AssertionError("cannot create " + dir, e);
        }
    }

    /** "keepalived", "FRR vrrpd". */
    abstract String name();

    /** Starts the peer and waits until its VRRP instance runs (in whatever state). */
    abstract Peer start();

    /** SIGTERM to the VRRP speaker (a Master sends priority 0 on the way out); its exit status. */
    abstract int stop();

    /** The peer's current state of the VRID, in vrrpd's words (see the class comment). */
    abstract String state();

    /** The states the peer entered since {@code startNanos}, in order, from its log ({@code BACKUP}, {@code MASTER}). */
    abstract List<String> transitionsSince(long startNanos);

    /** What the peer's operator would look at for its state: a log line or a {@code show} command's line. */
    abstract String operatorView();

    /** Ends whatever still runs (SIGTERM, then SIGKILL) and removes what the peer left in its namespace. */
    @Override
    public abstract void close();

    String host() {
        return host;
    }

    Path dir() {
        return dir;
    }

    /** Waits until {@link #state()} is {@code state}. */
    void awaitState(final String state, final Duration timeout) {
        Wait.until(timeout, name() + " on " + host + " to be " + state, this::state, state::equals);
    }

    // ------------------------------------------------------------------ processes

    /**
     * Starts {@code command} inside the peer's namespace, stdout and stderr together, each line kept (tagged with
     * {@code tag}) and appended to {@code DIR/TAG.log}.
     */
    protected Process launch(final String tag, final List<String> command) {
        final List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", lab.ns(host)));
        argv.addAll(command);
        final Process process;
        try {
            final Writer log = Files.newBufferedWriter(dir.resolve(tag + ".log"), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            log.write("==== " + String.join(" ", argv) + "\n");
            log.flush();
            process = new ProcessBuilder(argv).redirectErrorStream(true).start();
            process.getOutputStream().close();
            lab.track(process);
            readers.add(Thread.ofPlatform().daemon(true).name(tag + "-" + host).start(() -> {
                try (log; BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String text = in.readLine(); text != null; text = in.readLine()) {
                        synchronized (lines) {
                            lines.add(new Line(System.nanoTime(), tag + ": " + text));
                        }
                        log.write(text + "\n");
                        log.flush();
                    }
                } catch (IOException e) {
                    // the process ended
                }
            }));
        } catch (IOException e) {
            throw new AssertionError("cannot start " + argv + ": " + e.getMessage(), e);
        }
        return process;
    }

    /** SIGTERM to {@code process} (its own pid); waits; SIGKILL after {@link #STOP_TIMEOUT}. Returns the status. */
    protected int terminate(final Process process, final String what) {
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                throw new AssertionError(what + " on " + host + " did not exit within " + STOP_TIMEOUT
                        + " of SIGTERM (killed); its output:\n" + log());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        joinReaders();
        return process.exitValue();
    }

    /** Quiet version of {@link #terminate} for cleanup: never throws. */
    protected static void ensureEnded(final Process process) {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private void joinReaders() {
        for (final Thread reader : readers) {
            try {
                reader.join(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ------------------------------------------------------------------ output

    List<Line> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    List<Line> linesSince(final long startNanos) {
        return lines().stream().filter(line -> line.nanos() - startNanos >= 0).toList();
    }

    Optional<Line> firstSince(final Pattern pattern, final long startNanos) {
        return linesSince(startNanos).stream().filter(line -> pattern.matcher(line.text()).find()).findFirst();
    }

    /** The first output line since {@code startNanos} that {@code pattern} finds in, within {@code timeout}. */
    Line awaitLog(final Pattern pattern, final long startNanos, final Duration timeout) {
        return Wait.until(timeout, "a line matching /" + pattern + "/ from " + name() + " on " + host,
                () -> firstSince(pattern, startNanos), Optional::isPresent).orElseThrow();
    }

    /** Everything the peer's processes printed, for failure messages. */
    String log() {
        final StringBuilder text = new StringBuilder();
        lines().forEach(line -> text.append(line.text()).append('\n'));
        return text.toString();
    }

    /** Writes {@code text} to {@code file} in the peer's directory; returns the path. */
    protected Path write(final String file, final String text) {
        try {
            return Files.writeString(dir.resolve(file), text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError("cannot write " + dir.resolve(file), e);
        }
    }

    /** Deletes {@code address} from {@code ifname} if it is there (what a killed peer may leave). */
    protected void deleteAddressQuietly(final String address, final String ifname) {
        if (lab.addresses(host, ifname).contains(address)) {
            Cmd.exec("ip", "-n", lab.ns(host), "addr", "del", address, "dev", ifname);
        }
    }

    @Override
    public String toString() {
        return name() + " on " + host;
    }
}
