package io.vrrpd.daemon.web;

import io.vrrpd.daemon.config.InvalidFileException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PEM files as openssl writes them (the real tool, as an operator would run it). */
class TlsContextTest {

    @TempDir
    Path dir;

    private void openssl(final String... args) throws IOException, InterruptedException {
        final List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        final Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "openssl ran");
        assertEquals(0, process.exitValue(), output);
    }

    private void selfSigned(final String key, final String cert, final String algorithm) throws Exception {
        openssl("req", "-x509", "-newkey", algorithm, "-nodes", "-keyout", key, "-out", cert, "-days", "2",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1");
    }

    @Test
    @DisplayName("a self-signed EC and an RSA pair (PKCS#8, as openssl 3 writes them) serve HTTPS; a client trusting"
            + " the certificate gets its answer, with Strict-Transport-Security")
    void shouldServeHttpsFromPem() throws Exception {
        selfSigned("rsa.key", "rsa.pem", "rsa:2048");
        TlsContext.load(dir.resolve("rsa.pem"), dir.resolve("rsa.key"));
        selfSigned("ec.key", "ec.pem", "ec:" + ec());
        final SSLContext context = TlsContext.load(dir.resolve("ec.pem"), dir.resolve("ec.key"));
        try (WebServer server = WebServer.builder(new InetSocketAddress("127.0.0.1", 0)).tls(context)
                .mount("/api/v1/", new RestApi(new WebApiTest.Verbs(), null, 1024)).start()) {
            final HttpResponse<String> response = HttpClient.newBuilder().sslContext(trusting(dir.resolve("ec.pem")))
                    .build().send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.address().getPort()
                            + "/api/v1/routers")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            assertEquals("max-age=31536000", response.headers().firstValue("Strict-Transport-Security").orElse(""));
        }
    }

    @Test
    @DisplayName("issue 12, SIGHUP: a renewed certificate serves the next connection; a client trusting only the old"
            + " one is refused from then on")
    void shouldServeARenewedCertificate() throws Exception {
        selfSigned("old.key", "old.pem", "ec:" + ec());
        selfSigned("new.key", "new.pem", "ec:" + ec());
        try (WebServer server = WebServer.builder(new InetSocketAddress("127.0.0.1", 0))
                .tls(TlsContext.load(dir.resolve("old.pem"), dir.resolve("old.key")))
                .mount("/api/v1/", new RestApi(new WebApiTest.Verbs(), null, 1024)).start()) {
            final URI uri = URI.create("https://127.0.0.1:" + server.address().getPort() + "/api/v1/routers");
            assertEquals(200, get(uri, "old.pem"));
            server.tls(TlsContext.load(dir.resolve("new.pem"), dir.resolve("new.key")));
            assertEquals(200, get(uri, "new.pem"));
            assertThrows(javax.net.ssl.SSLHandshakeException.class, () -> get(uri, "old.pem"));
        }
    }

    /** A GET on a new client (a new connection) trusting only {@code certificate}. */
    private int get(final URI uri, final String certificate) throws Exception {
        try (HttpClient client = HttpClient.newBuilder().sslContext(trusting(dir.resolve(certificate))).build()) {
            return client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
        }
    }

    private String ec() throws IOException {
        // openssl takes the curve from a parameter file
        try {
            openssl("ecparam", "-name", "prime256v1", "-out", "ec.param");
        } catch (InterruptedException e) {
            throw new IOException(e);
        }
        return dir.resolve("ec.param").toString();
    }

    @Test
    @DisplayName("other key forms are refused with the command that converts them; a key of another certificate too")
    void shouldExplainWhatIsWrongWithAKey() throws Exception {
        selfSigned("a.key", "a.pem", "rsa:2048");
        openssl("genrsa", "-traditional", "-out", "pkcs1.key", "2048");
        assertEquals(dir.resolve("pkcs1.key") + ":1: a RSA key in the traditional (PKCS#1/SEC1) form; convert it to"
                + " PKCS#8: openssl pkcs8 -topk8 -nocrypt -in " + dir.resolve("pkcs1.key") + " -out KEY.pem",
                refusal("a.pem", "pkcs1.key"));
        openssl("pkcs8", "-topk8", "-in", "a.key", "-out", "encrypted.key", "-passout", "pass:secret");
        assertEquals(dir.resolve("encrypted.key") + ":1: the key is encrypted (the daemon starts unattended); decrypt"
                + " it: openssl pkcs8 -in " + dir.resolve("encrypted.key") + " -out KEY.pem",
                refusal("a.pem", "encrypted.key"));
        selfSigned("b.key", "b.pem", "rsa:2048");
        assertEquals(dir.resolve("b.key") + ":1: the key does not belong to the first certificate of "
                + dir.resolve("a.pem"), refusal("a.pem", "b.key"));
        assertEquals(dir.resolve("a.key") + ":1: no PEM certificate in it (expected -----BEGIN CERTIFICATE-----, the"
                + " server's certificate first, then its intermediates)", refusal("a.key", "a.key"));
        assertEquals(dir.resolve("a.pem") + ":1: 'CERTIFICATE' is not a private key (expected -----BEGIN PRIVATE"
                + " KEY-----, PKCS#8)", refusal("a.pem", "a.pem"));
    }

    private String refusal(final String cert, final String key) {
        return assertThrows(InvalidFileException.class, () -> TlsContext.load(dir.resolve(cert), dir.resolve(key)))
                .error().toString();
    }

    private static SSLContext trusting(final Path certificate) throws Exception {
        final KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(certificate)) {
            trust.setCertificateEntry("vrrpd", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        final TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        final SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }
}
