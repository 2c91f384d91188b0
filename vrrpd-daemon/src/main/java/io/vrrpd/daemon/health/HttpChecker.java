package io.vrrpd.daemon.health;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code http://…} and {@code https://…}: healthy when a GET of the URL is answered with a 2xx status within
 * the timeout. Redirects are not followed (a 3xx fails: a health URL that redirects is a misconfiguration,
 * and following it could leave the host). HTTPS uses the JDK's default trust store and checks the server's
 * name (for an IP literal, an IP address in the certificate). No proxy; the host must be an IP literal:
 * health checks do not resolve names. The body is read and discarded.
 */
final class HttpChecker implements Checker {
    private final HttpClient client;
    private final URI uri;

    HttpChecker(final HttpClient client, final URI uri) {
        this.client = client;
        this.uri = uri;
    }

    /** The client every HTTP check shares: HTTP/1.1, no redirects, no proxy. */
    static HttpClient newClient() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .proxy(HttpClient.Builder.NO_PROXY)
                .build();
    }

    @Override
    public CheckResult check(final long timeoutMillis) throws InterruptedException {
        final String host = uri.getHost();
        final String literal = host != null && host.startsWith("[") && host.endsWith("]")
                ? host.substring(1, host.length() - 1) : host;
        try {
            InetAddress.ofLiteral(literal);
        } catch (IllegalArgumentException | NullPointerException e) {
            return CheckResult.failing("'" + host + "' is a name: health checks do not resolve names (use an IP"
                    + " address, e.g. http://127.0.0.1/)");
        }
        final HttpRequest request = HttpRequest.newBuilder(uri).GET()
                .timeout(Duration.ofMillis(timeoutMillis))
                .header("User-Agent", "vrrpd-health-check")
                .build();
        final CompletableFuture<HttpResponse<Void>> response =
                client.sendAsync(request, HttpResponse.BodyHandlers.discarding());
        try {
            final int status = response.get(timeoutMillis, TimeUnit.MILLISECONDS).statusCode();
            final String text = "status " + status;
            return status / 100 == 2 ? CheckResult.healthy(text) : CheckResult.failing(text);
        } catch (TimeoutException e) {
            response.cancel(true);
            return CheckResult.timedOut(timeoutMillis);
        } catch (InterruptedException e) {
            response.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            return CheckResult.failing(reason(e.getCause(), timeoutMillis));
        }
    }

    private static String reason(final Throwable failure, final long timeoutMillis) {
        Throwable cause = failure;
        while (cause != null) {
            if (cause instanceof HttpTimeoutException) {
                return CheckResult.timedOutReason(timeoutMillis);
            }
            if (cause instanceof ConnectException
                    && (cause.getMessage() == null || cause.getMessage().contains("refused"))) {
                return "connection refused";
            }
            if (cause instanceof javax.net.ssl.SSLException) {
                return "TLS: " + CheckResult.reasonOf(cause);
            }
            if (cause.getCause() == null || cause.getCause() == cause) {
                break;
            }
            cause = cause.getCause();
        }
        return failure == null ? "failed" : CheckResult.reasonOf(failure);
    }
}
