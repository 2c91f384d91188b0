package io.vrrpd.it;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Solaris scenario (DESIGN §1, issue 5): a router protects a web server on its host. Each host runs
 * Debian's nginx with {@code listen 192.0.2.100:80} answering "served by HOST", and router {@code web} depends
 * on {@code tcp:192.0.2.100:80}. The router is created offline with its address already plumbed, so nginx can
 * bind the virtual address on every host — also where it will be a Backup; once nginx runs the routers go
 * online and the client gets the highest priority host's page. When a Master's nginx fails, its router goes
 * offline with priority 0 and the next healthy host serves, down to the last one; when the services come
 * back, the first host preempts. The subclasses choose the hosts and their priorities (the 2-host and
 * 3-host runs).
 */
abstract class ProtectedServiceScenario extends LabScenario {
    static final String VIP = "192.0.2.100";
    static final int INTERVAL = 200;
    static final int CHECK_MS = 200;
    private final Map<String, Process> nginx = new HashMap<>();

    /** The hosts in falling priority order: the first is Master, each failure moves to the next. */
    abstract List<String> hosts();

    abstract Map<String, Integer> priorities();

    @Override
    final int hostCount() {
        return hosts().size();
    }

    @Test
    void serviceFailureMovesTheAddress_toTheNextHealthyHost_andBack() throws IOException {
        final List<String> hosts = hosts();
        final String first = hosts.getFirst();
        lab.startDaemons(hosts.toArray(String[]::new));
        for (final String host : hosts) {
            createRouter(host, "web", "-V", "51", "-l", "eth0", "-A", "inet", "-p", "" + priorities().get(host),
                    "-i", "" + INTERVAL, "-a", VIP + "/24", "--depends", "tcp:" + VIP + ":80@interval=" + CHECK_MS);
        }
        // 2. Offline (nothing listens yet), naming the dependency; the address is plumbed, bind-ready, down.
        for (final String host : hosts) {
            final Control.Router router = Wait.until(Duration.ofSeconds(5), host + " offline",
                    () -> d(host).router("web"), r -> "offline".equals(r.admin()));
            assertEquals("INIT", router.state());
            final String reason = lab.vrrpadmOk(host, "show-router", "-p", "-o", "reason", "web").strip();
            assertTrue(reason.startsWith("dependency unmet\\: tcp\\:" + VIP + "\\:80"), reason);
            assertTrue(lab.addresses(host, router.vnic()).contains(VIP + "/24"), "plumbed on " + host);
            assertFalse(lab.linkUp(host, router.vnic()), "not reachable from " + host);
        }
        // 3. The service starts on every host and binds the virtual address.
        for (final String host : hosts) {
            startNginx(host);
        }
        // 4. Online; the first host is Master; the client gets its page; only the Master answers ARP.
        awaitOnlyMaster("web", first, hosts, Duration.ofSeconds(10));
        assertEquals("served by " + first, page());
        assertEquals(1, lab.python(Lab.CLIENT, Lab.resource("arp_probe.py"), VIP, Lab.ipv4(Lab.CLIENT), "0.4").out()
                .strip().lines().count(), "one ARP answer for the virtual address (the Master's)");

        // 5. The Master's nginx fails: it goes offline (priority 0), the next host serves within fall × check +
        // Skew_Time; then that one's, down to the last host.
        for (int i = 0; i + 1 < hosts.size(); i++) {
            failover(hosts.get(i), hosts.get(i + 1));
        }

        // The services come back: online again, and the first host preempts.
        for (final String host : hosts.subList(0, hosts.size() - 1)) {
            startNginx(host);
        }
        awaitOnlyMaster("web", first, hosts, Duration.ofSeconds(10));
        assertEquals("served by " + first, page());
    }

    private void failover(final String failing, final String next) {
        final long stopped = System.nanoTime();
        stopNginx(failing);
        d(failing).awaitState("web", "INIT", Duration.ofSeconds(5));
        d(next).awaitState("web", "MASTER", Duration.ofSeconds(5));
        final long took = Wait.millisSince(stopped);
        final long bound = 3L * CHECK_MS + skewMillis(INTERVAL, priorities().get(next));
        System.out.println("[measure] " + failing + "'s nginx stopped -> " + next + " Master in " + took
                + " ms (fall 2 × " + CHECK_MS + " ms check + Skew_Time " + skewMillis(INTERVAL, priorities().get(next))
                + " ms; bound with one check of phase " + bound + " ms)");
        assertTrue(took <= bound + SLACK.toMillis(), next + " took over " + took + " ms after the service failed");
        assertEquals("offline", d(failing).router("web").admin());
        assertTrue(lab.vrrpadmOk(failing, "show-router", "-p", "-o", "reason", "web").contains("connection refused"));
        assertEquals("served by " + next, page());
    }

    private String page() {
        return Wait.until(Duration.ofSeconds(3), "the client's HTTP GET", () -> lab.inNs(Lab.CLIENT, "curl", "-s",
                "-m", "1", "http://" + VIP + "/"), r -> r.exit() == 0).out().strip();
    }

    private void startNginx(final String host) throws IOException {
        final Path dir = lab.work().resolve("nginx-" + host);
        Files.createDirectories(dir);
        final Path conf = dir.resolve("nginx.conf");
        Files.writeString(conf, """
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log;
                events { worker_connections 64; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                    server {
                        listen %2$s:80;
                        location / { default_type text/plain; return 200 "served by %3$s\\n"; }
                    }
                }
                """.formatted(dir, VIP, host));
        final Process process = new ProcessBuilder("ip", "netns", "exec", lab.ns(host), "nginx", "-c", conf.toString(),
                "-g", "daemon off;").redirectErrorStream(true).redirectOutput(dir.resolve("stdout").toFile()).start();
        lab.track(process);
        nginx.put(host, process);
        Wait.until(Duration.ofSeconds(5), "nginx on " + host + " listening on " + VIP + ":80",
                () -> lab.inNs(host, "ss", "-Hltn", "src", VIP + ":80").out(), out -> out.contains(VIP + ":80"));
    }

    /** The service fails: its master stops (SIGTERM, by its pid) and takes its worker with it. */
    private void stopNginx(final String host) {
        final Process process = nginx.remove(host);
        process.destroy();
        try {
            assertTrue(process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS), "nginx on " + host + " stopped");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
