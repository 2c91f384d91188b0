package io.vrrpd.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The control socket's transport: one request line out, one answer line back, within a timeout. Knows no JSON, so
 * the lean show-router path ({@link QuickShowRouter}) uses it without loading Jackson's databind; {@link
 * ControlClient} encodes and decodes around it. Every failure becomes a {@link CliException} with the line vrrpadm
 * prints.
 */
final class ControlSocket {

    /** Bounds the answer so a confused peer cannot make vrrpadm eat memory; 1000 routers take ~1 MiB. */
    static final int MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
    /** How long a request waits for its answer, but for the service verbs that wait for the cluster. */
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private ControlSocket() {
    }

    /** The system property {@code SelectorProvider.provider()} reads before it looks for a provider service. */
    static final String SELECTOR_PROVIDER_PROPERTY = "java.nio.channels.spi.SelectorProvider";
    /** The JDK's own provider on Linux, the one {@code SelectorProvider.provider()} falls back to. */
    static final String LINUX_SELECTOR_PROVIDER = "sun.nio.ch.EPollSelectorProvider";

    /**
     * Names the JDK's default selector provider in {@value #SELECTOR_PROVIDER_PROPERTY} (unless it is set), so that
     * the first channel does not look for another one as a service (issue 13): {@code ServiceLoader} opens every jar
     * of the class path for its {@code META-INF/services} entry — seven jars, Jackson's among them, ~25 ms of a
     * show-router's CPU whose classes otherwise all come from the AOT cache. The same provider class either way; a
     * JDK without it keeps the search.
     */
    static void skipSelectorProviderSearch() {
        if (System.getProperty(SELECTOR_PROVIDER_PROPERTY) != null) {
            return;
        }
        try {
            Class.forName(LINUX_SELECTOR_PROVIDER, false, null);
            System.setProperty(SELECTOR_PROVIDER_PROPERTY, LINUX_SELECTOR_PROVIDER);
        } catch (ClassNotFoundException e) {
            // Another platform's JDK: the provider is found as before.
        }
    }

    /** Sends {@code request} (one line, its newline included) to {@code socket}; returns the answer without its newline. */
    static byte[] exchange(final Path socket, final Duration timeout, final byte[] request) {
        try (SocketChannel channel = connect(socket)) {
            // A platform daemon thread, not a virtual one: a virtual thread starts the ForkJoinPool scheduler, a few
            // ms of a one-shot command's start (issue 13); this one only sleeps.
            final Thread watchdog = new Thread(() -> closeAfterTimeout(channel, timeout), "vrrpadm-timeout");
            watchdog.setDaemon(true);
            watchdog.start();
            try {
                final ByteBuffer out = ByteBuffer.wrap(request);
                while (out.hasRemaining()) {
                    channel.write(out);
                }
                return readLine(channel);
            } finally {
                watchdog.interrupt();
            }
        } catch (IOException e) {
            throw new CliException(CliException.UNREACHABLE, channelFailure(socket, timeout, e));
        }
    }

    private static SocketChannel connect(final Path socket) {
        try {
            return SocketChannel.open(UnixDomainSocketAddress.of(socket));
        } catch (IOException | IllegalArgumentException e) {
            throw new CliException(CliException.UNREACHABLE, "cannot connect to vrrpd at " + socket + ": " + why(e));
        }
    }

    /** ENOENT and ECONNREFUSED both mean no daemon listens there; EACCES means the caller is not root. */
    private static String why(final Exception e) {
        final String message = String.valueOf(e.getMessage());
        if (e instanceof ConnectException || message.contains("No such file")) {
            return "is the daemon running?";
        }
        return message.contains("Permission denied")
                ? "permission denied (the socket is mode 0600: run vrrpadm as root)" : message;
    }

    /** A blocking read on a socket channel has no timeout of its own: closing the channel ends it. */
    private static void closeAfterTimeout(final SocketChannel channel, final Duration timeout) {
        try {
            Thread.sleep(timeout);
            channel.close();
        } catch (InterruptedException | IOException e) {
            // Interrupted: the answer came in time.
        }
    }

    private static String channelFailure(final Path socket, final Duration timeout, final IOException e) {
        return e instanceof AsynchronousCloseException
                ? "vrrpd at " + socket + " did not answer within " + timeout.toMillis() + " ms"
                : "lost the connection to vrrpd at " + socket + ": " + e.getMessage();
    }

    private static byte[] readLine(final SocketChannel channel) throws IOException {
        final ByteArrayOutputStream line = new ByteArrayOutputStream(4096);
        final ByteBuffer chunk = ByteBuffer.allocate(8192);
        for (int n = channel.read(chunk); n >= 0; n = channel.read(chunk)) {
            final byte[] bytes = chunk.array();
            for (int i = 0; i < n; i++) {
                if (bytes[i] == '\n') {
                    line.write(bytes, 0, i);
                    return line.toByteArray();
                }
            }
            line.write(bytes, 0, n);
            chunk.clear();
            if (line.size() > MAX_RESPONSE_BYTES) {
                throw new IOException("answer larger than " + MAX_RESPONSE_BYTES + " bytes");
            }
        }
        throw new IOException("vrrpd closed the connection without answering");
    }
}
