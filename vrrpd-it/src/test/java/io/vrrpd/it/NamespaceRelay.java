package io.vrrpd.it;

import io.vrrpd.linux.NetNamespace;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay from a loopback port of the <em>root</em> namespace to {@code 127.0.0.1:PORT} inside a lab host's
 * namespace, so that a browser running on the machine reaches a daemon's web port although the lab has no interface
 * in the root namespace (and must not get one: DESIGN.md's network-safety rule).
 *
 * <p>How: the listening socket is made on the test's own thread (root namespace, loopback only); each upstream socket
 * is made on a fresh platform thread that first entered the host's namespace ({@link NetNamespace#run}): a socket
 * belongs to the namespace of the thread that created it, for its whole life, so the copying threads can be
 * ordinary ones. No process (socat) and no veth are needed. Bounded: at most {@link #MAX_CONNECTIONS} at a time
 * (more are closed at once), every thread ends when the relay closes.
 */
final class NamespaceRelay implements AutoCloseable {
    static final int MAX_CONNECTIONS = 64;

    private final String namespace;
    private final int port;
    private final ServerSocket listener;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    /** Relays {@code 127.0.0.1:<ephemeral>} (root namespace) to {@code 127.0.0.1:port} in {@code namespace}. */
    NamespaceRelay(final String namespace, final int port) {
        this.namespace = namespace;
        this.port = port;
        try {
            listener = new ServerSocket();
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on loopback for the relay to " + namespace, e);
        }
        acceptor = Thread.ofPlatform().daemon(true).name("relay-" + namespace).start(this::accept);
    }

    /** The root namespace's loopback port to give the browser. */
    int localPort() {
        return listener.getLocalPort();
    }

    /** {@code http://127.0.0.1:PORT} of the relay. */
    String url() {
        return "http://127.0.0.1:" + localPort();
    }

    private void accept() {
        while (!listener.isClosed()) {
            final Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            if (open.size() >= 2 * MAX_CONNECTIONS) {
                closeQuietly(client);
                continue;
            }
            try {
                final Socket upstream = NetNamespace.run(namespace, Duration.ofSeconds(5), () -> {
                    final Socket s = new Socket();
                    s.connect(new InetSocketAddress("127.0.0.1", port), 3000);
                    return s;
                });
                open.add(client);
                open.add(upstream);
                pump(client, upstream);
                pump(upstream, client);
            } catch (Exception e) {
                // The daemon is not listening (yet, or any more): the browser sees a refused connection.
                closeQuietly(client);
            }
        }
    }

    private void pump(final Socket from, final Socket to) {
        Thread.ofPlatform().daemon(true).name("relay-pump-" + namespace).start(() -> {
            final byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (SocketException e) {
                // the other side closed
            } catch (IOException e) {
                // the same: a relay has nothing to report
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
            }
        });
    }

    private static void closeQuietly(final Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing
        }
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException e) {
            // closing
        }
        open.forEach(NamespaceRelay::closeQuietly);
        open.clear();
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
