package io.vrrpd.daemon.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dashboard's files over a real JDK HttpServer on loopback, asked with raw HTTP/1.1 (so that paths reach the
 * handler exactly as a hostile client writes them): content types, the CSP, caching by ETag, methods, and paths
 * that try to leave the three files.
 */
class DashboardFilesTest {
    private static HttpServer server;
    private static int port;

    @BeforeAll
    static void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", new DashboardFiles());
        server.start();
        port = server.getAddress().getPort();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    /** A response: status, headers (lower-case names), body. */
    record Response(int status, Map<String, String> headers, String body) {
        String header(final String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    static Response send(final String method, final String path, final String... extraHeaders) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(5000);
            final StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: localhost\r\n"
                    + "Connection: close\r\n");
            for (final String header : extraHeaders) {
                request.append(header).append("\r\n");
            }
            request.append("Content-Length: 0\r\n\r\n");
            final OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            final InputStream in = socket.getInputStream();
            final String raw = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            final int end = raw.indexOf("\r\n\r\n");
            final String[] head = raw.substring(0, end).split("\r\n");
            final Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < head.length; i++) {
                final int colon = head[i].indexOf(':');
                headers.put(head[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), head[i].substring(colon + 1).strip());
            }
            String body = raw.substring(end + 4);
            if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                body = dechunk(body);
            }
            return new Response(Integer.parseInt(head[0].split(" ")[1]), headers, body);
        }
    }

    private static String dechunk(final String chunked) {
        final StringBuilder out = new StringBuilder();
        int at = 0;
        while (true) {
            final int eol = chunked.indexOf("\r\n", at);
            final int size = Integer.parseInt(chunked.substring(at, eol).strip(), 16);
            if (size == 0) {
                return out.toString();
            }
            out.append(chunked, eol + 2, eol + 2 + size);
            at = eol + 2 + size + 2;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/index.html", "/app.js", "/app.css"})
    void eachFile_itsContentType_theStrictPolicy_noSniffing_revalidated(final String path) throws IOException {
        final Response r = send("GET", path);
        assertEquals(200, r.status(), path);
        final String type = path.endsWith(".js") ? "text/javascript; charset=utf-8"
                : path.endsWith(".css") ? "text/css; charset=utf-8" : "text/html; charset=utf-8";
        assertEquals(type, r.header("Content-Type"), path);
        final String csp = r.header("Content-Security-Policy");
        assertNotNull(csp, path);
        assertTrue(csp.startsWith("default-src 'self'; script-src 'self'; style-src 'self';"), csp);
        assertTrue(csp.contains("frame-src 'self'") && csp.contains("frame-ancestors 'none'")
                && csp.contains("object-src 'none'") && csp.contains("base-uri 'none'"), csp);
        assertFalse(csp.contains("unsafe-inline") || csp.contains("unsafe-eval") || csp.contains("*"), csp);
        assertEquals("nosniff", r.header("X-Content-Type-Options"));
        assertEquals("no-cache", r.header("Cache-Control"));
        assertTrue(r.header("ETag").matches("\"[0-9a-f]{32}\""), r.header("ETag"));
        assertFalse(r.body().isEmpty());
    }

    @Test
    void rootIsThePage_thePageLoadsItsScriptAndStyleFromThisOrigin() throws IOException {
        final String page = send("GET", "/").body();
        assertEquals(send("GET", "/index.html").body(), page);
        assertTrue(page.contains("<script src=\"app.js\" defer></script>"), page);
        assertTrue(page.contains("<link rel=\"stylesheet\" href=\"app.css\">"), page);
    }

    @Test
    void sameETag_304WithoutBody_changedETag_theFile() throws IOException {
        final Response first = send("GET", "/app.js");
        final Response again = send("GET", "/app.js", "If-None-Match: " + first.header("ETag"));
        assertEquals(304, again.status());
        assertEquals("", again.body());
        assertEquals(first.header("ETag"), again.header("ETag"));
        assertEquals(304, send("GET", "/app.js", "If-None-Match: \"other\", W/" + first.header("ETag")).status());
        final Response other = send("GET", "/app.js", "If-None-Match: \"0000\"");
        assertEquals(200, other.status());
        assertEquals(first.body(), other.body());
        // Each file has its own tag: a page upgrade revalidates to the new script, not the old one.
        assertFalse(first.header("ETag").equals(send("GET", "/app.css").header("ETag")));
    }

    @Test
    void head_theHeadersOfGet_noBody() throws IOException {
        final Response get = send("GET", "/app.css");
        final Response head = send("HEAD", "/app.css");
        assertEquals(200, head.status());
        assertEquals("", head.body());
        assertEquals(get.header("Content-Type"), head.header("Content-Type"));
        assertEquals(get.header("ETag"), head.header("ETag"));
        assertEquals(Integer.toString(get.body().getBytes(StandardCharsets.UTF_8).length), head.header("Content-Length"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST", "PUT", "DELETE", "PATCH", "OPTIONS"})
    void otherMethods_405_allowGetHead_problemJson(final String method) throws IOException {
        final Response r = send(method, "/app.js");
        assertEquals(405, r.status());
        assertEquals("GET, HEAD", r.header("Allow"));
        assertEquals("application/problem+json", r.header("Content-Type"));
        final JsonNode problem = new ObjectMapper().readTree(r.body());
        assertEquals("method " + method + " is not allowed on the dashboard's files (allowed: GET, HEAD)",
                problem.path("detail").asText());
        assertEquals(405, problem.path("status").intValue());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/../../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/app.js/..", "/./app.js",
            "//app.js", "/app.js%00", "/APP.JS", "/dashboard/app.js", "/io/vrrpd/daemon/web/dashboard/app.js",
            "/io/vrrpd/daemon/web/DashboardFiles.class", "/..%2fvrrpd.toml", "/index.html/", "/%61pp.js",
            "/app.js;x", "/favicon.ico"})
    void anyOtherPath_404_nothingButTheThreeFiles(final String path) throws IOException {
        final Response r = send("GET", path);
        assertEquals(404, r.status(), path);
        if (!path.startsWith("//")) { // the JDK's server answers "//x" itself (an authority, no path): 404 too
            assertEquals("application/problem+json", r.header("Content-Type"), path);
            assertTrue(r.body().contains("(served: /, /index.html, /app.js, /app.css)"), r.body());
        }
        assertFalse(r.body().contains("root:") || r.body().contains("function"), r.body());
    }

    @Test
    void aHostilePath_isEscapedInTheProblem() throws IOException {
        final Response r = send("GET", "/%22%3Cscript%3E");
        assertEquals(404, r.status());
        assertEquals("no dashboard file '/%22%3Cscript%3E' (served: /, /index.html, /app.js, /app.css)",
                new ObjectMapper().readTree(r.body()).path("detail").asText());
        // A quote or backslash in a path is not a URI: the JDK's server refuses it (400) before any handler.
        assertEquals(400, send("GET", "/a\\b").status());
    }

    /**
     * The CSP forbids inline script and style, so the files must have none: no inline {@code <script>}, no
     * {@code style} element or attribute, no {@code on…=} handler attribute in the page; the script never writes
     * markup from strings (innerHTML, outerHTML, insertAdjacentHTML, document.write) nor evaluates strings.
     */
    @Test
    void theFilesNeedNoInlineScriptOrStyle_andTheScriptWritesNoMarkupFromStrings() throws IOException {
        final String page = send("GET", "/").body();
        assertFalse(Pattern.compile("<script(?![^>]*\\bsrc=)[^>]*>", Pattern.CASE_INSENSITIVE).matcher(page).find(), page);
        assertFalse(Pattern.compile("<style|\\sstyle=|\\son[a-z]+=", Pattern.CASE_INSENSITIVE).matcher(page).find(), page);
        assertFalse(page.contains("http://") || page.contains("https://"), "no external resource: " + page);
        final String script = send("GET", "/app.js").body();
        for (final String sink : new String[] {"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write",
                "eval(", "new Function", "setTimeout('", "document.cookie"}) {
            assertFalse(script.contains(sink), "app.js uses " + sink);
        }
        assertFalse(script.contains("http://") || script.contains("https://"), "no external resource in app.js");
        // The cgi panel frame: sandboxed with no permission at all (a fragment's script never runs).
        assertTrue(script.contains("el('iframe', {sandbox: ''"), "the panel iframe is sandbox=\"\"");
        assertFalse(Pattern.compile("sandbox:\\s*'[^']").matcher(script).find(), "no sandbox token");
    }
}
