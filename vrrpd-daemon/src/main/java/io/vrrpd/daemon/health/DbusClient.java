package io.vrrpd.daemon.health;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Just enough of a D-Bus client (the D-Bus Specification, "Message Protocol" and "Authentication Protocol")
 * for the systemd check: one connection to a bus socket, {@code EXTERNAL} authentication, {@code Hello}, and
 * method calls whose arguments are strings and whose replies are strings, object paths, signatures, integers,
 * booleans or variants holding one of those. Blocking, bounded by the deadline given to {@link #connect}: then
 * the connection is closed under the caller, who gets a {@link SocketTimeoutException}. A thread interrupted in
 * a call gets {@link java.nio.channels.ClosedByInterruptException} (the channel is interruptible). One thread at
 * a time.
 */
final class DbusClient implements AutoCloseable {
    /** The message types of the header's second byte. */
    static final byte METHOD_CALL = 1;
    static final byte METHOD_RETURN = 2;
    static final byte ERROR = 3;
    /**
     * Header flag: the bus must not start ("activate") the destination if nobody owns its name. Without it a
     * session bus tries to spawn systemd from its service file and answers Spawn.ChildExited.
     */
    static final byte NO_AUTO_START = 2;
    private static final int HEADER_PATH = 1;
    private static final int HEADER_INTERFACE = 2;
    private static final int HEADER_MEMBER = 3;
    private static final int HEADER_ERROR_NAME = 4;
    private static final int HEADER_REPLY_SERIAL = 5;
    private static final int HEADER_DESTINATION = 6;
    private static final int HEADER_SIGNATURE = 8;
    /** The specification's limit on a whole message. */
    private static final int MAX_MESSAGE = 1 << 27;
    /** Signals and other traffic skipped while waiting for one reply, at most. */
    private static final int MAX_SKIPPED = 256;

    /** A reply of type ERROR: its name ({@code org.freedesktop.systemd1.NoSuchUnit}) and message. */
    static final class DbusError extends Exception {
        private final String name;

        DbusError(final String name, final String message) {
            super(name + (message.isEmpty() ? "" : ": " + message));
            this.name = name;
        }

        String name() {
            return name;
        }
    }

    private final SocketChannel channel;
    private final long timeoutMillis;
    private final Thread deadline;
    private volatile boolean expired;
    private int serial;

    private DbusClient(final SocketChannel channel, final long timeoutMillis) {
        this.channel = channel;
        this.timeoutMillis = timeoutMillis;
        this.deadline = Thread.ofVirtual().name("dbus-deadline").start(() -> {
            try {
                Thread.sleep(timeoutMillis);
                expired = true;
                channel.close(); // wakes the caller's blocked read or write
            } catch (InterruptedException | IOException e) {
                // closed in time
            }
        });
    }

    /**
     * Connects to the bus at {@code socket}, authenticates as this process's uid and says Hello. The connection
     * is closed {@code timeoutMillis} after this call whatever is going on.
     */
    static DbusClient connect(final Path socket, final long timeoutMillis) throws IOException, DbusError {
        final SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        final DbusClient client = new DbusClient(channel, timeoutMillis);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
            client.authenticate();
            client.call("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "Hello");
            return client;
        } catch (IOException e) {
            client.close();
            throw client.timedOut(e);
        } catch (DbusError | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /** {@code e}, or a SocketTimeoutException when it came from the deadline closing the connection. */
    private IOException timedOut(final IOException e) {
        if (!expired) {
            return e;
        }
        final SocketTimeoutException timeout = new SocketTimeoutException("timed out after " + timeoutMillis + " ms");
        timeout.initCause(e);
        return timeout;
    }

    /**
     * Calls {@code member} with string arguments ({@code s} each) and returns the reply's values: String for
     * {@code s}, {@code o}, {@code g}; Long for {@code u}, {@code t}, {@code x}; Integer for {@code i};
     * Boolean for {@code b}; a variant's content for {@code v}.
     */
    List<Object> call(final String destination, final String path, final String iface, final String member,
                      final String... arguments) throws IOException, DbusError {
        final int mine = ++serial;
        try {
            channel.write(ByteBuffer.wrap(methodCall(mine, destination, path, iface, member, arguments)));
        } catch (IOException e) {
            throw timedOut(e);
        }
        for (int skipped = 0; skipped < MAX_SKIPPED; skipped++) {
            final Message reply;
            try {
                reply = read();
            } catch (IOException e) {
                throw timedOut(e);
            }
            if (reply.replySerial != mine || (reply.type != METHOD_RETURN && reply.type != ERROR)) {
                continue; // a signal (NameAcquired after Hello) or another call's reply
            }
            final List<Object> values = reply.values();
            if (reply.type == ERROR) {
                throw new DbusError(reply.errorName == null ? "(unnamed error)" : reply.errorName,
                        values.isEmpty() || !(values.getFirst() instanceof String text) ? "" : text);
            }
            return values;
        }
        throw new IOException("no reply to " + member + " among " + MAX_SKIPPED + " messages");
    }

    @Override
    public void close() {
        deadline.interrupt();
        try {
            channel.close();
        } catch (IOException e) {
            // nothing left to release
        }
    }

    // -------------------------------------------------------------------------------------------------
    // Authentication: a NUL byte, then lines "AUTH EXTERNAL <uid in hex of its ASCII digits>", "BEGIN".
    // -------------------------------------------------------------------------------------------------

    private void authenticate() throws IOException {
        // Before authentication succeeds the bus only speaks lines; errors here are plain IOExceptions, turned
        // into timeouts by connect when the deadline closed the connection.
        final String uid = Long.toString(uid());
        final StringBuilder hex = new StringBuilder();
        for (final byte b : uid.getBytes(StandardCharsets.US_ASCII)) {
            hex.append(String.format("%02x", b));
        }
        channel.write(ByteBuffer.wrap(("\0AUTH EXTERNAL " + hex + "\r\n").getBytes(StandardCharsets.US_ASCII)));
        final String answer = readLine();
        if (!answer.startsWith("OK ")) {
            throw new IOException("the bus refused EXTERNAL authentication as uid " + uid + ": " + answer);
        }
        channel.write(ByteBuffer.wrap("BEGIN\r\n".getBytes(StandardCharsets.US_ASCII)));
    }

    /** This process's uid: the owner of /proc/self (no FFM needed). */
    private static long uid() throws IOException {
        return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
    }

    private String readLine() throws IOException {
        final ByteArrayOutputStream line = new ByteArrayOutputStream();
        final ByteBuffer one = ByteBuffer.allocate(1);
        while (line.size() < 4096) {
            one.clear();
            if (channel.read(one) < 0) {
                throw new EOFException("the bus closed the connection during authentication");
            }
            final byte b = one.get(0);
            if (b == '\n') {
                return line.toString(StandardCharsets.US_ASCII).strip();
            }
            line.write(b);
        }
        throw new IOException("the bus's authentication line is longer than 4096 bytes");
    }

    // -------------------------------------------------------------------------------------------------
    // Marshalling (little-endian out; either order in)
    // -------------------------------------------------------------------------------------------------

    /** A METHOD_CALL message with {@code arguments} as {@code s} values, never auto-starting its destination. */
    static byte[] methodCall(final int serial, final String destination, final String path, final String iface,
                             final String member, final String... arguments) {
        final Writer body = new Writer();
        for (final String argument : arguments) {
            body.string(argument);
        }
        final Writer fields = new Writer();
        fields.field(HEADER_PATH, 'o', path);
        fields.field(HEADER_INTERFACE, 's', iface);
        fields.field(HEADER_MEMBER, 's', member);
        fields.field(HEADER_DESTINATION, 's', destination);
        if (arguments.length > 0) {
            fields.field(HEADER_SIGNATURE, 'g', "s".repeat(arguments.length));
        }
        final Writer message = new Writer();
        message.bytes(new byte[]{'l', METHOD_CALL, NO_AUTO_START, 1});
        message.uint32(body.size());
        message.uint32(serial);
        message.uint32(fields.size());
        message.bytes(fields.toByteArray()); // the fields start at offset 16: 8-aligned as in their own buffer
        message.align(8);
        message.bytes(body.toByteArray());
        return message.toByteArray();
    }

    /** One received message: what the client needs of its header, and its body. */
    record Message(byte type, byte flags, long replySerial, String errorName, String signature, ByteBuffer body) {
        List<Object> values() throws IOException {
            final Reader reader = new Reader(body);
            final List<Object> values = new ArrayList<>();
            final String types = signature == null ? "" : signature;
            for (int i = 0; i < types.length(); i++) {
                values.add(reader.value(types.charAt(i)));
            }
            return values;
        }
    }

    private Message read() throws IOException {
        final ByteBuffer fixed = readFully(16);
        final ByteOrder order = switch (fixed.get(0)) {
            case 'l' -> ByteOrder.LITTLE_ENDIAN;
            case 'B' -> ByteOrder.BIG_ENDIAN;
            default -> throw new IOException("not a D-Bus message: endianness byte " + fixed.get(0));
        };
        fixed.order(order);
        final long bodyLength = Integer.toUnsignedLong(fixed.getInt(4));
        final long fieldsLength = Integer.toUnsignedLong(fixed.getInt(12));
        final long headerEnd = (16 + fieldsLength + 7) & ~7L;
        if (headerEnd + bodyLength > MAX_MESSAGE) {
            throw new IOException("D-Bus message of " + (headerEnd + bodyLength) + " bytes: larger than allowed");
        }
        final ByteBuffer rest = readFully((int) (headerEnd - 16 + bodyLength));
        final ByteBuffer whole = ByteBuffer.allocate(16 + rest.capacity()).order(order);
        whole.put(fixed.rewind()).put(rest.rewind()).flip();
        return parse(whole);
    }

    /** Parses a whole message in {@code whole} (position 0, its byte order set). */
    static Message parse(final ByteBuffer whole) throws IOException {
        final byte type = whole.get(1);
        final byte flags = whole.get(2);
        final long bodyLength = Integer.toUnsignedLong(whole.getInt(4));
        final int fieldsLength = whole.getInt(12);
        final Reader fields = new Reader(whole.duplicate().order(whole.order()).position(16).limit(16 + fieldsLength)
                .slice().order(whole.order()));
        long replySerial = -1;
        String errorName = null;
        String signature = null;
        while (fields.remaining() > 0) {
            fields.align(8);
            if (fields.remaining() == 0) {
                break;
            }
            final int code = fields.byteValue() & 0xff;
            final Object value = fields.value('v');
            switch (code) {
                case HEADER_REPLY_SERIAL -> replySerial = (Long) value;
                case HEADER_ERROR_NAME -> errorName = (String) value;
                case HEADER_SIGNATURE -> signature = (String) value;
                default -> { } // path, interface, member, destination, sender, unix fds: not needed
            }
        }
        final int bodyStart = (16 + fieldsLength + 7) & ~7;
        if (bodyStart + bodyLength > whole.limit()) {
            throw new IOException("D-Bus message shorter than its header says");
        }
        final ByteBuffer body = whole.duplicate().position(bodyStart).limit((int) (bodyStart + bodyLength)).slice()
                .order(whole.order());
        return new Message(type, flags, replySerial, errorName, signature, body);
    }

    private ByteBuffer readFully(final int length) throws IOException {
        final ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new EOFException("the bus closed the connection");
            }
        }
        return buffer.flip();
    }

    /** Little-endian marshalling; alignment is relative to the start of the buffer (the message's start). */
    private static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        int size() {
            return out.size();
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }

        void bytes(final byte[] bytes) {
            out.writeBytes(bytes);
        }

        void align(final int boundary) {
            while (out.size() % boundary != 0) {
                out.write(0);
            }
        }

        void uint32(final long value) {
            align(4);
            out.write((int) value);
            out.write((int) (value >>> 8));
            out.write((int) (value >>> 16));
            out.write((int) (value >>> 24));
        }

        void string(final String value) {
            final byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            uint32(bytes.length);
            out.writeBytes(bytes);
            out.write(0);
        }

        void signature(final String value) {
            final byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
            out.write(bytes.length);
            out.writeBytes(bytes);
            out.write(0);
        }

        /** A header field: STRUCT(BYTE code, VARIANT value) of type {@code s}, {@code o} or {@code g}. */
        void field(final int code, final char type, final String value) {
            align(8);
            out.write(code);
            signature(String.valueOf(type));
            if (type == 'g') {
                signature(value);
            } else {
                string(value);
            }
        }
    }

    /** Unmarshalling of the basic types and variants; alignment relative to the buffer's start. */
    private static final class Reader {
        private final ByteBuffer in;

        Reader(final ByteBuffer in) {
            this.in = in;
        }

        int remaining() {
            return in.remaining();
        }

        void align(final int boundary) throws IOException {
            final int padded = (in.position() + boundary - 1) / boundary * boundary;
            if (padded > in.limit()) {
                throw new IOException("D-Bus value runs past its message");
            }
            in.position(padded);
        }

        byte byteValue() throws IOException {
            need(1);
            return in.get();
        }

        Object value(final char type) throws IOException {
            return switch (type) {
                case 's', 'o' -> {
                    align(4);
                    need(4);
                    final int length = in.getInt();
                    yield text(length);
                }
                case 'g' -> text(byteValue() & 0xff);
                case 'u' -> {
                    align(4);
                    need(4);
                    yield Integer.toUnsignedLong(in.getInt());
                }
                case 'i' -> {
                    align(4);
                    need(4);
                    yield in.getInt();
                }
                case 'b' -> {
                    align(4);
                    need(4);
                    yield in.getInt() != 0;
                }
                case 't', 'x' -> {
                    align(8);
                    need(8);
                    yield in.getLong();
                }
                case 'y' -> byteValue() & 0xff;
                case 'v' -> {
                    final String inner = (String) value('g');
                    if (inner.length() != 1) {
                        throw new IOException("D-Bus variant of type " + inner + ": not supported here");
                    }
                    yield value(inner.charAt(0));
                }
                default -> throw new IOException("D-Bus type '" + type + "': not supported here");
            };
        }

        private String text(final int length) throws IOException {
            if (length < 0) {
                throw new IOException("D-Bus string longer than its message");
            }
            need(length + 1);
            final byte[] bytes = new byte[length];
            in.get(bytes);
            in.get(); // the terminating NUL
            return new String(bytes, StandardCharsets.UTF_8);
        }

        private void need(final int count) throws IOException {
            if (in.remaining() < count) {
                throw new IOException("D-Bus value runs past its message");
            }
        }
    }
}
