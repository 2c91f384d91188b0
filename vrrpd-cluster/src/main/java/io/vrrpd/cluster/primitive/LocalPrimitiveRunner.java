package io.vrrpd.cluster.primitive;

import io.vrrpd.cluster.Primitive;
import io.vrrpd.cluster.PrimitiveResult;
import io.vrrpd.cluster.PrimitiveResult.Outcome;
import io.vrrpd.cluster.ServiceSpec;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Runs primitives on this host (DESIGN.md §4, docs/PRIMITIVES.md). For every type:
 *
 * <ul>
 *   <li>start: the service's addresses are added to its link and announced (gratuitous ARP / unsolicited NA), then
 *       the type's start runs; if that fails the addresses are removed again (a service that did not start must
 *       not answer on its address);</li>
 *   <li>stop: the type's stop runs, then the addresses are removed, also when the stop failed (a stopped service
 *       must not keep its address; the result still reports the failed stop);</li>
 *   <li>check: where the service is started every address must be present, where it is stopped none may be
 *       (a present one is a stray copy: failing, so the daemon stops it); then the type's check;</li>
 *   <li>defaults when a type does not implement an action (a program's exit 4): restart = stop+start of the
 *       program (the addresses stay), reload = restart, activate/deactivate/join/leave/update = nothing, check =
 *       fine, cgi and status = no text; failed = not repaired, which is an {@link Outcome#ERROR}, since
 *       {@link PrimitiveResult#succeeded()} means "repaired" for failed; start and stop have no default.</li>
 * </ul>
 *
 * <p>Processes are started from the calling thread, and on Linux a child is forked from that thread: it is in the
 * calling thread's network namespace (verified by {@code ChildNamespaceTest}), as are the netlink and packet
 * sockets used for the addresses. Every run is logged in one line with its duration and result.
 */
public final class LocalPrimitiveRunner implements PrimitiveRunner, AutoCloseable {
    /** Where OCF agents are installed (OCF_ROOT). */
    public static final Path OCF_ROOT = Path.of("/usr/lib/ocf");
    /** systemctl, for type systemd. */
    public static final Path SYSTEMCTL = Path.of("/usr/bin/systemctl");

    private static final System.Logger LOG = System.getLogger(LocalPrimitiveRunner.class.getName());

    private final Timeouts timeouts;
    private final Path ocfRoot;
    private final Path systemctl;
    private final ExecCommand exec;
    private final ServiceCgroups cgroups;
    private final AddressesOnly addressesOnly = new AddressesOnly();
    private final Map<Path, Set<String>> ocfMetaData = OcfAgent.newCache();

    /** A runner with the default timeouts, OCF agents under /usr/lib/ocf and /usr/bin/systemctl. */
    public LocalPrimitiveRunner() {
        this(Timeouts.DEFAULTS);
    }

    public LocalPrimitiveRunner(final Timeouts timeouts) {
        this(timeouts, OCF_ROOT, SYSTEMCTL);
    }

    /**
     * @param timeouts  per-action time limits
     * @param ocfRoot   OCF_ROOT (agents under {@code resource.d/PROVIDER/AGENT})
     * @param systemctl the systemctl program for type systemd
     */
    public LocalPrimitiveRunner(final Timeouts timeouts, final Path ocfRoot, final Path systemctl) {
        this(timeouts, ocfRoot, systemctl, null);
    }

    /**
     * @param cgroups where each service's processes run (a cgroup per service), or null: process groups only (see
     *                {@link ServiceCgroups})
     */
    public LocalPrimitiveRunner(final Timeouts timeouts, final Path ocfRoot, final Path systemctl,
                                final ServiceCgroups cgroups) {
        this.cgroups = cgroups;
        this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
        this.ocfRoot = Objects.requireNonNull(ocfRoot, "ocfRoot");
        this.systemctl = Objects.requireNonNull(systemctl, "systemctl");
        this.exec = new ExecCommand(timeouts.execSettle());
    }

    public Timeouts timeouts() {
        return timeouts;
    }

    @Override
    public PrimitiveResult run(final ServiceSpec spec, final Primitive primitive, final Invocation invocation)
            throws InterruptedException {
        final long started = System.nanoTime();
        final ServiceType type = typeOf(spec);
        final PrimitiveResult result = switch (primitive) {
            case START -> start(spec, type, invocation);
            case STOP -> stop(spec, type, invocation);
            case CHECK -> check(spec, type, invocation);
            case RESTART -> restart(spec, type, invocation);
            case RELOAD -> reload(spec, type, invocation);
            default -> orDefault(spec, type, primitive, invocation);
        };
        final PrimitiveResult timed = new PrimitiveResult(primitive, result.outcome(), result.exitCode(),
                System.nanoTime() - started, result.output(), result.detail());
        log(spec, timed);
        return timed;
    }

    /** Stops every {@code exec} command this runner supervises (daemon shutdown), each within the stop timeout. */
    @Override
    public void close() {
        exec.stopAll(timeouts.stop());
    }

    /** The type of {@code spec}: built-in name, OCF agent or type program (the spec validated the form). */
    ServiceType typeOf(final ServiceSpec spec) {
        final String type = spec.type();
        if (type.equals("ip")) {
            return addressesOnly;
        }
        if (type.equals("systemd")) {
            return new SystemdUnit(systemctl);
        }
        if (type.equals("exec")) {
            return exec;
        }
        if (type.startsWith("ocf:")) {
            return OcfAgent.of(ocfRoot, type, ocfMetaData);
        }
        return new TypeProgram(Path.of(type));
    }

    /** The exec supervisor, for tests: the pid of a service's command. */
    java.util.OptionalLong execPid(final String service) {
        return exec.pid(service);
    }

    private PrimitiveResult invoke(final ServiceSpec spec, final ServiceType type, final Primitive primitive,
                                   final Invocation invocation) throws InterruptedException {
        // A systemd unit runs in systemd's cgroup (its stop is systemctl's), an ip service runs nothing.
        if (cgroups == null || type instanceof SystemdUnit || type instanceof AddressesOnly) {
            return type.invoke(spec, primitive, invocation, timeouts.of(primitive, spec));
        }
        final Path cgroup;
        try {
            cgroup = cgroups.create(spec.name());
        } catch (IOException e) {
            // Never run a service's program outside its cgroup: a fence could not kill it.
            return new PrimitiveResult(primitive, Outcome.NOT_STARTED, -1, 0, "", "cannot create the cgroup "
                    + cgroups.of(spec.name()) + ": " + e.getMessage());
        }
        return ScopedValue.where(ServiceCgroups.CURRENT, cgroup)
                .call(() -> type.invoke(spec, primitive, invocation, timeouts.of(primitive, spec)));
    }

    @Override
    public String releaseAddresses(final ServiceSpec spec) {
        return spec.addresses().isEmpty() ? "" : removeAddresses(spec).replaceFirst("^; ", "");
    }

    @Override
    public String kill(final ServiceSpec spec) {
        if (cgroups == null) {
            return "no cgroup (cgroup2 not writable): only the primitives' own timeouts stop its processes";
        }
        if (typeOf(spec) instanceof SystemdUnit) {
            return ""; // systemd's business: the unit's own cgroup, stopped by the stop primitive
        }
        try {
            ServiceCgroups.kill(cgroups.of(spec.name()), 2000);
            return "";
        } catch (IOException e) {
            return e.getMessage();
        }
    }

    @Override
    public java.util.Optional<Path> cgroup(final String service) {
        return cgroups == null ? java.util.Optional.empty() : java.util.Optional.of(cgroups.of(service));
    }

    private PrimitiveResult start(final ServiceSpec spec, final ServiceType type, final Invocation invocation)
            throws InterruptedException {
        if (!spec.addresses().isEmpty()) {
            try {
                ServiceAddresses.add(spec);
                ServiceAddresses.announce(spec);
            } catch (IOException e) {
                final String cleanup = removeAddresses(spec);
                return new PrimitiveResult(Primitive.START, Outcome.ERROR, -1, 0, "", "addresses "
                        + ServiceAddresses.join(spec.addresses()) + " on " + spec.link() + ": " + e.getMessage()
                        + cleanup);
            }
        }
        final PrimitiveResult result = startProgram(spec, type, invocation);
        if (!result.succeeded() && !spec.addresses().isEmpty()) {
            return withDetail(result, result.detail() + "; addresses removed again" + removeAddresses(spec));
        }
        return result;
    }

    private PrimitiveResult startProgram(final ServiceSpec spec, final ServiceType type, final Invocation invocation)
            throws InterruptedException {
        final PrimitiveResult result = invoke(spec, type, Primitive.START, invocation);
        return result.outcome() == Outcome.DEFAULTED ? noDefault(result) : result;
    }

    private PrimitiveResult stop(final ServiceSpec spec, final ServiceType type, final Invocation invocation)
            throws InterruptedException {
        PrimitiveResult result = stopProgram(spec, type, invocation);
        if (!spec.addresses().isEmpty()) {
            final String failure = removeAddresses(spec);
            if (!failure.isEmpty()) {
                result = new PrimitiveResult(Primitive.STOP, Outcome.ERROR, result.exitCode(), 0, result.output(),
                        result.succeeded() ? failure.substring(2) : result.detail() + failure);
            }
        }
        return result;
    }

    private PrimitiveResult stopProgram(final ServiceSpec spec, final ServiceType type, final Invocation invocation)
            throws InterruptedException {
        final PrimitiveResult result = invoke(spec, type, Primitive.STOP, invocation);
        return result.outcome() == Outcome.DEFAULTED ? noDefault(result) : result;
    }

    /** "" when every address is off the link, else {@code "; cannot remove addresses: WHY"}. */
    private static String removeAddresses(final ServiceSpec spec) {
        try {
            ServiceAddresses.remove(spec);
            return "";
        } catch (IOException e) {
            return "; cannot remove addresses " + ServiceAddresses.join(spec.addresses()) + " from " + spec.link()
                    + ": " + e.getMessage();
        }
    }

    private PrimitiveResult check(final ServiceSpec spec, final ServiceType type, final Invocation invocation)
            throws InterruptedException {
        if (!spec.addresses().isEmpty()) {
            final boolean shouldRun = ServiceEnvironment.shouldRun(invocation);
            try {
                final ServiceAddresses.Presence presence = ServiceAddresses.presence(spec);
                if (shouldRun && !presence.missing().isEmpty()) {
                    return new PrimitiveResult(Primitive.CHECK, Outcome.CHECK_FAILING, -1, 0, "", "addresses on "
                            + spec.link() + ": " + presence.describe() + " although started here");
                }
                if (!shouldRun && !presence.present().isEmpty()) {
                    return new PrimitiveResult(Primitive.CHECK, Outcome.CHECK_FAILING, -1, 0, "", "addresses on "
                            + spec.link() + ": " + presence.describe() + " although stopped here");
                }
            } catch (IOException e) {
                return new PrimitiveResult(Primitive.CHECK, Outcome.CHECK_FAILING, -1, 0, "",
                        "cannot read the addresses of " + spec.link() + ": " + e.getMessage());
            }
        }
        final PrimitiveResult result = invoke(spec, type, Primitive.CHECK, invocation);
        return result.outcome() == Outcome.DEFAULTED ? withDetail(result, result.detail() + ": fine") : result;
    }

    private PrimitiveResult restart(final ServiceSpec spec, final ServiceType type, final Invocation invocation)
            throws InterruptedException {
        final PrimitiveResult result = invoke(spec, type, Primitive.RESTART, invocation);
        return result.outcome() == Outcome.DEFAULTED ? stopThenStart(spec, type, invocation, Primitive.RESTART,
                result.detail()) : result;
    }

    private PrimitiveResult reload(final ServiceSpec spec, final ServiceType type, final Invocation invocation)
            throws InterruptedException {
        final PrimitiveResult result = invoke(spec, type, Primitive.RELOAD, invocation);
        if (result.outcome() != Outcome.DEFAULTED) {
            return result;
        }
        final PrimitiveResult restart = invoke(spec, type, Primitive.RESTART, invocation);
        if (restart.outcome() != Outcome.DEFAULTED) {
            final String what = result.detail() + "; restarted instead: " + restart.detail();
            return new PrimitiveResult(Primitive.RELOAD, restart.succeeded() ? Outcome.DEFAULTED : restart.outcome(),
                    restart.exitCode(), 0, restart.output(), what);
        }
        return stopThenStart(spec, type, invocation, Primitive.RELOAD, result.detail() + "; " + restart.detail());
    }

    /** The default of restart (and of reload without restart): the program's stop, then its start. */
    private PrimitiveResult stopThenStart(final ServiceSpec spec, final ServiceType type, final Invocation invocation,
                                          final Primitive primitive, final String why) throws InterruptedException {
        final PrimitiveResult stop = stopProgram(spec, type, invocation);
        if (!stop.succeeded()) {
            return new PrimitiveResult(primitive, stop.outcome(), stop.exitCode(), 0, stop.output(),
                    why + "; default stop+start: stop failed: " + stop.detail());
        }
        final PrimitiveResult start = startProgram(spec, type, invocation);
        if (!start.succeeded()) {
            return new PrimitiveResult(primitive, start.outcome(), start.exitCode(), 0, start.output(),
                    why + "; default stop+start: start failed: " + start.detail());
        }
        return new PrimitiveResult(primitive, Outcome.DEFAULTED, 0, 0, start.output(),
                why + "; default: stopped and started");
    }

    private PrimitiveResult orDefault(final ServiceSpec spec, final ServiceType type, final Primitive primitive,
                                      final Invocation invocation) throws InterruptedException {
        final PrimitiveResult result = invoke(spec, type, primitive, invocation);
        if (result.outcome() != Outcome.DEFAULTED) {
            return result;
        }
        return switch (primitive) {
            // failed's default is "not repaired": not a success, since succeeded() means repaired for failed.
            case FAILED -> new PrimitiveResult(primitive, Outcome.ERROR, result.exitCode(), 0, result.output(),
                    result.detail() + ": not repaired");
            case STATUS, CGI -> new PrimitiveResult(primitive, Outcome.DEFAULTED, result.exitCode(), 0, "",
                    result.detail() + ": no text");
            default -> withDetail(result, result.detail() + ": nothing to do");
        };
    }

    /** start and stop have no default: a program that does not implement them is broken. */
    private static PrimitiveResult noDefault(final PrimitiveResult result) {
        return new PrimitiveResult(result.primitive(), Outcome.ERROR, result.exitCode(), result.durationNanos(),
                result.output(), result.detail() + ": " + result.primitive().actionName()
                + " has no default, a type must implement start and stop");
    }

    private static PrimitiveResult withDetail(final PrimitiveResult result, final String detail) {
        return new PrimitiveResult(result.primitive(), result.outcome(), result.exitCode(), result.durationNanos(),
                result.output(), detail);
    }

    private static void log(final ServiceSpec spec, final PrimitiveResult result) {
        final System.Logger.Level level = switch (result.outcome()) {
            case SUCCESS, DEFAULTED -> System.Logger.Level.INFO;
            case CHECK_FAILING, CHECK_FAILED, ERROR, TIMEOUT, NOT_STARTED -> System.Logger.Level.WARNING;
        };
        // A successful periodic check, and the status and cgi reads that refresh show-service and the panel, are
        // the common case: keep them out of the default log.
        final boolean routine = result.primitive() == Primitive.CHECK || result.primitive() == Primitive.STATUS
                || result.primitive() == Primitive.CGI;
        final System.Logger.Level effective = routine && result.succeeded() ? System.Logger.Level.DEBUG : level;
        LOG.log(effective, () -> "service " + spec.name() + " (" + spec.type() + "): " + result.primitive()
                .actionName() + " " + result.outcome() + " exit " + result.exitCode() + " in "
                + Duration.ofNanos(result.durationNanos()).toMillis() + " ms"
                + (result.detail().isEmpty() ? "" : ": " + result.detail()));
    }
}
