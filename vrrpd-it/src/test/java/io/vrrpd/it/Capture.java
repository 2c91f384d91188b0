package io.vrrpd.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A capture of the VRRP packets on eth0 of a lab namespace into a pcap file, decoded afterwards by {@code tshark
 * -r} — Wireshark's own VRRP dissector, an independent reading of what vrrpd put on the wire.
 *
 * <p>The capturing itself is {@code capture.py} (an AF_PACKET socket, kernel timestamps), not dumpcap: dumpcap
 * says "Capturing on" before its capture is open and, when stopped, does not hand over the packets still in its
 * ring; on the loaded 2-core test machine both lost packets around the very event a test looked for (a priority-0
 * advertisement). capture.py reports "ready" once its socket is bound and prints every packet the moment it has
 * written it to the file, so a test can wait until it has seen what it needs ({@link #await}) and then stop.
 */
final class Capture {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(15);

    /** One VRRP packet: when it was captured, its IP source, version, VRID, priority, addresses (tshark only). */
    record Vrrp(double epochSeconds, String source, int version, int vrid, int priority, String addresses) {
    }

    private final Process process;
    private final Path file;
    private final List<Vrrp> live = new ArrayList<>();
    private final StringBuffer stderr = new StringBuffer();

    private Capture(final Process process, final Path file) {
        this.process = process;
        this.file = file;
    }

    static Capture start(final Lab lab, final String host, final Path file) {
        final Process process;
        try {
            process = new ProcessBuilder("ip", "netns", "exec", lab.ns(host), Lab.python3(), "-c",
                    Lab.resource("capture.py"), file.toString()).start();
            process.getOutputStream().close();
        } catch (IOException e) {
            throw new AssertionError("cannot start capture.py: " + e.getMessage(), e);
        }
        lab.track(process);
        final Capture capture = new Capture(process, file);
        final CountDownLatch ready = new CountDownLatch(1);
        Thread.ofPlatform().daemon(true).name("capture-" + host).start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (line.equals("ready")) {
                        ready.countDown();
                    } else {
                        capture.add(line);
                    }
                }
            } catch (IOException e) {
                // ended
            }
        });
        new Cmd.Drain(process.getErrorStream());
        try {
            if (!ready.await(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("capture in " + host + " not ready within " + READY_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        return capture;
    }

    /** Parses capture.py's line "SECONDS.NANOS FRAME_HEX" (Ethernet, then IPv4 or IPv6, then VRRP). */
    private void add(final String line) {
        final int space = line.indexOf(' ');
        final byte[] frame = HexFormat.of().parseHex(line.substring(space + 1));
        final boolean v6 = (frame[12] & 0xff) == 0x86 && (frame[13] & 0xff) == 0xdd;
        final int vrrp = v6 ? 54 : 14 + (frame[14] & 0x0f) * 4;
        if (frame.length < vrrp + 4) {
            return;
        }
        final byte[] source = new byte[v6 ? 16 : 4];
        System.arraycopy(frame, v6 ? 22 : 26, source, 0, source.length);
        final String address;
        try {
            address = InetAddress.getByAddress(source).getHostAddress();
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
        final Vrrp packet = new Vrrp(Double.parseDouble(line.substring(0, space)), address, (frame[vrrp] & 0xff) >> 4,
                frame[vrrp + 1] & 0xff, frame[vrrp + 2] & 0xff, "");
        synchronized (live) {
            live.add(packet);
        }
    }

    /** The packets seen so far, as capture.py reported them (addresses not decoded). */
    List<Vrrp> seen() {
        synchronized (live) {
            return List.copyOf(live);
        }
    }

    /** Waits until a packet matching {@code wanted} has been captured; returns it. */
    Vrrp await(final String what, final Predicate<Vrrp> wanted, final Duration timeout) {
        return Wait.until(timeout, "a captured packet: " + what, () -> seen().stream().filter(wanted).findFirst(),
                Optional::isPresent).orElseThrow();
    }

    /** Ends the capture (SIGTERM to its pid); every packet it reported is in the file. */
    Capture stop() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError("capture.py did not end within 10 s of SIGTERM");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
        return this;
    }

    Path file() {
        return file;
    }

    /** The VRRP packets in the (stopped) capture, in order, as tshark decodes them. */
    List<Vrrp> vrrp() {
        final Cmd.Result decoded = Cmd.exec(Duration.ofSeconds(60), null, "tshark", "-n", "-r", file.toString(),
                "-Y", "vrrp", "-T", "fields", "-E", "separator=|", "-e", "frame.time_epoch", "-e", "ip.src",
                "-e", "ipv6.src", "-e", "vrrp.version", "-e", "vrrp.virt_rtr_id", "-e", "vrrp.prio", "-e", "vrrp.ip_addr",
                "-e", "vrrp.ipv6_addr");
        if (!decoded.ok()) {
            throw new AssertionError("tshark could not read " + file + ": " + decoded);
        }
        final List<Vrrp> packets = new ArrayList<>();
        for (final String line : decoded.out().lines().toList()) {
            final String[] f = line.split("\\|", -1);
            if (f.length < 8 || f[3].isEmpty()) {
                continue;
            }
            packets.add(new Vrrp(Double.parseDouble(f[0]), f[1].isEmpty() ? f[2] : f[1], Integer.parseInt(f[3]),
                    Integer.parseInt(f[4]), Integer.parseInt(f[5]), f[6].isEmpty() ? f[7] : f[6]));
        }
        return packets;
    }
}
