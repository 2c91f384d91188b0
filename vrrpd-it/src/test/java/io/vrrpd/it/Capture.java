package io.vrrpd.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A packet capture on eth0 of a lab namespace: Wireshark's {@code dumpcap} (the capture engine tshark
 * itself runs) writing a pcap file; {@link #stop()} ends it (SIGTERM to its pid) and {@link #vrrp()} decodes
 * the VRRP packets with {@code tshark -r}, Wireshark's own VRRP dissector — an independent reading of what
 * vrrpd put on the wire.
 */
final class Capture {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(15);

    /** One VRRP packet as tshark decoded it; {@code epochSeconds} is the capture timestamp. */
    record Vrrp(double epochSeconds, String source, int version, int vrid, int priority, String addresses) {
    }

    private final Process process;
    private final Path file;
    private final StringBuffer stderr = new StringBuffer();

    private Capture(final Process process, final Path file) {
        this.process = process;
        this.file = file;
    }

    static Capture start(final Lab lab, final String host, final String filter, final Path file) {
        final Process process;
        try {
            process = new ProcessBuilder("ip", "netns", "exec", lab.ns(host), "dumpcap", "-i", "eth0", "-f", filter,
                    "-P", "-q", "-w", file.toString()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new AssertionError("cannot start dumpcap (apt-get install tshark): " + e.getMessage(), e);
        }
        lab.track(process);
        final Capture capture = new Capture(process, file);
        final CountDownLatch ready = new CountDownLatch(1);
        Thread.ofPlatform().daemon(true).name("dumpcap-" + host).start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getErrorStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    capture.stderr.append(line).append('\n');
                    if (line.startsWith("Capturing on")) {
                        ready.countDown();
                    }
                }
            } catch (IOException e) {
                // ended
            }
        });
        try {
            if (!ready.await(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("dumpcap in " + host + " did not start capturing within " + READY_TIMEOUT
                        + ": " + capture.stderr);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        return capture;
    }

    /** Ends the capture (SIGTERM: dumpcap flushes and closes the file). */
    Capture stop() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError("dumpcap did not end within 10 s of SIGTERM");
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

    /** The VRRP packets in the (stopped) capture, in order. */
    List<Vrrp> vrrp() {
        final String out = Cmd.exec(Duration.ofSeconds(60), null, "tshark", "-n", "-r", file.toString(), "-Y", "vrrp",
                "-T", "fields", "-E", "separator=|", "-e", "frame.time_epoch", "-e", "ip.src", "-e", "ipv6.src",
                "-e", "vrrp.version", "-e", "vrrp.virt_rtr_id", "-e", "vrrp.prio", "-e", "vrrp.ip_addr",
                "-e", "vrrp.ipv6_addr").out();
        final List<Vrrp> packets = new ArrayList<>();
        for (final String line : out.lines().toList()) {
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
