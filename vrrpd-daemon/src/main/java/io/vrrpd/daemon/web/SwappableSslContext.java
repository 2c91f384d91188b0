package io.vrrpd.daemon.web;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import java.security.SecureRandom;

/**
 * The HTTPS server's SSL context, whose certificate and key a SIGHUP replaces (issue 12: a renewed certificate needs
 * no restart). The JDK's server takes its context once, before it starts ({@code setHttpsConfigurator} refuses a
 * started server), and asks it for an engine per accepted connection: this context hands each request to the
 * current one, so new connections get the new certificate and open ones keep theirs.
 */
final class SwappableSslContext extends SSLContext {

    private final Delegate delegate;

    private SwappableSslContext(final Delegate delegate, final SSLContext first) {
        super(delegate, first.getProvider(), first.getProtocol());
        this.delegate = delegate;
    }

    /** A context answering as {@code first} until {@link #swap}. */
    static SwappableSslContext of(final SSLContext first) {
        return new SwappableSslContext(new Delegate(first), first);
    }

    /** From the next connection on, {@code next} answers. */
    void swap(final SSLContext next) {
        delegate.current = next;
    }

    private static final class Delegate extends SSLContextSpi {
        private volatile SSLContext current;

        Delegate(final SSLContext first) {
            this.current = first;
        }

        @Override
        protected void engineInit(final KeyManager[] km, final TrustManager[] tm, final SecureRandom random) {
            throw new UnsupportedOperationException("initialised by TlsContext");
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            return current.getSocketFactory();
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            return current.getServerSocketFactory();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            return current.createSSLEngine();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(final String host, final int port) {
            return current.createSSLEngine(host, port);
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return current.getServerSessionContext();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return current.getClientSessionContext();
        }

        @Override
        protected SSLParameters engineGetDefaultSSLParameters() {
            return current.getDefaultSSLParameters();
        }

        @Override
        protected SSLParameters engineGetSupportedSSLParameters() {
            return current.getSupportedSSLParameters();
        }
    }
}
