package io.vrrpd.daemon.control;


import io.vrrpd.daemon.runtime.Log;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The daemon's control socket: a Unix domain stream socket speaking one JSON object per line.
 *
 * <pre>
 * request:  {"verb": "create-router", "args": {...}}
 * response: {"ok": true, "result": ...}   or   {"ok": false, "error": "one line"}
 * </pre>
 *
 * A connection may carry any number of requests, answered in order. Every failure — malformed JSON, a
 * request over {@value #MAX_REQUEST_BYTES} bytes, a refused verb, a bug in a handler — is an error
 * response, never a dead server. One virtual thread serves each connection, and another accepts them:
 * virtual threads do not keep the JVM alive, the daemon's main thread does.
 *
 * <p>Access control is the socket file's mode, 0600: only the daemon's user (root) can connect. The
 * socket is bound inside a fresh 0700 directory, chmod-ed to 0600 there and only then hard-linked to its
 * public path, so there is no moment at which anyone else can reach it (binding at the public path and
 * chmod-ing afterwards leaves a window governed by the umask, in which a connection could be queued).
 * {@code link(2)} refuses to replace an existing file, so two daemons starting together cannot both win.
 */
public final class ControlServer implements AutoCloseable {
    // What a connection does (JSON, the handler) is ControlConnection's: this class is loaded and linked on the
    // daemon's start path before the socket exists, and the verifier loaded Jackson's classes (and opened its jars)
    // for the request code's catch clauses and node types (issue 12: exec -> control socket).

    /** The largest request line accepted; a control request is a few hundred bytes. */
    public static final int MAX_REQUEST_BYTES = 64 * 1024;

    /**
     * The logger, looked up when first used (after the socket is bound): the first System.getLogger sets up
     * java.util.logging and looks for a LoggerFinder in every jar of the class path, which the daemon does after its
     * socket (issue 12).
     */
    private static final class Logs {
        static final System.Logger LOG = System.getLogger(ControlServer.class.getName());

        private Logs() {
        }
    }
    private final Path path;
    private final ServerSocketChannel channel;
    private final ControlHandler handler;
    private final Object fileKey;
    private final Set<SocketChannel> connections = ConcurrentHashMap.newKeySet();
    private final AtomicLong connectionCount = new AtomicLong();
    /** The accepting virtual thread, from {@link #accept}; null before. */
    private volatile Thread acceptor;
    private volatile boolean closed;

    private ControlServer(final Path path, final ServerSocketChannel channel, final ControlHandler handler,
                          final Object fileKey) {
        this.path = path;
        this.channel = channel;
        this.handler = handler;
        this.fileKey = fileKey;
    }

    /**
     * Listens on {@code path} and accepts connections ({@link #bind}, then {@link #accept}).
     *
     * @throws IOException with a one-line message, e.g. {@code another vrrpd is running on PATH}
     */
    public static ControlServer start(final Path path, final ControlHandler handler) throws IOException {
        final ControlServer server = bind(path, handler);
        server.accept();
        return server;
    }

    /**
     * Listens on {@code path}: creates its directory (0755) if missing, replaces a stale socket left by a
     * daemon that died, and refuses to start while another daemon answers there. A client may connect as soon as this
     * returns (the kernel queues it); it is served once {@link #accept} ran. The daemon calls the two apart so its
     * start path to the socket file stops here (EarlyStartTest looks at what it loads; issue 12).
     *
     * @throws IOException with a one-line message, e.g. {@code another vrrpd is running on PATH}
     */
    public static ControlServer bind(final Path path, final ControlHandler handler) throws IOException {
        Objects.requireNonNull(handler, "handler");
        final Path socket = path.toAbsolutePath();
        createParent(socket.getParent());
        removeStale(socket);
        final ServerSocketChannel channel = bindPrivately(socket);
        try {
            final Object key = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .fileKey();
            return new ControlServer(socket, channel, handler, key);
        } catch (IOException | RuntimeException e) {
            channel.close();
            Files.deleteIfExists(socket);
            throw e;
        }
    }

    /** Starts accepting connections (a virtual thread); once. */
    public synchronized void accept() {
        if (acceptor != null) {
            return;
        }
        acceptor = Thread.ofVirtual().name("control-accept").start(new Acceptor());
        Logs.LOG.log(System.Logger.Level.INFO, "control socket listening on {0}", path);
    }

    /** The acceptor's body ({@link #acceptLoop}); a class, not a method reference (the daemon's start path). */
    private final class Acceptor implements Runnable {
        @Override
        public void run() {
            acceptLoop();
        }
    }

    /** Whether {@link #close} was called (a connection's read error is then expected, not logged). */
    boolean closed() {
        return closed;
    }

    /** The handler the connections dispatch to. */
    ControlHandler handler() {
        return handler;
    }

    /** A connection ended: forgotten. */
    void ended(final SocketChannel connection) {
        connections.remove(connection);
    }

    /** The socket's path. */
    public Path path() {
        return path;
    }

    /** Stops accepting, closes every connection and removes the socket file (if it is still ours). */
    @Override
    public void close() throws IOException {
        closed = true;
        channel.close();
        connections.forEach(ControlServer::closeQuietly);
        final Thread accepting = acceptor;
        try {
            if (accepting != null) {
                accepting.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // A successor daemon may already have replaced a socket we were told was stale: leave its file alone.
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS) && fileKey != null && fileKey.equals(
                Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey())) {
            Files.deleteIfExists(path);
        }
    }

    // ---- Start-up -------------------------------------------------------------------------------------

    private static void createParent(final Path parent) throws IOException {
        if (!Files.isDirectory(parent)) {
            Files.createDirectories(parent);
            Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    /** A socket file nobody answers on is a dead daemon's: remove it. Anything else is refused. */
    private static void removeStale(final Path socket) throws IOException {
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther()) {
            throw new IOException(socket + " exists and is not a socket: remove it or choose another --socket");
        }
        if (answers(socket)) {
            throw new IOException("another vrrpd is running on " + socket);
        }
        // vrrpd's log itself, not System.Logger: this is before the socket, when java.util.logging is not routed there yet
        Log.info("removing stale control socket " + socket);
        Files.deleteIfExists(socket);
    }

    private static boolean answers(final Path socket) throws IOException {
        try {
            SocketChannel.open(UnixDomainSocketAddress.of(socket)).close();
            return true;
        } catch (ConnectException refused) {
            return false;
        } catch (IOException e) {
            throw new IOException("cannot check the control socket " + socket + ": " + e.getMessage(), e);
        }
    }

    private static ServerSocketChannel bindPrivately(final Path socket) throws IOException {
        final Path privateDir = Files.createTempDirectory(socket.getParent(), ".vrrpd",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        final Path temporary = privateDir.resolve("s");
        final ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.bind(UnixDomainSocketAddress.of(temporary));
            Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
            Files.createLink(socket, temporary);
            return channel;
        } catch (FileAlreadyExistsException e) {
            channel.close();
            throw new IOException("another vrrpd is running on " + socket, e);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        } finally {
            Files.deleteIfExists(temporary);
            Files.deleteIfExists(privateDir);
        }
    }

    // ---- Connections ----------------------------------------------------------------------------------

    private void acceptLoop() {
        while (!closed) {
            try {
                final SocketChannel connection = channel.accept();
                connections.add(connection);
                Thread.ofVirtual().name("control-" + connectionCount.incrementAndGet())
                        .start(new ControlConnection(this, connection));
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                // E.g. out of file descriptors: keep serving the clients that can still connect.
                Logs.LOG.log(System.Logger.Level.WARNING, "control socket accept failed: {0}", e.toString());
                pause();
            }
        }
    }

    private static void closeQuietly(final SocketChannel connection) {
        try {
            connection.close();
        } catch (IOException e) {
            Logs.LOG.log(System.Logger.Level.DEBUG, "closing a control connection: {0}", e.toString());
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
