package io.vrrpd.cluster.primitive;

import io.vrrpd.cluster.Primitive;
import io.vrrpd.cluster.ServiceSpec;
import io.vrrpd.cluster.ServiceState;
import io.vrrpd.protocol.IpPrefix;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The environment of a primitive run (DESIGN.md §4), added to the daemon's own:
 *
 * <ul>
 *   <li>{@code VRRPD_SERVICE} the service's name; {@code VRRPD_NODE} this node;</li>
 *   <li>{@code VRRPD_NODES} the active nodes, <em>space</em>-separated (node names hold no blanks, and a shell
 *       splits it with a plain {@code for n in $VRRPD_NODES}; Pacemaker's notify lists are space-separated too);</li>
 *   <li>{@code VRRPD_ADDRESSES} the service's addresses as {@code ADDR/PLEN}, space-separated ("" when none);
 *       {@code VRRPD_LINK} their interface, when there are addresses (an addition to the ABI's list, so a type
 *       program can find them);</li>
 *   <li>{@code VRRPD_PROP_<KEY>} per property, KEY exactly as the property is spelled (not upper-cased: keys are
 *       case-sensitive and {@code OCF_RESKEY_<key>} keeps the spelling too);</li>
 *   <li>{@code VRRPD_PEER} for join and leave; {@code VRRPD_STATE} ({@code started} or {@code stopped}) for
 *       check.</li>
 *   <li>for cgi, the CGI/1.1 variables (RFC 3875) of the panel's request: {@code GATEWAY_INTERFACE=CGI/1.1},
 *       {@code SERVER_SOFTWARE=vrrpd}, {@code REQUEST_METHOD} ({@code GET} or {@code POST}), {@code QUERY_STRING}
 *       (always set, "" when none), {@code CONTENT_TYPE} and {@code CONTENT_LENGTH} (bytes on stdin) when there is
 *       a body.</li>
 * </ul>
 */
public final class ServiceEnvironment {
    private ServiceEnvironment() {
    }

    /** The variables for running {@code primitive} of {@code spec} with {@code invocation}. */
    public static Map<String, String> of(final ServiceSpec spec, final Primitive primitive,
                                         final Invocation invocation) {
        final Map<String, String> env = new LinkedHashMap<>();
        env.put("VRRPD_SERVICE", spec.name());
        env.put("VRRPD_NODE", invocation.node());
        env.put("VRRPD_NODES", String.join(" ", invocation.activeNodes()));
        env.put("VRRPD_ADDRESSES", spec.addresses().stream().map(IpPrefix::toString)
                .collect(Collectors.joining(" ")));
        if (spec.link() != null) {
            env.put("VRRPD_LINK", spec.link());
        }
        spec.properties().forEach((key, value) -> env.put("VRRPD_PROP_" + key, value));
        if ((primitive == Primitive.JOIN || primitive == Primitive.LEAVE) && invocation.peer() != null) {
            env.put("VRRPD_PEER", invocation.peer());
        }
        if (primitive == Primitive.CHECK) {
            env.put("VRRPD_STATE", shouldRun(invocation) ? "started" : "stopped");
        }
        if (primitive == Primitive.CGI) {
            cgi(env, invocation.cgiRequest());
        }
        return env;
    }

    private static void cgi(final Map<String, String> env, final CgiRequest request) {
        env.put("GATEWAY_INTERFACE", "CGI/1.1");
        env.put("SERVER_SOFTWARE", "vrrpd");
        env.put("REQUEST_METHOD", request.method());
        env.put("QUERY_STRING", request.query());
        if (!request.body().isEmpty() || !request.contentType().isEmpty()) {
            env.put("CONTENT_LENGTH", Integer.toString(request.bodyBytes().length));
            if (!request.contentType().isEmpty()) {
                env.put("CONTENT_TYPE", request.contentType());
            }
        }
    }

    /**
     * Whether the service is meant to be running here: started, or starting (a check racing a start must not call
     * it stray). Failed, stopping, stopped and unknown all mean "must not run here".
     */
    public static boolean shouldRun(final Invocation invocation) {
        return invocation.state() == ServiceState.STARTED || invocation.state() == ServiceState.STARTING;
    }
}
