package io.vrrpd.daemon.health;

import io.vrrpd.daemon.config.Dependency;

import java.util.ArrayList;
import java.util.List;

/**
 * What a router's dependencies say about it, as {@link HealthMonitor} reports it.
 *
 * <ul>
 *   <li>{@code hardOk}: every hard dependency is healthy, so the router may be online. A dependency that was
 *       not checked yet, or has not risen yet, is not healthy ("unknown = unmet").</li>
 *   <li>{@code unmet}: the first hard dependency that is not healthy, in operator words
 *       ({@code tcp:127.0.0.1:80: connection refused}, {@code systemd:nginx.service is failed},
 *       {@code exec:/usr/local/bin/check: not checked yet}); null when {@code hardOk}.</li>
 *   <li>{@code priorityReduction}: the sum of the weights of the weighted checks that are not healthy (not
 *       capped: the router keeps its effective priority within 1-254).</li>
 *   <li>{@code causes}: those weighted checks with their weights, in dependency order
 *       ({@code http://127.0.0.1/health -20: status 503}).</li>
 *   <li>{@code flapping}: a hard dependency changed state too often (the router goes to {@code maintenance}
 *       until the operator clears it); {@code flapCause} says which and how often, null when not flapping.</li>
 * </ul>
 */
public record Health(boolean hardOk, String unmet, int priorityReduction, List<String> causes, boolean flapping,
                     String flapCause) {

    /** No dependencies: online at the configured priority. */
    public static final Health OK = new Health(true, null, 0, List.of(), false, null);

    public Health {
        causes = List.copyOf(causes);
        if (hardOk != (unmet == null) || flapping != (flapCause != null) || priorityReduction < 0) {
            throw new IllegalArgumentException("inconsistent health: hardOk " + hardOk + ", unmet " + unmet
                    + ", flapping " + flapping + ", flapCause " + flapCause + ", reduction " + priorityReduction);
        }
    }

    /**
     * The health of dependencies not checked yet: every one of them unmet. What a router is before its
     * {@link HealthMonitor.Listener} first hears from the monitor.
     */
    public static Health initial(final List<Dependency> dependencies) {
        return of(dependencies.stream().map(CheckState::new).toList(), null);
    }

    /** The health of {@code checks} (monitor thread), with the flapping cause if the router flapped. */
    static Health of(final List<CheckState> checks, final String flapCause) {
        String unmet = null;
        int reduction = 0;
        final List<String> causes = new ArrayList<>();
        for (final CheckState check : checks) {
            if (check.met()) {
                continue;
            }
            final Dependency dependency = check.dependency();
            if (dependency.weighted()) {
                reduction += dependency.weight();
                causes.add(describe(dependency, check.reason()));
            } else if (unmet == null) {
                unmet = describe(dependency, check.reason());
            }
        }
        return new Health(unmet == null, unmet, reduction, causes, flapCause != null, flapCause);
    }

    /**
     * A dependency and why it is not healthy: {@code LABEL[ -WEIGHT]: REASON}, or {@code LABEL[ -WEIGHT] REASON}
     * when the reason is a predicate ({@code is failed}).
     */
    static String describe(final Dependency dependency, final String reason) {
        final String name = dependency.weighted() ? dependency.label() + " -" + dependency.weight()
                : dependency.label();
        return reason.startsWith("is ") ? name + " " + reason : name + ": " + reason;
    }
}
