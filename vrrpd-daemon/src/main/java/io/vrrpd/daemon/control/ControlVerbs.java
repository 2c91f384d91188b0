package io.vrrpd.daemon.control;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The daemon's control verbs: routes each verb to the handler that owns it (router verbs to {@link RouterControl},
 * service verbs to {@link ServiceControl}), so one socket serves both and an unknown verb is answered with every
 * verb the daemon knows.
 */
public final class ControlVerbs implements ControlHandler {

    private final Map<String, ControlHandler> handlers;
    private final String unavailable;
    private final String allowed;

    private ControlVerbs(final Map<String, ControlHandler> handlers, final String unavailable) {
        this.handlers = Collections.unmodifiableMap(new LinkedHashMap<>(handlers));
        this.unavailable = unavailable;
        this.allowed = String.join(", ", handlers.keySet());
    }

    /**
     * The router verbs, and the service verbs when {@code services} is given; without it the service verbs are
     * refused with a line saying this daemon runs no service cluster.
     */
    public static ControlVerbs of(final RouterControl routers, final ServiceControl services) {
        return of(routers, services, null);
    }

    /** As {@link #of(RouterControl, ServiceControl)}, with the verbs that ask the cluster's members when given. */
    public static ControlVerbs of(final RouterControl routers, final ServiceControl services,
                                  final ClusterQueries queries) {
        final Map<String, ControlHandler> handlers = new LinkedHashMap<>();
        RouterControl.VERBS.forEach(verb -> handlers.put(verb, routers));
        if (services != null) {
            ServiceControl.VERBS.forEach(verb -> handlers.put(verb, services));
        }
        if (queries != null) {
            ClusterQueries.VERBS.forEach(verb -> handlers.put(verb, queries));
            // These router verbs take an optional node: ClusterQueries runs them here or asks that member.
            ClusterQueries.NODE_VERBS.forEach(verb -> handlers.put(verb, queries::routerVerb));
        }
        return new ControlVerbs(handlers, services == null ? "this vrrpd runs without service clusters" : null);
    }

    /** These verbs and another handler for them, after this one's. */
    public ControlVerbs plus(final List<String> verbs, final ControlHandler handler) {
        final Map<String, ControlHandler> more = new LinkedHashMap<>(handlers);
        verbs.forEach(verb -> more.put(verb, handler));
        return new ControlVerbs(more, unavailable);
    }

    /** For tests and future handlers: verbs to their handlers, in the order the unknown-verb message lists them. */
    static ControlVerbs of(final Map<String, ControlHandler> handlers) {
        return new ControlVerbs(handlers, null);
    }

    @Override
    public JsonNode handle(final String verb, final JsonNode args) throws ControlException {
        final ControlHandler handler = handlers.get(verb);
        if (handler != null) {
            return handler.handle(verb, args);
        }
        if (unavailable != null && ServiceControl.VERBS.contains(verb)) {
            throw new ControlException(ControlException.Kind.UNSUPPORTED, verb + ": " + unavailable);
        }
        throw new ControlException(ControlException.Kind.UNSUPPORTED, "unknown verb '" + verb + "' (allowed: " + allowed + ")");
    }

    /** The verbs answered, in order. */
    public List<String> verbs() {
        return List.copyOf(handlers.keySet());
    }
}
