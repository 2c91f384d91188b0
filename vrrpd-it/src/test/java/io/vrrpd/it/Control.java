package io.vrrpd.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The control socket protocol (docs/CONFIG.md, one JSON object per line each way), spoken directly by the
 * tests for the frequent polls of a wait: a {@code bin/vrrpadm} run costs a JVM start (~0.7 s of CPU), a
 * socket round trip well under a millisecond. Everything a scenario asserts as the operator's view also goes
 * through {@code bin/vrrpadm} at least once.
 */
final class Control {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TIMEOUT_MS = 5000;

    private final Path socket;

    Control(final Path socket) {
        this.socket = socket;
    }

    /** {@code show-router}: every router, as the daemon sends it. Throws if the daemon does not answer. */
    List<Router> routers() {
        final JsonNode result = call("show-router", JsonNodeFactory.instance.objectNode());
        final List<Router> routers = new ArrayList<>();
        result.forEach(node -> routers.add(new Router(node)));
        return routers;
    }

    /** The router called {@code name}, if the daemon has it. */
    Optional<Router> router(final String name) {
        return routers().stream().filter(r -> r.name().equals(name)).findFirst();
    }

    /** True when the daemon answers a show-router. */
    boolean answers() {
        try {
            routers();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** One request; the result, or an {@link IllegalStateException} with the daemon's error. */
    JsonNode call(final String verb, final ObjectNode args) {
        final ObjectNode request = JsonNodeFactory.instance.objectNode().put("verb", verb);
        request.set("args", args);
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            final Thread watchdog = Thread.ofVirtual().start(() -> {
                try {
                    TimeUnit.MILLISECONDS.sleep(TIMEOUT_MS);
                    channel.close();
                } catch (InterruptedException | IOException e) {
                    // answered in time
                }
            });
            try {
                Channels.newOutputStream(channel).write((JSON.writeValueAsString(request) + "\n")
                        .getBytes(StandardCharsets.UTF_8));
                final JsonNode response = JSON.readTree(readLine(Channels.newInputStream(channel)));
                if (!response.path("ok").asBoolean(false)) {
                    throw new IllegalStateException(verb + " refused: " + response.path("error").asText(response.toString()));
                }
                return response.path("result");
            } finally {
                watchdog.interrupt();
            }
        } catch (IOException e) {
            throw new IllegalStateException("control socket " + socket + ": " + e, e);
        }
    }

    private static byte[] readLine(final InputStream in) throws IOException {
        final ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b >= 0; b = in.read()) {
            if (b == '\n') {
                return line.toByteArray();
            }
            line.write(b);
        }
        throw new IOException("closed without an answer");
    }

    /** One router of show-router's answer (field names as docs/CONFIG.md). */
    record Router(JsonNode json) {
        String name() {
            return json.path("name").asText();
        }

        String state() {
            return json.path("state").asText(null);
        }

        String admin() {
            return json.path("admin").asText(null);
        }

        String vnic() {
            return json.path("vnic").isNull() ? null : json.path("vnic").asText(null);
        }

        int prio() {
            return json.path("prio").asInt(-1);
        }

        /** A counter field ({@code adv_sent}, {@code adv_rcvd}); -1 when the daemon does not report it. */
        long counter(final String field) {
            return json.path(field).isNumber() ? json.path(field).asLong() : -1;
        }

        /** The {@code drops} object as reason → count (empty when absent). */
        Map<String, Long> drops() {
            final Map<String, Long> drops = new TreeMap<>();
            json.path("drops").properties().forEach(e -> drops.put(e.getKey(), e.getValue().asLong()));
            return drops;
        }

        @Override
        public String toString() {
            return name() + ":" + state() + ":" + admin() + ":" + vnic();
        }
    }
}
