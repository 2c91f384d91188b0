package io.vrrpd.cluster.engine;

import io.vrrpd.cluster.Primitive;
import io.vrrpd.cluster.PrimitiveResult;
import io.vrrpd.cluster.ServiceSpec;
import io.vrrpd.cluster.primitive.Invocation;
import io.vrrpd.cluster.primitive.PrimitiveRunner;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The engine tests' stand-in for the primitive runner: records every run and keeps a ledger of where each service
 * is running (start succeeded, no stop since), so a test can assert "at most one copy" at any moment. Outcomes can
 * be scripted per node and primitive. The real runner (processes, OCF agents) has its own tests; these test the
 * placement and lifecycle logic.
 */
final class ScriptedRunner {
    /** One run, with the configuration the host ran it with. */
    record Run(String node, String service, Primitive primitive, Invocation invocation, ServiceSpec spec) {
    }

    final List<Run> runs = java.util.Collections.synchronizedList(new ArrayList<>());
    /** service -> nodes where it runs now. */
    final Map<String, Set<String>> running = new ConcurrentHashMap<>();
    /** "node/primitive" -> scripted outcome (default SUCCESS). */
    final Map<String, PrimitiveResult.Outcome> script = new ConcurrentHashMap<>();
    /** "node/primitive" -> extra milliseconds the run takes. */
    final Map<String, Long> slow = new ConcurrentHashMap<>();
    volatile int maxConcurrent;
    /** What status prints (default {@code running on NODE}). */
    volatile String statusText;
    /** The self-fence's steps as they happen: "node/service/release", ".../kill", ".../stop-begin", with when. */
    record Event(String what, long nanos) {
    }

    final List<Event> events = java.util.Collections.synchronizedList(new ArrayList<>());
    /** "node/service" -> the threads running one of its primitives now: a kill interrupts them (SIGKILL). */
    private final Map<String, Set<Thread>> inside = new ConcurrentHashMap<>();

    PrimitiveRunner on(final String node) {
        return new PrimitiveRunner() {
            @Override
            public PrimitiveResult run(final ServiceSpec spec, final Primitive primitive, final Invocation invocation)
                    throws InterruptedException {
                return ScriptedRunner.this.run(node, spec, primitive, invocation);
            }

            @Override
            public String releaseAddresses(final ServiceSpec spec) {
                events.add(new Event(node + "/" + spec.name() + "/release", System.nanoTime()));
                return "";
            }

            @Override
            public String kill(final ServiceSpec spec) {
                events.add(new Event(node + "/" + spec.name() + "/kill", System.nanoTime()));
                final Set<String> where = running.get(spec.name());
                if (where != null) {
                    where.remove(node); // the cgroup is empty: the copy is gone
                }
                inside.getOrDefault(node + "/" + spec.name(), Set.of()).forEach(Thread::interrupt);
                return "";
            }
        };
    }

    /** When the first event {@code what} happened, or -1. */
    long when(final String what) {
        synchronized (events) {
            return events.stream().filter(e -> e.what().equals(what)).mapToLong(Event::nanos).findFirst().orElse(-1);
        }
    }

    private PrimitiveResult run(final String node, final ServiceSpec spec, final Primitive primitive,
                                final Invocation invocation) throws InterruptedException {
        runs.add(new Run(node, spec.name(), primitive, invocation, spec));
        events.add(new Event(node + "/" + spec.name() + "/" + primitive.actionName() + "-begin", System.nanoTime()));
        final Long delay = slow.get(node + "/" + primitive.actionName());
        if (delay != null) {
            final Set<Thread> threads = inside.computeIfAbsent(node + "/" + spec.name(),
                    k -> ConcurrentHashMap.newKeySet());
            threads.add(Thread.currentThread());
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                // killed with the service's cgroup (see kill): the program died with SIGKILL
                return new PrimitiveResult(primitive, PrimitiveResult.Outcome.ERROR, 137, 1_000_000, "",
                        "killed by SIGKILL");
            } finally {
                threads.remove(Thread.currentThread());
            }
        }
        final PrimitiveResult.Outcome outcome = script.getOrDefault(node + "/" + primitive.actionName(),
                primitive == Primitive.FAILED ? PrimitiveResult.Outcome.ERROR : PrimitiveResult.Outcome.SUCCESS);
        if (outcome == PrimitiveResult.Outcome.SUCCESS && primitive == Primitive.START) {
            final Set<String> where = running.computeIfAbsent(spec.name(), k -> ConcurrentHashMap.newKeySet());
            where.add(node);
            maxConcurrent = Math.max(maxConcurrent, where.size());
        }
        if (primitive == Primitive.STOP && (outcome == PrimitiveResult.Outcome.SUCCESS
                || outcome == PrimitiveResult.Outcome.DEFAULTED)) {
            // Only a stop that worked ends the copy: a failed or timed-out one may leave it running (the issue-10 case
            // of a type whose stop exits 1 while its process goes on).
            final Set<String> where = running.get(spec.name());
            if (where != null) {
                where.remove(node);
            }
        }
        final int exit = switch (outcome) {
            case SUCCESS, DEFAULTED -> 0;
            case CHECK_FAILING -> 2;
            case CHECK_FAILED -> 3;
            case TIMEOUT, NOT_STARTED -> -1;
            case ERROR -> 1;
        };
        return new PrimitiveResult(primitive, outcome, exit, 1_000_000, primitive == Primitive.STATUS
                ? (statusText != null ? statusText : "running on " + node) : "", outcome == PrimitiveResult.Outcome.SUCCESS ? "exit 0" : "exit " + exit);
    }

    /** Forgets a crashed node's copies (its processes died with it). */
    void crashed(final String node) {
        running.values().forEach(s -> s.remove(node));
    }

    List<Run> runs(final String service, final Primitive primitive) {
        synchronized (runs) {
            return runs.stream().filter(r -> r.service().equals(service) && r.primitive() == primitive).toList();
        }
    }
}
