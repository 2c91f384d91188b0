// API load for bench/web-load.sh: CLIENTS concurrent clients, each with its own connection, send GETs to the
// given paths in turn for SECONDS and record each request's latency; prints count, 503s (shed), other errors, p50,
// p99, max (over every answer, 503s included).
// Run with the JDK's source launcher: java bench/WebLoad.java BASE_URL CLIENTS SECONDS PATH...
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

public class WebLoad {
    public static void main(final String[] args) throws Exception {
        final String base = args[0];
        final int clients = Integer.parseInt(args[1]);
        final long seconds = Long.parseLong(args[2]);
        final List<String> paths = Arrays.asList(args).subList(3, args.length);
        final long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        final AtomicLong errors = new AtomicLong();
        final AtomicLong busy = new AtomicLong();
        final List<long[]> perClient = new ArrayList<>();
        final List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            final long[] latencies = new long[2_000_000];
            perClient.add(latencies);
            final int client = c;
            threads.add(Thread.ofVirtual().start(() -> {
                // one client = one HTTP/1.1 connection, as a browser tab or a script would hold
                final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(5)).build();
                int n = 0;
                int i = client;
                while (System.nanoTime() < end && n < latencies.length - 1) {
                    final HttpRequest request = HttpRequest.newBuilder(URI.create(base + paths.get(i++ % paths.size())))
                            .timeout(Duration.ofSeconds(10)).build();
                    final long start = System.nanoTime();
                    try {
                        final HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                        if (response.statusCode() == 503) {
                            busy.incrementAndGet(); // shed by the server: workers and queue full
                        } else if (response.statusCode() != 200) {
                            errors.incrementAndGet();
                        }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                    latencies[++n] = System.nanoTime() - start;
                }
                latencies[0] = n;
            }));
        }
        for (final Thread thread : threads) {
            thread.join();
        }
        final long total = perClient.stream().mapToLong(l -> l[0]).sum();
        final long[] all = new long[(int) total];
        int k = 0;
        for (final long[] latencies : perClient) {
            System.arraycopy(latencies, 1, all, k, (int) latencies[0]);
            k += (int) latencies[0];
        }
        Arrays.sort(all);
        System.out.printf("requests=%d (%.0f/s) 503=%d errors=%d p50=%.2fms p99=%.2fms max=%.2fms%n", total,
                total / (double) seconds, busy.get(), errors.get(), at(all, 0.50), at(all, 0.99),
                all.length == 0 ? 0.0 : all[all.length - 1] / 1e6);
    }

    private static double at(final long[] sorted, final double quantile) {
        return sorted.length == 0 ? 0.0 : sorted[Math.min(sorted.length - 1, (int) (sorted.length * quantile))] / 1e6;
    }
}
