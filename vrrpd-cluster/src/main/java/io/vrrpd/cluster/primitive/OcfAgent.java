package io.vrrpd.cluster.primitive;

import io.vrrpd.cluster.Primitive;
import io.vrrpd.cluster.PrimitiveResult;
import io.vrrpd.cluster.PrimitiveResult.Outcome;
import io.vrrpd.cluster.ServiceSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An OCF resource agent, type {@code ocf:PROVIDER:AGENT}: {@code OCF_ROOT/resource.d/PROVIDER/AGENT ACTION}, with
 * the OCF environment (OCF_ROOT, OCF_RESOURCE_INSTANCE = service name, OCF_RESKEY_key = value per property,
 * OCF_RESKEY_CRM_meta_timeout in ms) on top of the service environment.
 *
 * <p>Action mapping: start, stop as such; check and status are {@code monitor}; reload is {@code reload} and update
 * is {@code reload-agent} when the agent's meta-data lists them (else the ABI default); join/leave are a
 * post-{@code notify} (start resp. stop of the peer) when the agent lists notify (else nothing); the rest have the
 * ABI defaults. OCF exit codes (ocf-returncodes) are translated, never passed through: OCF's 3 and 4 mean
 * something else than the ABI's.
 */
record OcfAgent(Path ocfRoot, String provider, String agent, Map<Path, Set<String>> metaDataCache)
        implements ServiceType {

    static final int OCF_SUCCESS = 0;
    static final int OCF_ERR_GENERIC = 1;
    static final int OCF_ERR_ARGS = 2;
    static final int OCF_ERR_UNIMPLEMENTED = 3;
    static final int OCF_ERR_PERM = 4;
    static final int OCF_ERR_INSTALLED = 5;
    static final int OCF_ERR_CONFIGURED = 6;
    static final int OCF_NOT_RUNNING = 7;
    static final int OCF_RUNNING_MASTER = 8;
    static final int OCF_FAILED_MASTER = 9;
    private static final List<String> NAMES = List.of("OCF_SUCCESS", "OCF_ERR_GENERIC", "OCF_ERR_ARGS",
            "OCF_ERR_UNIMPLEMENTED", "OCF_ERR_PERM", "OCF_ERR_INSTALLED", "OCF_ERR_CONFIGURED", "OCF_NOT_RUNNING",
            "OCF_RUNNING_MASTER", "OCF_FAILED_MASTER");
    private static final Pattern ACTION = Pattern.compile("<action\\s+name=\"([^\"]+)\"");
    /** ocf_exit_reason's prefix (ocf-shellfuncs): the agent's own one-line reason for a failure. */
    private static final String EXIT_REASON = "ocf-exit-reason:";
    private static final Duration META_DATA_TIMEOUT = Duration.ofSeconds(10);

    /** The agent named by {@code type} ({@code ocf:PROVIDER:AGENT}) under {@code ocfRoot}. */
    static OcfAgent of(final Path ocfRoot, final String type, final Map<Path, Set<String>> metaDataCache) {
        final String[] parts = type.split(":", 3);
        return new OcfAgent(ocfRoot, parts[1], parts[2], metaDataCache);
    }

    /** {@code OCF_ROOT/resource.d/PROVIDER/AGENT}. */
    Path path() {
        return ocfRoot.resolve("resource.d").resolve(provider).resolve(agent);
    }

    /** {@code 7 OCF_NOT_RUNNING}-style name of an OCF exit code. */
    static String codeName(final int code) {
        return code >= 0 && code < NAMES.size() ? NAMES.get(code) + " (" + code + ")" : "exit " + code;
    }

    @Override
    public PrimitiveResult invoke(final ServiceSpec spec, final Primitive primitive, final Invocation invocation,
                                  final Duration timeout) throws InterruptedException {
        final Path path = path();
        if (!Files.isRegularFile(path) || !Files.isExecutable(path)) {
            return new PrimitiveResult(primitive, Outcome.NOT_STARTED, -1, 0, "", "OCF agent " + path
                    + " is not installed: type ocf:" + provider + ":" + agent + " needs an executable agent there"
                    + " (Debian: package resource-agents)");
        }
        return switch (primitive) {
            case START, STOP -> plain(spec, primitive, invocation, primitive.actionName(), timeout);
            case CHECK -> check(spec, invocation, timeout);
            case STATUS -> status(spec, invocation, timeout);
            case RELOAD -> optional(spec, primitive, invocation, "reload", timeout);
            case UPDATE -> optional(spec, primitive, invocation, "reload-agent", timeout);
            case JOIN, LEAVE -> notify(spec, primitive, invocation, timeout);
            default -> ServiceType.notImplemented(primitive, -1, "ocf agents have no " + primitive.actionName());
        };
    }

    private PrimitiveResult plain(final ServiceSpec spec, final Primitive primitive, final Invocation invocation,
                                  final String action, final Duration timeout) throws InterruptedException {
        final ProgramRun run = run(spec, primitive, invocation, action, timeout, Map.of());
        final PrimitiveResult abnormal = run.abnormal(primitive);
        if (abnormal != null) {
            return abnormal;
        }
        if (run.exitCode() == OCF_SUCCESS) {
            return run.result(primitive, Outcome.SUCCESS, run.firstLine());
        }
        if (run.exitCode() == OCF_ERR_UNIMPLEMENTED && primitive != Primitive.START && primitive != Primitive.STOP) {
            return run.result(primitive, Outcome.DEFAULTED, action + ": " + codeName(run.exitCode()));
        }
        return run.result(primitive, Outcome.ERROR, action + ": " + detail(run));
    }

    /**
     * monitor as check. Running (0, 8) is fine where the service is started, and a stray copy where it is stopped
     * (failing: the daemon stops it, so no second copy stays up). Not running (7) is fine where it is stopped and
     * failing where it is started. OCF_ERR_GENERIC and OCF_FAILED_MASTER are soft failures: failing, so the stop
     * cleans up. The hard and fatal errors (args, unimplemented, perm, installed, configured) mean this node cannot
     * run it: where it is started the stop still runs (a stop is OCF's force operation), where it is stopped it is
     * "already failed", marked failed without a stop, so placement avoids this node.
     */
    private PrimitiveResult check(final ServiceSpec spec, final Invocation invocation, final Duration timeout)
            throws InterruptedException {
        final boolean shouldRun = ServiceEnvironment.shouldRun(invocation);
        // Where it is stopped the check is a probe (interval 0): agents then tolerate missing components.
        final long interval = shouldRun ? (spec.checkIntervalMillis() > 0 ? spec.checkIntervalMillis()
                : ServiceSpec.DEFAULT_CHECK_MS) : 0;
        final ProgramRun run = run(spec, Primitive.CHECK, invocation, "monitor", timeout,
                Map.of("OCF_RESKEY_CRM_meta_interval", Long.toString(interval)));
        final PrimitiveResult abnormal = run.abnormal(Primitive.CHECK);
        if (abnormal != null) {
            return abnormal;
        }
        return translateMonitor(run, shouldRun);
    }

    static PrimitiveResult translateMonitor(final ProgramRun run, final boolean shouldRun) {
        final Primitive check = Primitive.CHECK;
        final int code = run.exitCode();
        final String what = "monitor: " + detail(run);
        return switch (code) {
            case OCF_SUCCESS, OCF_RUNNING_MASTER -> shouldRun
                    ? run.result(check, Outcome.SUCCESS, what)
                    : run.result(check, Outcome.CHECK_FAILING, what + "; running although stopped here");
            case OCF_NOT_RUNNING -> shouldRun
                    ? run.result(check, Outcome.CHECK_FAILING, what + "; not running although started here")
                    : run.result(check, Outcome.SUCCESS, what);
            case OCF_ERR_GENERIC, OCF_FAILED_MASTER -> run.result(check, Outcome.CHECK_FAILING, what);
            case OCF_ERR_ARGS, OCF_ERR_UNIMPLEMENTED, OCF_ERR_PERM, OCF_ERR_INSTALLED, OCF_ERR_CONFIGURED -> shouldRun
                    ? run.result(check, Outcome.CHECK_FAILING, what + "; hard error")
                    : run.result(check, Outcome.CHECK_FAILED, what + "; hard error: this node cannot run it");
            default -> run.result(check, Outcome.CHECK_FAILING, what + "; not an OCF exit code");
        };
    }

    /** monitor as status: the agent's output is the status text; running and not running are both answers. */
    private PrimitiveResult status(final ServiceSpec spec, final Invocation invocation, final Duration timeout)
            throws InterruptedException {
        final ProgramRun run = run(spec, Primitive.STATUS, invocation, "monitor", timeout, Map.of());
        final PrimitiveResult abnormal = run.abnormal(Primitive.STATUS);
        if (abnormal != null) {
            return abnormal;
        }
        return switch (run.exitCode()) {
            case OCF_SUCCESS, OCF_RUNNING_MASTER -> run.result(Primitive.STATUS, Outcome.SUCCESS, "running");
            case OCF_NOT_RUNNING -> run.result(Primitive.STATUS, Outcome.SUCCESS, "not running");
            default -> run.result(Primitive.STATUS, Outcome.ERROR, "monitor: " + detail(run));
        };
    }

    /** An action the agent may or may not offer: run it when its meta-data lists it, else not implemented. */
    private PrimitiveResult optional(final ServiceSpec spec, final Primitive primitive, final Invocation invocation,
                                     final String action, final Duration timeout) throws InterruptedException {
        if (!actions(spec, invocation).contains(action)) {
            return ServiceType.notImplemented(primitive, -1, "agent " + provider + ":" + agent + " has no "
                    + action + " action");
        }
        return plain(spec, primitive, invocation, action, timeout);
    }

    /**
     * join/leave as Pacemaker's post-notification of a clone instance's start/stop on the peer: the unames lists
     * are space-separated, as Pacemaker's.
     */
    private PrimitiveResult notify(final ServiceSpec spec, final Primitive primitive, final Invocation invocation,
                                   final Duration timeout) throws InterruptedException {
        if (!actions(spec, invocation).contains("notify")) {
            return ServiceType.notImplemented(primitive, -1, "agent " + provider + ":" + agent
                    + " has no notify action");
        }
        final String peer = invocation.peer() == null ? "" : invocation.peer();
        final boolean join = primitive == Primitive.JOIN;
        final Map<String, String> extra = new LinkedHashMap<>();
        extra.put("OCF_RESKEY_CRM_meta_notify", "true");
        extra.put("OCF_RESKEY_CRM_meta_notify_type", "post");
        extra.put("OCF_RESKEY_CRM_meta_notify_operation", join ? "start" : "stop");
        extra.put("OCF_RESKEY_CRM_meta_notify_start_uname", join ? peer : "");
        extra.put("OCF_RESKEY_CRM_meta_notify_stop_uname", join ? "" : peer);
        extra.put("OCF_RESKEY_CRM_meta_notify_active_uname", String.join(" ", invocation.activeNodes()));
        final ProgramRun run = run(spec, primitive, invocation, "notify", timeout, extra);
        final PrimitiveResult abnormal = run.abnormal(primitive);
        if (abnormal != null) {
            return abnormal;
        }
        return run.exitCode() == OCF_SUCCESS
                ? run.result(primitive, Outcome.SUCCESS, "notify " + (join ? "start " : "stop ") + peer)
                : run.result(primitive, Outcome.ERROR, "notify: " + detail(run));
    }

    /** The action names of the agent's meta-data, read once per agent (empty when meta-data fails). */
    private Set<String> actions(final ServiceSpec spec, final Invocation invocation) throws InterruptedException {
        final Path path = path();
        final Set<String> cached = metaDataCache.get(path);
        if (cached != null) {
            return cached;
        }
        final ProgramRun run = run(spec, Primitive.STATUS, invocation, "meta-data", META_DATA_TIMEOUT, Map.of());
        final Set<String> actions = new TreeSet<>();
        if (!run.timedOut() && !run.notStarted() && run.exitCode() == 0) {
            final Matcher m = ACTION.matcher(run.output());
            while (m.find()) {
                actions.add(m.group(1));
            }
            metaDataCache.put(path, Set.copyOf(actions)); // only a good answer is kept: a failure is retried
        }
        return actions;
    }

    private ProgramRun run(final ServiceSpec spec, final Primitive primitive, final Invocation invocation,
                           final String action, final Duration timeout, final Map<String, String> extra)
            throws InterruptedException {
        final Map<String, String> env = new LinkedHashMap<>(ServiceEnvironment.of(spec, primitive, invocation));
        env.put("OCF_ROOT", ocfRoot.toString());
        env.put("OCF_RA_VERSION_MAJOR", "1");
        env.put("OCF_RA_VERSION_MINOR", "0");
        env.put("OCF_RESOURCE_INSTANCE", spec.name());
        env.put("OCF_RESOURCE_TYPE", agent);
        env.put("OCF_RESOURCE_PROVIDER", provider);
        spec.properties().forEach((key, value) -> env.put("OCF_RESKEY_" + key, value));
        env.put("OCF_RESKEY_CRM_meta_timeout", Long.toString(timeout.toMillis()));
        env.putAll(extra);
        return ProgramRun.run(List.of(path().toString(), action), env, timeout);
    }

    /** The code's name and the agent's reason: its {@code ocf-exit-reason:} line if it printed one, else its first. */
    private static String detail(final ProgramRun run) {
        final String reason = run.output().lines().filter(l -> l.startsWith(EXIT_REASON)).findFirst()
                .map(l -> l.substring(EXIT_REASON.length()).strip()).orElse(run.firstLine());
        return codeName(run.exitCode()) + (reason.isEmpty() ? "" : ": " + reason);
    }

    /** A fresh cache for {@link #of}: agent path to the actions of its meta-data. */
    static Map<Path, Set<String>> newCache() {
        return new ConcurrentHashMap<>();
    }
}
