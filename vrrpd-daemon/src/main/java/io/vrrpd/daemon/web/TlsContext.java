package io.vrrpd.daemon.web;

import io.vrrpd.daemon.config.ConfigError;
import io.vrrpd.daemon.config.InvalidFileException;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server's TLS context from {@code [web] tls_cert} (PEM certificate chain, the server's certificate first) and
 * {@code tls_key} (PEM PKCS#8 private key: RSA, EC or Ed25519), as certbot, openssl and most CAs write them. Other key
 * forms are refused with the command that converts them. The key must belong to the certificate (checked by signing
 * and verifying), so a mismatch is found at start, not at a client's first handshake.
 */
public final class TlsContext {

    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");
    private static final char[] NO_PASSWORD = new char[0];

    private TlsContext() {
    }

    /** The context, or a {@code FILE:LINE: message} naming the file and what is wrong with it. */
    public static SSLContext load(final Path certFile, final Path keyFile) throws InvalidFileException {
        final Certificate[] chain = certificates(certFile);
        final PrivateKey key = privateKey(keyFile);
        checkPair(key, chain[0], keyFile, certFile);
        try {
            final KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("vrrpd", key, NO_PASSWORD, chain);
            final KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, NO_PASSWORD);
            final SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw error(keyFile, "cannot build a TLS context from it and " + certFile + ": " + e.getMessage());
        }
    }

    private static Certificate[] certificates(final Path file) throws InvalidFileException {
        final String text = read(file);
        final List<Certificate> chain = new java.util.ArrayList<>();
        final Matcher pem = PEM.matcher(text);
        while (pem.find()) {
            if (!pem.group(1).equals("CERTIFICATE")) {
                continue;
            }
            try {
                chain.add(CertificateFactory.getInstance("X.509").generateCertificate(
                        new ByteArrayInputStream(decode(file, pem.group(2)))));
            } catch (CertificateException e) {
                throw error(file, "certificate " + (chain.size() + 1) + " is not a valid X.509 certificate: "
                        + e.getMessage());
            }
        }
        if (chain.isEmpty()) {
            throw error(file, "no PEM certificate in it (expected -----BEGIN CERTIFICATE-----, the server's"
                    + " certificate first, then its intermediates)");
        }
        return chain.toArray(Certificate[]::new);
    }

    private static PrivateKey privateKey(final Path file) throws InvalidFileException {
        final Matcher pem = PEM.matcher(read(file));
        if (!pem.find()) {
            throw error(file, "no PEM private key in it (expected -----BEGIN PRIVATE KEY-----, PKCS#8)");
        }
        final String type = pem.group(1);
        switch (type) {
            case "PRIVATE KEY" -> {
                // the one form accepted
            }
            case "RSA PRIVATE KEY", "EC PRIVATE KEY" -> throw error(file, "a " + type.replace(" PRIVATE KEY", "")
                    + " key in the traditional (PKCS#1/SEC1) form; convert it to PKCS#8: openssl pkcs8 -topk8 -nocrypt"
                    + " -in " + file + " -out KEY.pem");
            case "ENCRYPTED PRIVATE KEY" -> throw error(file, "the key is encrypted (the daemon starts unattended);"
                    + " decrypt it: openssl pkcs8 -in " + file + " -out KEY.pem");
            default -> throw error(file, "'" + type + "' is not a private key (expected -----BEGIN PRIVATE KEY-----,"
                    + " PKCS#8)");
        }
        final PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(decode(file, pem.group(2)));
        for (final String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException wrongAlgorithm) {
                // try the next
            }
        }
        throw error(file, "the PKCS#8 key is not an RSA, EC or EdDSA key this runtime can read");
    }

    /** Signs with the key and verifies with the certificate's public key: they must be one pair. */
    private static void checkPair(final PrivateKey key, final Certificate certificate, final Path keyFile,
                                  final Path certFile) throws InvalidFileException {
        final String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "RSASSA-PSS" -> null; // parameters needed: the handshake will tell
            default -> key.getAlgorithm(); // Ed25519, Ed448, EdDSA
        };
        if (algorithm == null) {
            return;
        }
        try {
            final byte[] data = "vrrpd key check".getBytes(StandardCharsets.US_ASCII);
            final Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(data);
            final byte[] signature = signer.sign();
            final Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(data);
            if (verifier.verify(signature)) {
                return;
            }
        } catch (GeneralSecurityException e) {
            // a key of another algorithm than the certificate's: not a pair
        }
        throw error(keyFile, "the key does not belong to the first certificate of " + certFile);
    }

    private static String read(final Path file) throws InvalidFileException {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw error(file, "cannot read it: " + e.getMessage());
        }
    }

    private static byte[] decode(final Path file, final String base64) throws InvalidFileException {
        try {
            return Base64.getMimeDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw error(file, "the PEM block is not valid base64: " + e.getMessage());
        }
    }

    private static InvalidFileException error(final Path file, final String message) {
        return new InvalidFileException(new ConfigError(file, 1, message));
    }
}
