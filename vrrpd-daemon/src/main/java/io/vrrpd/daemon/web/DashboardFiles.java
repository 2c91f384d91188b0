package io.vrrpd.daemon.web;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The dashboard's static files ({@code GET /}, {@code /index.html}, {@code /app.js}, {@code /app.css}): three
 * classpath resources under {@code io/vrrpd/daemon/web/dashboard/}, read once at construction and served from
 * memory. The page itself does everything else through the REST API (docs/WEB.md, "Dashboard").
 *
 * <p>Why each rule:
 * <ul>
 *   <li>Only the names in {@link #FILES} are served, looked up by the exact request path: no file system, no
 *   path resolution, so {@code ..}, encoded dots or a second slash cannot reach anything else (404).</li>
 *   <li>A strict {@code Content-Security-Policy}: scripts, styles and fetches only from this origin, no inline
 *   script or style (the page has none), frames only from this origin or {@code srcdoc} (the cgi panels), the
 *   page itself never framed. Together with the panels' {@code sandbox} iframe, a hostile cgi fragment cannot run
 *   a script in the dashboard's origin.</li>
 *   <li>A strong {@code ETag} (SHA-256 of the bytes) and {@code Cache-Control: no-cache}: the browser keeps the
 *   files but revalidates them, so an upgraded daemon's page is never mixed with an old script (a 304 costs one
 *   round trip).</li>
 *   <li>{@code GET} and {@code HEAD} only; anything else 405 with {@code Allow}.</li>
 * </ul>
 * The files need no token (DESIGN.md §2: the dashboard's static files are public; the data is behind the API).
 */
public final class DashboardFiles implements HttpHandler {

    /** Where the files live on the classpath. */
    static final String RESOURCE_DIR = "io/vrrpd/daemon/web/dashboard/";

    /** Request path → resource name and content type. */
    private static final Map<String, List<String>> FILES = Map.of(
            "/", List.of("index.html", "text/html; charset=utf-8"),
            "/index.html", List.of("index.html", "text/html; charset=utf-8"),
            "/app.js", List.of("app.js", "text/javascript; charset=utf-8"),
            "/app.css", List.of("app.css", "text/css; charset=utf-8"));

    /**
     * The page's policy. {@code frame-src 'self'} admits the cgi panels' {@code srcdoc} frames (they inherit
     * this policy; their sandbox keeps them in an opaque origin); {@code form-action 'self'} and
     * {@code base-uri 'none'} stop a fragment's markup from sending a form or re-basing URLs elsewhere.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self';"
            + " img-src 'self' data:; connect-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'none';"
            + " form-action 'self'; frame-ancestors 'none'";

    private final Map<String, File> files;

    /** One file in memory: its bytes, content type and entity tag. */
    private record File(byte[] bytes, String contentType, String etag) {
    }

    /** Reads the files from this class's class loader; a missing one is a packaging bug (fails at start). */
    public DashboardFiles() {
        final Map<String, File> loaded = new LinkedHashMap<>();
        FILES.forEach((path, file) -> {
            final byte[] bytes = resource(file.getFirst());
            loaded.put(path, new File(bytes, file.get(1), etag(bytes)));
        });
        this.files = Map.copyOf(loaded);
    }

    @Override
    public void handle(final HttpExchange exchange) throws IOException {
        try (exchange) {
            final Headers headers = exchange.getResponseHeaders();
            headers.set("X-Content-Type-Options", "nosniff");
            headers.set("Referrer-Policy", "no-referrer");
            final String method = exchange.getRequestMethod();
            final boolean head = "HEAD".equals(method);
            // The raw path: decoding first would let %2e%2e or %2f through a check on the decoded form.
            final File file = files.get(exchange.getRequestURI().getRawPath());
            if (file == null) {
                HttpIo.sendProblem(exchange, new Problem(404, "no dashboard file '"
                        + exchange.getRequestURI().getRawPath() + "' (served: /, /index.html, /app.js, /app.css)"));
                return;
            }
            if (!head && !"GET".equals(method)) {
                headers.set("Allow", "GET, HEAD");
                HttpIo.sendProblem(exchange, new Problem(405, "method " + method
                        + " is not allowed on the dashboard's files (allowed: GET, HEAD)"));
                return;
            }
            headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
            headers.set("Cache-Control", "no-cache");
            headers.set("ETag", file.etag());
            if (matches(exchange.getRequestHeaders().getFirst("If-None-Match"), file.etag())) {
                exchange.sendResponseHeaders(304, -1);
                return;
            }
            headers.set("Content-Type", file.contentType());
            if (head) {
                headers.set("Content-Length", Integer.toString(file.bytes().length));
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            exchange.sendResponseHeaders(200, file.bytes().length);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write(file.bytes());
            }
        }
    }

    /** RFC 9110 §13.1.2: a list of tags or {@code *}; weak tags compare weakly for GET. */
    private static boolean matches(final String ifNoneMatch, final String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (final String tag : ifNoneMatch.split(",")) {
            final String t = tag.strip();
            if (t.equals("*") || t.equals(etag) || t.equals("W/" + etag)) {
                return true;
            }
        }
        return false;
    }

    private static byte[] resource(final String name) {
        try (InputStream in = DashboardFiles.class.getClassLoader().getResourceAsStream(RESOURCE_DIR + name)) {
            if (in == null) {
                throw new IllegalStateException("dashboard file " + RESOURCE_DIR + name + " is not on the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read dashboard file " + RESOURCE_DIR + name, e);
        }
    }

    private static String etag(final byte[] bytes) {
        try {
            final byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "\"" + HexFormat.of().formatHex(digest, 0, 16) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is in every JDK", e);
        }
    }
}
