package io.vrrpd.cluster.engine;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.IOException;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Fuzzes the decoding of what another member sends (ServiceCluster's receive path): {@link MessageCodec#decode}
 * either refuses the bytes with a {@link MessageCodec.MalformedMessageException} whose message is one line, or
 * returns a message the engine can act on without a NullPointerException or an IllegalArgumentException:
 * every field its kind needs is there, every service in it is a valid ServiceSpec. Round trip: a decoded message
 * encodes and decodes to an equal one.
 *
 * <p>Seeds in {@code MessageFuzzTestInputs/decode}: one message of each kind, as the engine sends them, and the
 * malformed messages the fuzzer found.
 */
class MessageFuzzTest {

    @DictionaryEntries({"{\"m\":\"", "table", "report", "sync", "alive", "commit", "ack", "command", "done",
            "admin", "admin-accepted", "admin-reply", "ask", "answer", "\"topic\":", "\"body\":", "\"kind\":",
            "\"services\":", "\"tombstones\":", "\"service\":",
            "\"addresses\":[", "\"properties\":{", "\"activeOn\":[", "\"state\":\"STARTED\"", "null",
            "\\u0000", "1e999", "-1"})
    @FuzzTest(maxDuration = "10s")
    void decode(final byte[] payload) throws IOException {
        final Message message;
        try {
            message = MessageCodec.decode(payload);
        } catch (MessageCodec.MalformedMessageException e) {
            assertNotNull(e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            return;
        }
        assertNotNull(message);
        actOn(message);
        assertEquals(message, MessageCodec.decode(MessageCodec.encode(message)));
    }

    /** What ServiceCluster.onMessage and LocalAgent.command read of each kind. */
    private static void actOn(final Message message) {
        switch (message) {
            case Message.Alive ignored -> {
            }
            case Message.Sync ignored -> {
            }
            case Message.Table t -> {
                t.services().forEach(s -> assertNotNull(s.stored()));
                t.tombstones().forEach((name, revision) -> assertNotNull(name.length() + revision));
            }
            case Message.Report r -> {
                assertNotNull(r.commandFrom().length());
                for (final Map.Entry<String, LocalStatus> e : r.services().entrySet()) {
                    assertNotNull(e.getKey().length());
                    e.getValue().holds();
                    assertNotNull(e.getValue().state().name());
                }
            }
            case Message.Commit c -> {
                assertNotNull(c.id().length());
                if (c.deleted() == null) {
                    assertNotNull(c.service().stored());
                }
            }
            case Message.Ack a -> assertNotNull(a.id().length());
            case Message.Command c -> {
                assertNotNull(c.service().length() + c.op().length() + c.requestId().length());
                if (c.record() != null) {
                    assertNotNull(c.record().stored());
                }
            }
            case Message.Done d -> assertNotNull(d.requestId().length());
            case Message.Admin a -> assertNotNull(a.id().length() + a.request().verb().length());
            case Message.AdminAccepted a -> assertNotNull(a.id().length());
            case Message.Ask a -> assertNotNull(a.id().length() + a.topic().length() + a.body().length());
            case Message.Answer a -> assertNotNull(a.id().length() + a.error().length() + a.body().length());
            case Message.AdminReply r -> {
                assertNotNull(r.id().length());
                r.results().forEach(result -> assertNotNull(result.node()));
            }
        }
    }
}
