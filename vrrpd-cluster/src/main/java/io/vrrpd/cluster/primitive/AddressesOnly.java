package io.vrrpd.cluster.primitive;

import io.vrrpd.cluster.Primitive;
import io.vrrpd.cluster.PrimitiveResult;
import io.vrrpd.cluster.PrimitiveResult.Outcome;
import io.vrrpd.cluster.ServiceSpec;

import java.io.IOException;
import java.time.Duration;

/**
 * Type {@code ip}: the service is its addresses. The runner adds them on start, removes them on stop and checks them
 * for every type; this type adds nothing to start, stop and check, and its status text lists the addresses.
 */
record AddressesOnly() implements ServiceType {

    @Override
    public PrimitiveResult invoke(final ServiceSpec spec, final Primitive primitive, final Invocation invocation,
                                  final Duration timeout) {
        return switch (primitive) {
            case START, STOP, CHECK -> new PrimitiveResult(primitive, Outcome.SUCCESS, 0, 0, "", "");
            case STATUS -> status(spec);
            default -> ServiceType.notImplemented(primitive, -1, "type ip has no " + primitive.actionName());
        };
    }

    private static PrimitiveResult status(final ServiceSpec spec) {
        final long started = System.nanoTime();
        try {
            final ServiceAddresses.Presence presence = ServiceAddresses.presence(spec);
            final String text = "addresses on " + spec.link() + ": " + presence.describe();
            return new PrimitiveResult(Primitive.STATUS, Outcome.SUCCESS, 0, System.nanoTime() - started,
                    text + "\n", text);
        } catch (IOException e) {
            return new PrimitiveResult(Primitive.STATUS, Outcome.ERROR, -1, System.nanoTime() - started, "",
                    "cannot read the addresses of " + spec.link() + ": " + e.getMessage());
        }
    }
}
