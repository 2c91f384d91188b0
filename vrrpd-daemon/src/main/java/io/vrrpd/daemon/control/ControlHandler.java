package io.vrrpd.daemon.control;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the control socket dispatches to: the daemon's verbs. {@link ControlServer} owns framing, limits and
 * errors; a handler only sees well-formed requests.
 */
@FunctionalInterface
public interface ControlHandler {

    /**
     * Carries out one request. Called from one virtual thread per connection, so concurrently for
     * different clients: implementations serialise what must not overlap.
     *
     * @param verb the request's verb, e.g. {@code create-router}
     * @param args the request's arguments, always a JSON object (empty when the request had none)
     * @return the result (any JSON value; null for none)
     * @throws ControlException when the request is refused; its message goes to the client
     */
    JsonNode handle(String verb, JsonNode args) throws ControlException;
}
