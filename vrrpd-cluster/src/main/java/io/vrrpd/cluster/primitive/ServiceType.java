package io.vrrpd.cluster.primitive;

import io.vrrpd.cluster.Primitive;
import io.vrrpd.cluster.PrimitiveResult;
import io.vrrpd.cluster.ServiceSpec;

import java.time.Duration;

/**
 * The program part of a service type: what runs for a primitive besides the service's addresses, which the
 * {@link LocalPrimitiveRunner} handles for every type.
 */
sealed interface ServiceType permits TypeProgram, OcfAgent, SystemdUnit, ExecCommand, AddressesOnly {

    /**
     * Runs {@code primitive}. An outcome of {@link PrimitiveResult.Outcome#DEFAULTED} means "not implemented": the
     * runner then applies the ABI's default. Never throws for what a program did.
     */
    PrimitiveResult invoke(ServiceSpec spec, Primitive primitive, Invocation invocation, Duration timeout)
            throws InterruptedException;

    /** "Not implemented" for {@code primitive} (exit 4 for a program, -1 for a built-in type). */
    static PrimitiveResult notImplemented(final Primitive primitive, final int exitCode, final String why) {
        return new PrimitiveResult(primitive, PrimitiveResult.Outcome.DEFAULTED, exitCode, 0, "", why);
    }
}
