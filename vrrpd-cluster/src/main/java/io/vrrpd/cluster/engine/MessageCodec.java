package io.vrrpd.cluster.engine;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.Collection;
import java.util.Map;

/**
 * {@link Message}s to and from the bytes members exchange (JSON). Decoding checks what Jackson does not: that a
 * message carries every field its kind needs and that the services in it are valid, so a member that sends a
 * {@code {"m":"table"}} or a service with a bad address gets its message refused here, with one line saying why,
 * instead of a NullPointerException or IllegalArgumentException in the engine's actor (found by MessageFuzzTest).
 */
public final class MessageCodec {

    private static final ObjectMapper JSON = new ObjectMapper();

    private MessageCodec() {
    }

    /** Bytes that are not a message this engine can act on; the message is one line. */
    public static final class MalformedMessageException extends IOException {
        private static final long serialVersionUID = 1L;

        MalformedMessageException(final String message) {
            super(message, null);
        }
    }

    public static byte[] encode(final Message message) {
        try {
            return JSON.writeValueAsBytes(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a message always serialises: " + message, e);
        }
    }

    /**
     * The message in {@code payload}.
     *
     * @throws MalformedMessageException not JSON, not a message kind, or a field its kind needs is missing or invalid
     */
    public static Message decode(final byte[] payload) throws MalformedMessageException {
        final Message message;
        try {
            message = JSON.readValue(payload, Message.class);
        } catch (JacksonException e) {
            throw new MalformedMessageException("not a cluster message: " + oneLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new MalformedMessageException("not a cluster message: " + oneLine(e.getMessage()));
        }
        if (message == null) {
            throw new MalformedMessageException("not a cluster message: null");
        }
        try {
            check(message);
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException(kind(message) + ": " + oneLine(e.getMessage()));
        }
        return message;
    }

    /** What ServiceCluster and LocalAgent read of each kind must be there. */
    private static void check(final Message message) {
        switch (message) {
            case Message.Alive ignored -> {
            }
            case Message.Sync ignored -> {
            }
            case Message.Table t -> {
                required(t.services(), "services").forEach(s -> service(s, "services"));
                required(t.tombstones(), "tombstones").forEach((name, revision) -> {
                    required(name, "tombstones (a name)");
                    required(revision, "tombstones." + name);
                });
            }
            case Message.Report r -> {
                required(r.commandFrom(), "commandFrom");
                required(r.services(), "services").forEach((name, status) -> {
                    required(name, "services (a name)");
                    required(required(status, "services." + name).state(), "services." + name + ".state");
                });
            }
            case Message.Commit c -> {
                required(c.id(), "id");
                if (c.deleted() == null) {
                    service(required(c.service(), "service (or deleted)"), "service");
                }
            }
            case Message.Ack a -> required(a.id(), "id");
            case Message.Command c -> {
                required(c.service(), "service");
                required(c.op(), "op");
                required(c.requestId(), "requestId");
                if (c.record() != null) {
                    service(c.record(), "record");
                }
            }
            case Message.Done d -> required(d.requestId(), "requestId");
            case Message.Admin a -> {
                required(a.id(), "id");
                required(required(a.request(), "request").verb(), "request.verb");
            }
            case Message.AdminAccepted a -> required(a.id(), "id");
            case Message.Ask a -> {
                required(a.id(), "id");
                required(a.topic(), "topic");
                required(a.body(), "body");
            }
            case Message.Answer a -> {
                required(a.id(), "id");
                required(a.error(), "error");
                required(a.body(), "body");
            }
            case Message.AdminReply r -> {
                required(r.id(), "id");
                noNulls(required(r.results(), "results"), "results");
                r.results().forEach(result -> required(result.node(), "results.node"));
            }
        }
    }

    /** A service on the wire must make a valid StoredService (ServiceSpec's checks). */
    private static void service(final Message.Service service, final String field) {
        required(service, field);
        required(service.name(), field + ".name");
        noNulls(required(service.addresses(), field + ".addresses"), field + ".addresses");
        required(service.properties(), field + ".properties");
        noNulls(required(service.activeOn(), field + ".activeOn"), field + ".activeOn");
        try {
            service.stored();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException(field + " " + service.name() + ": " + e.getMessage());
        }
    }

    private static <T> T required(final T value, final String field) {
        if (value == null) {
            throw new IllegalArgumentException(field + " is missing");
        }
        return value;
    }

    private static void noNulls(final Collection<?> values, final String field) {
        for (final Object value : values) {
            required(value, field + " (an element)");
        }
    }

    private static String kind(final Message message) {
        return "malformed " + message.getClass().getSimpleName().toLowerCase() + " message";
    }

    private static String oneLine(final String text) {
        return text == null ? "no detail" : text.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }
}
