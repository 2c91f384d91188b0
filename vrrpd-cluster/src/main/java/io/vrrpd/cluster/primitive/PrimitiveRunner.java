package io.vrrpd.cluster.primitive;

import io.vrrpd.cluster.Primitive;
import io.vrrpd.cluster.PrimitiveResult;
import io.vrrpd.cluster.ServiceSpec;

/**
 * Runs service primitives on this host (DESIGN.md §4): resolves the spec's type (built-in, OCF agent or type
 * program), adds the service's addresses before {@code start} and removes them after {@code stop}, builds the
 * environment, enforces the action's timeout (killing the process group), applies the default when a program
 * exits 4, and logs every run with its duration and result.
 *
 * <p>Blocking: the caller runs it off any latency-sensitive thread. Never throws for anything a program or the
 * system did: that is a result ({@link PrimitiveResult.Outcome#ERROR}, {@code TIMEOUT}, {@code NOT_STARTED}).
 */
public interface PrimitiveRunner {

    /** Runs {@code primitive} for {@code spec} with the cluster facts of {@code invocation}. */
    PrimitiveResult run(ServiceSpec spec, Primitive primitive, Invocation invocation) throws InterruptedException;
}
