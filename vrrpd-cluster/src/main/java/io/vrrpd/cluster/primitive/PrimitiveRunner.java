package io.vrrpd.cluster.primitive;

import io.vrrpd.cluster.Primitive;
import io.vrrpd.cluster.PrimitiveResult;
import io.vrrpd.cluster.ServiceSpec;

import java.nio.file.Path;
import java.util.Optional;

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

    /**
     * Self-fence, first step: takes the service's addresses off its link now (netlink), whatever primitive runs.
     * Returns "" or why it failed.
     */
    default String releaseAddresses(final ServiceSpec spec) {
        return "";
    }

    /**
     * Self-fence, last step: SIGKILL to every process the service's primitives started (its cgroup), and waits
     * until they are gone. Returns "" or why it failed (or why it cannot: no cgroup).
     */
    default String kill(final ServiceSpec spec) {
        return "";
    }

    /** The cgroup the processes of {@code service} run in, for the supervisor and the fence guard; empty without. */
    default Optional<Path> cgroup(final String service) {
        return Optional.empty();
    }
}
