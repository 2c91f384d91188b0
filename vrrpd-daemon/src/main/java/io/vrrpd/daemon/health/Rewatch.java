package io.vrrpd.daemon.health;

import io.vrrpd.daemon.config.Dependency;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.BiPredicate;
import java.util.function.Function;

/**
 * How a re-watch ({@code modify-router --depends}, a reload) pairs a router's new dependencies with the ones it
 * had, so what is known survives (issue 12, hitless changes). Pure. An equal dependency (same SPEC, options
 * included) is <em>kept</em> as it is: verdict, counters and running check. One with the same label (kind and
 * target) and other options is <em>changed</em>: its verdict is carried over. Any other is new. The old ones
 * left over are <em>dropped</em>. Equal ones are paired first, so a changed dependency never takes the one an
 * unchanged twin would keep.
 */
final class Rewatch {
    private Rewatch() {
    }

    /**
     * One new dependency and what it continues.
     *
     * @param dependency the new dependency
     * @param kept       the old one equal to it, or null
     * @param changed    the old one with its label and other options (when not kept), or null
     */
    record Pair<T>(Dependency dependency, T kept, T changed) {
    }

    /** The pairs in the order of the new dependencies, and the old ones nothing continues. */
    record Result<T>(List<Pair<T>> pairs, List<T> dropped) {
    }

    static <T> Result<T> pair(final List<Dependency> dependencies, final List<T> old,
                              final Function<T, Dependency> dependencyOf) {
        final List<T> left = new ArrayList<>(old);
        final List<T> kept = new ArrayList<>(dependencies.size());
        for (final Dependency dependency : dependencies) {
            kept.add(take(left, dependency, dependencyOf, Dependency::equals));
        }
        final List<Pair<T>> pairs = new ArrayList<>(dependencies.size());
        for (int i = 0; i < dependencies.size(); i++) {
            final Dependency dependency = dependencies.get(i);
            final T changed = kept.get(i) != null ? null
                    : take(left, dependency, dependencyOf, (a, b) -> a.label().equals(b.label()));
            pairs.add(new Pair<>(dependency, kept.get(i), changed));
        }
        return new Result<>(pairs, left);
    }

    private static <T> T take(final List<T> from, final Dependency dependency, final Function<T, Dependency> dependencyOf,
                              final BiPredicate<Dependency, Dependency> same) {
        for (final Iterator<T> it = from.iterator(); it.hasNext(); ) {
            final T candidate = it.next();
            if (same.test(dependencyOf.apply(candidate), dependency)) {
                it.remove();
                return candidate;
            }
        }
        return null;
    }
}
