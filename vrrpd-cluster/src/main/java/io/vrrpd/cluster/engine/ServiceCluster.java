package io.vrrpd.cluster.engine;

import io.vrrpd.cluster.ClusterStatus;
import io.vrrpd.cluster.FenceGuard;
import io.vrrpd.cluster.ServiceAdmin;
import io.vrrpd.cluster.ServiceException;
import io.vrrpd.cluster.ServiceSpec;
import io.vrrpd.cluster.ServiceState;
import io.vrrpd.cluster.ServiceStatus;
import io.vrrpd.cluster.ServiceStore;
import io.vrrpd.cluster.StartedLedger;
import io.vrrpd.cluster.StoredService;
import io.vrrpd.cluster.membership.ClusterView;
import io.vrrpd.cluster.membership.Membership;
import io.vrrpd.cluster.primitive.PrimitiveRunner;
import io.vrrpd.protocol.IpPrefix;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * A service cluster node (DESIGN.md §4): keeps this host's copy of the service table in step with the others,
 * runs the services' primitives here ({@link LocalAgent}), and — while this node coordinates a quorate view —
 * decides where each service runs ({@link Placement}) and carries out the admin verbs.
 *
 * <p>Threads: one actor thread owns all cluster state (membership callbacks, messages, reports and placement are
 * queued to it, so none of them needs a lock); admin verbs run on the caller's thread (or a virtual thread for
 * verbs forwarded from another node) and touch state only through {@link #onActor}. The coordinator runs one
 * admin verb at a time.
 *
 * <p>Consistency: a change (create, activate, update, …) is committed when a majority of the configured members
 * persisted it; a coordinator commits nothing before it has merged the tables of every member of its view. Since
 * two majorities share a member, every later quorate view holds every committed change, and the highest revision
 * wins when tables are merged.
 */
public final class ServiceCluster implements ServiceAdmin, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ServiceCluster.class.getName());
    /** Properties that are the primary configuration when given to update-service (names as in services/NAME.toml). */
    static final Set<String> PRIMARY_KEYS = Set.of("type", "addresses", "link", "check_interval");
    /**
     * How long a placement command may go unconfirmed (no report of its node showing it applied) before it is sent
     * again. Start and stop are idempotent on the node, and every command is answered by a report, so a resend only
     * repairs a lost command or a lost report (messages across a view change can be dropped).
     */
    static final long COMMAND_RETRY_NANOS = 1_000_000_000L;
    /** How long a coordinator waits for a member's table or report before it asks again ({@link Message.Sync}). */
    static final long SYNC_RETRY_NANOS = 250_000_000L;

    /**
     * Tunables.
     *
     * @param clusterName        for show-cluster
     * @param fencingDelayMillis how long after a node left holding a service the majority waits before starting
     *                           it elsewhere: the time the departed node has to notice it lost quorum and stop
     *                           its copy on its own
     * @param commitTimeoutMillis how long a change may wait for a majority to persist it
     * @param operationTimeoutMillis how long an admin verb waits for primitives on other nodes (start, stop, update)
     * @param leaseMillis        the quorum lease: a host that has not heard from a majority of the configured members
     *                           (itself included) for this long stops its services on its own, before any view
     *                           change says so (0: no lease, for a cluster of one). Set to the membership's failure
     *                           timeout: the others remove a silent host only after that plus the suspicion check,
     *                           and start its services a fencing delay later still, so the minority has stopped first.
     */
    public record Settings(String clusterName, long fencingDelayMillis, long commitTimeoutMillis,
                           long operationTimeoutMillis, long leaseMillis) {
        public static Settings defaults(final String clusterName) {
            return new Settings(clusterName, 1_000, 5_000, 120_000, 0);
        }

        /**
         * How long a host that lost its quorum lease gives its stop primitives before it kills what is left (the
         * services' cgroups): the fencing delay beyond the shortest safe one (L + L/5 − V with V = L/3, see
         * ClusterSettings.Timing.minFencingDelayMillis), less {@value #KILL_ALLOWANCE_MILLIS} ms for the kill
         * itself; 0 (kill at once, no graceful stop first) when the fencing delay has nothing beyond that.
         */
        public long selfFenceBudgetMillis() {
            if (leaseMillis <= 0) {
                return operationTimeoutMillis; // no lease (a cluster of one): only a lost view fences
            }
            final long shortest = leaseMillis + Math.max(10, leaseMillis / 5) - leaseMillis / 3;
            return Math.max(0, fencingDelayMillis - shortest - KILL_ALLOWANCE_MILLIS);
        }

        /** What a self-fence keeps for the kill of the cgroups and the wait until they are empty. */
        public static final long KILL_ALLOWANCE_MILLIS = 50;

        /** These settings with a quorum lease of {@code millis} (0: none, for a cluster of one). */
        public Settings withLease(final long millis) {
            return new Settings(clusterName, fencingDelayMillis, commitTimeoutMillis, operationTimeoutMillis, millis);
        }
    }

    private final Settings settings;
    private final Membership membership;
    private final String local;
    private final ExecutorService actor;
    private final ScheduledExecutorService timer;
    private final LocalAgent agent;
    private final QuorumLease lease;
    private final MemberExchange exchange;
    private final LongSupplier nanos;
    private final ReentrantLock adminLock = new ReentrantLock();
    private final AtomicBoolean reportQueued = new AtomicBoolean();
    private final AtomicLong ids = new AtomicLong();

    // ---- owned by the actor thread ----
    private ClusterView view;
    /** This host's copy of the services (replicated, persisted); {@link #table} is its read-only view. */
    private final ServiceTable replica;
    private final Map<String, StoredService> table;
    private final Map<String, Map<String, LocalStatus>> reports = new HashMap<>();
    private final Set<String> leaving = new HashSet<>();
    /** Placement commands refused because they did not come from the coordinator of a quorate view. */
    private long refusedCommands;
    private final RateLimitedLog refusedCommandLog = new RateLimitedLog(1_000_000_000L);
    private final RateLimitedLog malformedLog = new RateLimitedLog(1_000_000_000L);
    private volatile boolean closing;
    private final Set<String> tablesFrom = new HashSet<>();
    private final Map<String, Long> fenced = new HashMap<>();
    private final Map<String, Inflight> inflight = new HashMap<>();
    private final Map<String, String> moveTo = new HashMap<>();
    private final Map<String, String> avoid = new HashMap<>();
    private long commandSeq;
    /** When the coordinator may next ask the members it lacks a table or report from to send them again. */
    private long syncDueNanos;
    private String appliedFrom = "";
    private long appliedSeq;
    private final Map<String, PendingCommit> commits = new HashMap<>();
    private final Map<String, CompletableFuture<Message.Done>> dones = new HashMap<>();
    private final Map<String, PendingAdmin> adminReplies = new HashMap<>();

    /** A placement command sent and not yet confirmed by a report of its node; {@code sentNanos}: last (re)send. */
    private record Inflight(Decision decision, long seq, long sentNanos) {
    }

    private record PendingCommit(Set<String> acks, int needed, CompletableFuture<Void> done) {
    }

    private record PendingAdmin(String coordinator, CompletableFuture<Void> accepted,
                                CompletableFuture<Message.AdminReply> reply) {
    }

    private ServiceCluster(final Settings settings, final Membership membership, final PrimitiveRunner runner,
                           final ServiceStore store, final StartedLedger ledger, final FenceGuard guard,
                           final LongSupplier nanos) {
        this.settings = settings;
        this.membership = membership;
        this.replica = new ServiceTable(store);
        this.table = replica.services();
        this.nanos = nanos;
        this.local = membership.localNode();
        this.actor = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("cluster").daemon().factory());
        this.timer = Executors.newScheduledThreadPool(1, Thread.ofPlatform().name("cluster-timer").daemon().factory());
        this.agent = new LocalAgent(local, runner, this::queueReport, timer, System::currentTimeMillis, ledger, guard,
                settings.selfFenceBudgetMillis());
        this.lease = new QuorumLease(local, settings.leaseMillis(), nanos, () -> broadcast(new Message.Alive()),
                agent);
        this.exchange = new MemberExchange(local, membership::view, this::membershipSend);
    }

    /**
     * Loads this host's services from {@code store}, joins the cluster and starts deciding.
     *
     * @param ledger where the names of the services started here are recorded, for a supervisor's clean-up
     * @throws IOException the store cannot be read or the membership cannot start
     */
    public static ServiceCluster start(final Settings settings, final Membership membership,
                                       final PrimitiveRunner runner, final ServiceStore store,
                                       final StartedLedger ledger) throws IOException {
        return start(settings, membership, runner, store, ledger, FenceGuard.NONE);
    }

    /**
     * {@link #start(Settings, Membership, PrimitiveRunner, ServiceStore, StartedLedger)} with a fence guard outside
     * this process, fed with the quorum lease and what this host holds.
     */
    public static ServiceCluster start(final Settings settings, final Membership membership,
                                       final PrimitiveRunner runner, final ServiceStore store,
                                       final StartedLedger ledger, final FenceGuard guard) throws IOException {
        final ServiceCluster cluster = new ServiceCluster(settings, membership, runner, store, ledger, guard,
                System::nanoTime);
        cluster.replica.load();
        cluster.onActorQuietly(() -> {
            cluster.agent.tableChanged(cluster.table);
            return null;
        });
        membership.start(new Membership.Listener() {
            @Override
            public void viewChanged(final ClusterView newView) {
                cluster.lease.viewChanged(newView, cluster.nanos.getAsLong()); // not behind the actor: see QuorumLease
                cluster.exchange.viewChanged(newView); // nor the questions to members that left
                cluster.post(() -> cluster.onView(newView));
            }

            @Override
            public void received(final String from, final byte[] payload) {
                final Message message;
                try {
                    message = MessageCodec.decode(payload);
                } catch (MessageCodec.MalformedMessageException e) {
                    // Only members with the key get here, but a broken or hostile one must not flood the log.
                    cluster.malformedLog.log(LOG, System.Logger.Level.WARNING, "cluster: dropped a message from "
                            + from + " that does not decode: " + e.getMessage());
                    return;
                }
                // Stamped here, not when the actor gets to it: a busy actor (a slow disk under a table write) must
                // not make the quorum lease count a member as silent whose messages wait in the queue.
                cluster.lease.heard(from, cluster.nanos.getAsLong());
                if (message instanceof Message.Exchange question) {
                    cluster.exchange.received(from, question); // queries never wait behind (or hold up) the actor
                    return;
                }
                cluster.post(() -> cluster.onMessage(from, message));
            }
        });
        // Placement is re-evaluated on every event; the tick covers what only time changes (fencing delays) and
        // asks again for tables and reports that got lost around a view change.
        cluster.timer.scheduleWithFixedDelay(() -> cluster.post(cluster::reconcile), 200, 200,
                TimeUnit.MILLISECONDS);
        cluster.lease.start();
        return cluster;
    }

    // ======================================================================================================
    // Events (actor thread)
    // ======================================================================================================

    private void onView(final ClusterView newView) {
        final ClusterView old = view;
        view = newView;
        final long now = nanos.getAsLong();
        if (old != null) {
            for (final String departed : old.members()) {
                if (newView.contains(departed)) {
                    continue;
                }
                leaving.remove(departed);
                final Map<String, LocalStatus> last = reports.remove(departed);
                if (last != null) {
                    last.forEach((service, status) -> {
                        if (status.holds()) {
                            fenced.merge(service, now + settings.fencingDelayMillis() * 1_000_000L, Math::max);
                            LOG.log(System.Logger.Level.WARNING, "service " + service + " was " + status.state()
                                    .displayName() + " on " + departed + ", which left the view: it may start"
                                    + " elsewhere after the fencing delay (" + settings.fencingDelayMillis() + " ms)");
                            // Decide when the delay ends, not at the next placement tick (up to 200 ms later).
                            timer.schedule(() -> post(this::reconcile), settings.fencingDelayMillis(),
                                    TimeUnit.MILLISECONDS);
                        }
                    });
                }
                inflight.values().removeIf(i -> i.decision().node().equals(departed));
            }
        }
        adminReplies.values().removeIf(p -> {
            if (!newView.contains(p.coordinator())) {
                p.reply().complete(new Message.AdminReply("", false, "the coordinator " + p.coordinator()
                        + " left the view during the request; its outcome is unknown: see show-service", List.of(),
                        ServiceException.Kind.UNAVAILABLE.name()));
                return true;
            }
            return false;
        });
        tablesFrom.clear();
        syncDueNanos = now + SYNC_RETRY_NANOS;
        if (!newView.coordinator().equals(local) || !newView.quorate()) {
            inflight.clear();
        }
        agent.viewChanged(newView);
        broadcast(tableMessage());
        sendReport();
        reconcile();
    }

    private Message.Table tableMessage() {
        return new Message.Table(table.values().stream().map(Message.Service::of).toList(), replica.tombstones());
    }

    private void onMessage(final String from, final Message message) {
        switch (message) {
            case Message.Alive ignored -> {
                // only heard (above), for the quorum lease
            }
            case Message.Exchange ignored -> {
                // handled off the actor, by the exchange (above)
            }
            case Message.Table t -> {
                t.services().forEach(s -> merge(s.stored()));
                t.tombstones().forEach(this::mergeTombstone);
                tablesFrom.add(from);
                agent.tableChanged(table);
                reconcile();
            }
            case Message.Report r -> {
                reports.put(from, r.services());
                if (r.leaving()) {
                    leaving.add(from);
                } else {
                    leaving.remove(from);
                }
                if (r.commandFrom().equals(local)) {
                    inflight.values().removeIf(i -> i.decision().node().equals(from) && i.seq() <= r.commandSeq());
                }
                reconcile();
            }
            case Message.Commit c -> {
                final boolean durable = c.deleted() != null ? mergeTombstone(c.deleted(), c.deletedRevision())
                        : merge(c.service().stored());
                agent.tableChanged(table);
                if (durable) {
                    send(from, new Message.Ack(c.id()));
                } // else logged: the coordinator counts one host fewer, and the operator hears if that leaves no majority
                reconcile();
            }
            case Message.Ack a -> {
                final PendingCommit pending = commits.get(a.id());
                if (pending != null) {
                    pending.acks().add(from);
                    // The coordinator's own copy counts too, and must be among them: the next verb reads its table,
                    // and its own commit comes back to it like anyone's, possibly after the others' acks.
                    if (pending.acks().size() >= pending.needed() && pending.acks().contains(local)) {
                        commits.remove(a.id());
                        pending.done().complete(null);
                    }
                }
            }
            case Message.Command c -> {
                if (view == null || !view.quorate() || !view.coordinator().equals(from)) {
                    // Only the coordinator of a quorate view places services: a command from anyone else (a member
                    // that still thinks it coordinates, or a forged one from a member) is refused. A genuine one
                    // that raced ahead of this host's view change is sent again by its coordinator within a second.
                    refusedCommands++;
                    refusedCommandLog.log(LOG, System.Logger.Level.WARNING, "cluster: refused command " + c.op() + " "
                            + c.service() + " from " + from + ": "
                            + (view == null ? "no view yet" : !view.quorate() ? "this host's view is not quorate"
                            : "the coordinator of view " + view.viewId() + " is " + view.coordinator()));
                    if (!c.requestId().isEmpty()) {
                        send(from, new Message.Done(c.requestId(), false, local + " refused it: " + from
                                + " is not the coordinator of a quorate view here"));
                    }
                    return;
                }
                appliedFrom = from;
                appliedSeq = c.seq();
                if (c.record() != null) { // the change the command follows, in case its commit is still on the way
                    merge(c.record().stored());
                    agent.tableChanged(table);
                }
                agent.command(c, done -> {
                    if (!c.requestId().isEmpty()) {
                        membershipSend(from, done);
                    }
                });
                queueReport();
            }
            case Message.Done d -> {
                final CompletableFuture<Message.Done> future = dones.remove(d.requestId());
                if (future != null) {
                    future.complete(d);
                }
            }
            case Message.Admin a -> {
                if (!view.coordinator().equals(local)) {
                    send(from, new Message.AdminReply(a.id(), false, local + " is not the coordinator any more (the"
                            + " coordinator is " + view.coordinator() + "); try again", List.of(),
                            ServiceException.Kind.UNAVAILABLE.name()));
                    return;
                }
                send(from, new Message.AdminAccepted(a.id()));
                Thread.ofVirtual().name("admin-" + a.id()).start(() -> execute(from, a));
            }
            case Message.AdminAccepted accepted -> {
                final PendingAdmin pending = adminReplies.get(accepted.id());
                if (pending != null) {
                    pending.accepted().complete(null);
                }
            }
            case Message.AdminReply r -> {
                final PendingAdmin pending = adminReplies.remove(r.id());
                if (pending != null) {
                    pending.reply().complete(r);
                }
            }
            case Message.Sync s -> {
                // Unicast, table first: FIFO on one channel, so the coordinator has both once the report arrives.
                send(from, tableMessage());
                send(from, new Message.Report(appliedFrom, appliedSeq, agent.snapshot(), closing));
            }
        }
    }


    /** On the coordinator, on a virtual thread: an admin verb forwarded by {@code from}. */
    private void execute(final String from, final Message.Admin a) {
        Message.AdminReply reply;
        try {
            reply = new Message.AdminReply(a.id(), true, "", execute(a.request()).stream()
                    .map(r -> new Message.Result(r.node(), r.ok(), r.detail())).toList(), null);
        } catch (ServiceException e) {
            reply = new Message.AdminReply(a.id(), false, e.getMessage(), List.of(), e.kind().name());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "admin request from " + from + " failed: " + e, e);
            reply = new Message.AdminReply(a.id(), false, "internal error on the coordinator " + local + ": " + e,
                    List.of(), null);
        }
        membershipSend(from, reply);
    }

    /** {@link ServiceTable#merge}: whether this host durably holds {@code incoming} (or something newer). */
    private boolean merge(final StoredService incoming) {
        return replica.merge(incoming);
    }

    /** {@link ServiceTable#mergeTombstone}, and forgets what placement kept about a service that is gone. */
    private boolean mergeTombstone(final String name, final long revision) {
        final boolean durable = replica.mergeTombstone(name, revision);
        if (!table.containsKey(name)) {
            fenced.remove(name);
            moveTo.remove(name);
            avoid.remove(name);
        }
        return durable;
    }

    /** Placement, when this node coordinates a quorate, synced view. */
    private void reconcile() {
        if (view == null || !view.quorate() || !lease.held() || !view.coordinator().equals(local)) {
            return;
        }
        if (closing) {
            // A coordinator on its way out decides nothing: in a cluster-wide shutdown it would place services on
            // hosts that are stopping too, whose "leaving" reports it has not heard yet. The next coordinator
            // decides after the view change (without a fencing delay: this host reports what it stopped).
            return;
        }
        final long now = nanos.getAsLong();
        if (!tablesFrom.containsAll(view.members()) || !reports.keySet().containsAll(view.members())) {
            requestSync(now);
            return;
        }
        fenced.values().removeIf(until -> now - until >= 0);
        for (final Map.Entry<String, Map<String, LocalStatus>> report : reports.entrySet()) {
            report.getValue().forEach((service, status) -> {
                if (status.state() == ServiceState.STARTED) {
                    moveTo.remove(service, report.getKey());
                    if (!report.getKey().equals(avoid.get(service))) {
                        avoid.remove(service);
                    }
                }
            });
        }
        resendUnconfirmed(now);
        final Map<String, Decision> pending = new HashMap<>();
        inflight.forEach((service, i) -> pending.put(service, i.decision()));
        final Map<String, Map<String, LocalStatus>> current = new HashMap<>();
        for (final String member : view.members()) {
            if (reports.containsKey(member)) {
                current.put(member, reports.get(member));
            }
        }
        final List<Decision> decisions = Placement.decide(new Placement.Snapshot(view.members(), view.quorate(),
                table, current, fenced, pending, moveTo, avoid, leaving), now);
        for (final Decision decision : decisions) {
            command(decision, "");
        }
    }

    /**
     * Asks the members whose table or report this coordinator still lacks, some time after the view change, to send
     * them again: without it a lost broadcast would stall placement and every admin verb until the next view change.
     */
    private void requestSync(final long now) {
        if (now - syncDueNanos < 0) {
            return;
        }
        syncDueNanos = now + SYNC_RETRY_NANOS;
        for (final String member : view.members()) {
            if (!tablesFrom.contains(member) || !reports.containsKey(member)) {
                LOG.log(System.Logger.Level.INFO, "cluster: no service " + (tablesFrom.contains(member) ? "report"
                        : "table") + " from " + member + " in view " + view.viewId() + " yet: asking it again");
                send(member, new Message.Sync(view.viewId()));
            }
        }
    }

    private void resendUnconfirmed(final long now) {
        for (final Map.Entry<String, Inflight> e : inflight.entrySet()) {
            final Inflight i = e.getValue();
            if (now - i.sentNanos() - COMMAND_RETRY_NANOS >= 0) {
                final String op = i.decision() instanceof Decision.Start ? "start" : "stop";
                LOG.log(System.Logger.Level.INFO, "placement: " + op + " " + e.getKey() + " on " + i.decision().node()
                        + " not confirmed by a report yet: sending it again");
                e.setValue(new Inflight(i.decision(), i.seq(), now));
                send(i.decision().node(), new Message.Command(i.seq(), e.getKey(), op, "", "", recordOf(e.getKey())));
            }
        }
    }

    private long command(final Decision decision, final String requestId) {
        final long seq = ++commandSeq;
        inflight.put(decision.service(), new Inflight(decision, seq, nanos.getAsLong()));
        final String op = decision instanceof Decision.Start ? "start" : "stop";
        LOG.log(System.Logger.Level.INFO, "placement: " + op + " " + decision.service() + " on " + decision.node()
                + (decision instanceof Decision.Stop stop ? " (" + stop.why() + ")" : ""));
        send(decision.node(), new Message.Command(seq, decision.service(), op, "", requestId,
                recordOf(decision.service())));
        return seq;
    }

    /** The service's record as a command carries it (actor thread). */
    private Message.Service recordOf(final String service) {
        final StoredService stored = table.get(service);
        return stored == null ? null : Message.Service.of(stored);
    }

    private void queueReport() {
        if (reportQueued.compareAndSet(false, true)) {
            post(this::sendReport);
        }
    }

    private void sendReport() {
        reportQueued.set(false);
        broadcast(new Message.Report(appliedFrom, appliedSeq, agent.snapshot(), closing));
    }

    private void broadcast(final Message message) {
        membership.broadcast(MessageCodec.encode(message));
    }

    private void send(final String node, final Message message) {
        membershipSend(node, message);
    }

    private void membershipSend(final String node, final Message message) {
        membership.send(node, MessageCodec.encode(message));
    }

    // ======================================================================================================
    // Admin verbs (caller's thread)
    // ======================================================================================================

    @Override
    public void create(final ServiceSpec spec) throws ServiceException {
        request(new Message.Request("create", spec.name(), local, List.of(), null, Map.of(),
                Message.Service.of(spec)));
    }

    @Override
    public void delete(final String name) throws ServiceException {
        request(simple("delete", name));
    }

    @Override
    public List<NodeResult> activate(final String name, final List<String> nodes) throws ServiceException {
        return request(new Message.Request("activate", name, local, nodes == null ? List.of() : nodes, null,
                Map.of(), null));
    }

    @Override
    public List<NodeResult> deactivate(final String name, final List<String> nodes) throws ServiceException {
        return request(new Message.Request("deactivate", name, local, nodes == null ? List.of() : nodes, null,
                Map.of(), null));
    }

    @Override
    public void start(final String name, final String node) throws ServiceException {
        request(new Message.Request("start", name, local, List.of(), node, Map.of(), null));
    }

    @Override
    public void stop(final String name) throws ServiceException {
        request(simple("stop", name));
    }

    @Override
    public NodeResult restart(final String name) throws ServiceException {
        return request(simple("restart", name)).getFirst();
    }

    @Override
    public NodeResult reload(final String name) throws ServiceException {
        return request(simple("reload", name)).getFirst();
    }

    @Override
    public List<NodeResult> update(final String name, final Map<String, String> changes) throws ServiceException {
        return request(new Message.Request("update", name, local, List.of(), null, changes, null));
    }

    @Override
    public List<NodeResult> check(final String name) throws ServiceException {
        return request(simple("check", name));
    }

    @Override
    public void clear(final String name, final String node) throws ServiceException {
        request(new Message.Request("clear", name, local, List.of(), node, Map.of(), null));
    }

    private Message.Request simple(final String verb, final String name) {
        return new Message.Request(verb, name, local, List.of(), null, Map.of(), null);
    }

    /** Runs {@code request} here if this node coordinates, else on the coordinator. */
    private List<NodeResult> request(final Message.Request request) throws ServiceException {
        final ClusterView v = onActor(() -> view);
        requireQuorum(v);
        // Right after a view change the others may not have installed it yet (they hear this host only then):
        // give the lease a moment before refusing.
        try {
            awaitCondition(() -> lease.held(), settings.commitTimeoutMillis(), "");
        } catch (ServiceException e) {
            throw new ServiceException(ServiceException.Kind.UNAVAILABLE, "no quorum: this host has not heard from a majority of the configured members"
                    + " within the last " + settings.leaseMillis() + " ms; changes are refused until it does");
        }
        if (v.coordinator().equals(local)) {
            return execute(request);
        }
        final String id = local + "-" + ids.incrementAndGet();
        final CompletableFuture<Void> accepted = new CompletableFuture<>();
        final CompletableFuture<Message.AdminReply> reply = new CompletableFuture<>();
        onActor(() -> {
            adminReplies.put(id, new PendingAdmin(v.coordinator(), accepted, reply));
            send(v.coordinator(), new Message.Admin(id, request));
            return null;
        });
        try {
            await(CompletableFuture.anyOf(accepted, reply), settings.commitTimeoutMillis(), "");
        } catch (ServiceException e) {
            onActorQuietly(() -> adminReplies.remove(id));
            throw new ServiceException(ServiceException.Kind.UNAVAILABLE, "the coordinator " + v.coordinator() + " did not take the request within "
                    + settings.commitTimeoutMillis() + " ms: this host may be cut off from it (see show-cluster);"
                    + " the request was most likely not carried out (see show-service)");
        }
        final Message.AdminReply answer = await(reply, settings.operationTimeoutMillis() + settings.commitTimeoutMillis(),
                "the coordinator " + v.coordinator() + " did not answer");
        if (!answer.ok()) {
            throw new ServiceException(ServiceException.Kind.named(answer.kind()), answer.error());
        }
        return answer.results().stream().map(r -> new NodeResult(r.node(), r.ok(), r.detail())).toList();
    }

    /** On the coordinator: one admin verb at a time. */
    private List<NodeResult> execute(final Message.Request r) throws ServiceException {
        adminLock.lock();
        try {
            requireQuorum(onActor(() -> view));
            awaitSynced();
            return switch (r.verb()) {
                case "create" -> doCreate(r.spec().spec());
                case "delete" -> doDelete(existing(r.name()));
                case "activate" -> doActivate(existing(r.name()), r.nodes().isEmpty() ? List.of(r.origin()) : r.nodes());
                case "deactivate" -> doDeactivate(existing(r.name()),
                        r.nodes().isEmpty() ? List.of(r.origin()) : r.nodes());
                case "start" -> doStart(existing(r.name()), r.node());
                case "stop" -> doStop(existing(r.name()));
                case "restart", "reload" -> doInPlace(existing(r.name()), r.verb());
                case "update" -> doUpdate(existing(r.name()), r.changes());
                case "check" -> onActiveNodes(existing(r.name()), "check");
                case "clear" -> doClear(existing(r.name()), r.node());
                default -> throw new ServiceException(ServiceException.Kind.INVALID, "unknown verb " + r.verb());
            };
        } finally {
            adminLock.unlock();
        }
    }

    private List<NodeResult> doCreate(final ServiceSpec spec) throws ServiceException {
        if (onActor(() -> table.containsKey(spec.name()))) {
            throw new ServiceException("service " + spec.name() + " already exists");
        }
        commit(new StoredService(spec, new TreeSet<>(), false, null, 0));
        LOG.log(System.Logger.Level.INFO, "service " + spec.name() + " created (type " + spec.type() + ")");
        return List.of();
    }

    private List<NodeResult> doDelete(final StoredService service) throws ServiceException {
        final String name = service.name();
        refuseIfBlocked(name, null, "deleted");
        commit(new StoredService(service.spec(), new TreeSet<>(), false, null, 0));
        awaitCondition(() -> onActorQuietly(() -> view.members().stream().noneMatch(n -> {
            final LocalStatus s = reportOf(n, name);
            return s != null && (s.holds() || s.activated());
        })), "service " + name + " is still started or active on a host; it is deactivated everywhere and will be"
                + " deleted by a new delete-service once it stopped");
        final long revision = onActor(replica::nextRevision);
        final String id = local + "-c" + ids.incrementAndGet();
        awaitCommit(id, new Message.Commit(id, null, name, revision));
        LOG.log(System.Logger.Level.INFO, "service " + name + " deleted");
        return List.of();
    }

    private List<NodeResult> doActivate(final StoredService service, final List<String> nodes)
            throws ServiceException {
        requireKnownNodes(nodes);
        final TreeSet<String> active = new TreeSet<>(service.activeOn());
        active.addAll(nodes);
        commit(new StoredService(service.spec(), active, service.wanted(), service.preferred(), 0));
        awaitCondition(() -> nodes.stream().allMatch(n -> onActorQuietly(() -> {
            final LocalStatus s = reportOf(n, service.name());
            return !view.contains(n) || (s != null && (s.activated() || s.state() == ServiceState.FAILED));
        })), "activate did not finish on every host within " + settings.operationTimeoutMillis() + " ms");
        return nodes.stream().map(n -> onActorQuietly(() -> {
            final LocalStatus s = reportOf(n, service.name());
            if (!view.contains(n)) {
                return new NodeResult(n, true, "not in the view now: activated when it joins");
            }
            return new NodeResult(n, s.activated(), s.activated() ? "activated" : s.result());
        })).toList();
    }

    private List<NodeResult> doDeactivate(final StoredService service, final List<String> nodes)
            throws ServiceException {
        for (final String n : nodes) {
            if (!service.activeOn().contains(n)) {
                throw new ServiceException("service " + service.name() + " is not active on " + n + " (active on: "
                        + (service.activeOn().isEmpty() ? "no host" : String.join(", ", service.activeOn())) + ")");
            }
        }
        for (final String n : nodes) {
            refuseIfBlocked(service.name(), n, "deactivated on " + n);
        }
        final TreeSet<String> active = new TreeSet<>(service.activeOn());
        active.removeAll(nodes);
        commit(new StoredService(service.spec(), active, service.wanted() && !active.isEmpty(),
                service.preferred() != null && active.contains(service.preferred()) ? service.preferred() : null, 0));
        awaitCondition(() -> nodes.stream().allMatch(n -> onActorQuietly(() -> {
            final LocalStatus s = reportOf(n, service.name());
            return !view.contains(n) || s == null || !s.activated();
        })), "deactivate did not finish on every host within " + settings.operationTimeoutMillis() + " ms");
        return nodes.stream().map(n -> onActorQuietly(() -> view.contains(n)
                ? new NodeResult(n, true, "deactivated")
                : new NodeResult(n, true, "not in the view now: deactivated when it joins"))).toList();
    }

    private List<NodeResult> doStart(final StoredService service, final String node) throws ServiceException {
        final String name = service.name();
        if (service.activeOn().isEmpty()) {
            throw new ServiceException("service " + name + " is not active on any host: activate-service it first");
        }
        if (node != null) {
            if (!service.activeOn().contains(node)) {
                throw new ServiceException("service " + name + " is not active on " + node
                        + ": activate-service -n " + node + " " + name + " first (active on: "
                        + String.join(", ", service.activeOn()) + ")");
            }
            if (!onActor(() -> view.contains(node))) {
                throw new ServiceException(node + " is not in the cluster view: see show-cluster");
            }
            final LocalStatus there = onActor(() -> reportOf(node, name));
            if (there != null && there.state() == ServiceState.FAILED) {
                throw new ServiceException("service " + name + " is failed on " + node + " (" + there.result()
                        + "): clear-service -n " + node + " " + name + " after repairing it");
            }
        }
        final Map<String, Integer> failuresBefore = onActor(() -> failuresOf(name));
        // The target first: once the service is wanted, any reconcile (the commit's own) may place it, and without
        // the target it would start on the coordinator's first choice and then move.
        onActor(() -> {
            if (node != null) {
                moveTo.put(name, node);
            }
            avoid.remove(name);
            return null;
        });
        if (!service.wanted()) {
            try {
                commit(new StoredService(service.spec(), service.activeOn(), true, service.preferred(), 0));
            } catch (ServiceException e) {
                onActor(() -> node != null && moveTo.remove(name, node));
                throw e;
            }
        }
        onActor(() -> {
            reconcile();
            return null;
        });
        final String[] outcome = new String[1];
        try {
            awaitCondition(() -> (outcome[0] = onActorQuietly(() -> startOutcome(name, node, failuresBefore))) != null,
                    "service " + name + " did not start" + (node == null ? "" : " on " + node) + " within "
                            + settings.operationTimeoutMillis() + " ms");
        } catch (ServiceException e) {
            throw new ServiceException(e.getMessage() + ": " + onActor(() -> describeNodes(name)));
        }
        if (!outcome[0].isEmpty()) {
            if (node != null) {
                onActor(() -> moveTo.remove(name, node)); // a failed target must not pull the service back later
            }
            throw new ServiceException(outcome[0]);
        }
        return List.of();
    }

    /**
     * How a start-service ended, as soon as it is known: "" when it runs where asked, an error (the real cause, from
     * the host where it went wrong) when it cannot, null while it is still on its way.
     */
    private String startOutcome(final String name, final String node, final Map<String, Integer> failuresBefore) {
        final String on = startedOn(name);
        if (on != null && (node == null || node.equals(on))) {
            return "";
        }
        final String blocked = blockedOn(name);
        if (blocked != null) {
            return "service " + name + " cannot start" + (node == null ? "" : " on " + node) + ": on " + blocked
                    + ": " + reportOf(blocked, name).result();
        }
        if (node != null) {
            final LocalStatus target = reportOf(node, name);
            if (target != null && target.state() == ServiceState.FAILED
                    && target.failures() > failuresBefore.getOrDefault(node, 0)) {
                return "service " + name + " did not start on " + node + ": " + target.result()
                        + (on == null ? "" : "; it runs on " + on + " now");
            }
        }
        final StoredService current = table.get(name);
        if (current == null || allFailed(current)) {
            return "service " + name + " failed on every active host: " + describeNodes(name)
                    + " (clear-service after repairing it)";
        }
        return null;
    }

    /**
     * Refuses a verb that would stop the service on a host where it is blocked after a failed stop ({@code node}, or
     * any host when null): the stop would fail again, and the verb would hide the copy that may still run.
     */
    private void refuseIfBlocked(final String name, final String node, final String what) throws ServiceException {
        final String blocked = onActor(() -> node == null ? blockedOn(name)
                : reportOf(node, name) != null && reportOf(node, name).blocked() ? node : null);
        if (blocked != null) {
            throw new ServiceException("service " + name + " cannot be " + what + ": it is blocked on " + blocked
                    + " after a failed stop (" + onActor(() -> reportOf(blocked, name).result()) + ")");
        }
    }

    /** Each member's failure count of {@code service} (actor thread). */
    private Map<String, Integer> failuresOf(final String service) {
        final Map<String, Integer> counts = new HashMap<>();
        for (final String node : view.members()) {
            final LocalStatus s = reportOf(node, service);
            counts.put(node, s == null ? 0 : s.failures());
        }
        return counts;
    }

    /** A member on which {@code service} is blocked after a failed stop, or null (actor thread). */
    private String blockedOn(final String service) {
        for (final String node : view.members()) {
            final LocalStatus s = reportOf(node, service);
            if (s != null && s.blocked()) {
                return node;
            }
        }
        return null;
    }

    private List<NodeResult> doStop(final StoredService service) throws ServiceException {
        final String name = service.name();
        // A blocked host is stopped again: the operator may have repaired the type's stop.
        final String holder = onActor(() -> startedOn(name) != null ? startedOn(name) : blockedOn(name));
        if (holder == null) {
            throw new ServiceException("service " + name + " is not started on any host");
        }
        final LocalStatus before = onActor(() -> reportOf(holder, name));
        final int failuresBefore = before.failures();
        onActor(() -> {
            avoid.put(name, holder);
            moveTo.remove(name);
            command(new Decision.Stop(name, holder, "stop-service"), "");
            return null;
        });
        awaitCondition(() -> onActorQuietly(() -> {
            final LocalStatus s = reportOf(holder, name);
            // (stopped and already started again there: the only active host, stop-service restarts it in place)
            final boolean stopRan = s != null && s.lastActionMillis() > before.lastActionMillis()
                    && (s.lastAction().equals("stop") || s.lastAction().equals("start"));
            return s == null || !s.holds() || !view.contains(holder) || s.failures() > failuresBefore || stopRan;
        }), "service " + name + " did not stop on " + holder + " within " + settings.operationTimeoutMillis() + " ms");
        final LocalStatus after = onActor(() -> reportOf(holder, name));
        if (after != null && after.blocked() && onActor(() -> view.contains(holder))) {
            throw new ServiceException("service " + name + " did not stop on " + holder + ": " + after.result());
        }
        return List.of(new NodeResult(holder, true, "stopped"));
    }

    private List<NodeResult> doInPlace(final StoredService service, final String verb) throws ServiceException {
        final String holder = onActor(() -> startedOn(service.name()));
        if (holder == null) {
            throw new ServiceException("service " + service.name() + " is not started on any host: nothing to "
                    + verb);
        }
        return List.of(run(holder, service.name(), "run", verb));
    }

    private List<NodeResult> doUpdate(final StoredService service, final Map<String, String> changes)
            throws ServiceException {
        if (changes.isEmpty()) {
            throw new ServiceException(ServiceException.Kind.INVALID, "update-service needs at least one -P KEY=VALUE");
        }
        final ServiceSpec updated = applyChanges(service, changes);
        final boolean primary = !updated.samePrimary(service.spec());
        if (primary && !service.activeOn().isEmpty()) {
            throw new ServiceException(ServiceException.Kind.INVALID, "primary configuration (" + String.join(", ", changedPrimaryKeys(service, changes))
                    + ") cannot change while service " + service.name() + " is active on "
                    + String.join(", ", service.activeOn()) + ": deactivate-service it everywhere first");
        }
        commit(new StoredService(updated, service.activeOn(), service.wanted(), service.preferred(), 0));
        return primary ? List.of() : onActiveNodes(service, "update");
    }

    private static List<String> changedPrimaryKeys(final StoredService service, final Map<String, String> changes) {
        final String typeKey = service.spec().primaryPropertyName();
        return changes.keySet().stream().filter(k -> PRIMARY_KEYS.contains(k) || k.equals(typeKey)).sorted().toList();
    }

    private static ServiceSpec applyChanges(final StoredService service, final Map<String, String> changes)
            throws ServiceException {
        final ServiceSpec spec = service.spec();
        final Map<String, String> properties = new LinkedHashMap<>();
        String type = spec.type();
        List<IpPrefix> addresses = spec.addresses();
        String link = spec.link();
        long check = spec.checkIntervalMillis();
        try {
            for (final Map.Entry<String, String> e : changes.entrySet()) {
                switch (e.getKey()) {
                    case "type" -> type = e.getValue();
                    case "addresses" -> addresses = e.getValue().isBlank() ? List.of()
                            : java.util.Arrays.stream(e.getValue().split(",")).map(String::strip).map(IpPrefix::parse).toList();
                    case "link" -> link = e.getValue().isBlank() ? null : e.getValue();
                    case "check_interval" -> check = Long.parseLong(e.getValue().strip());
                    default -> properties.put(e.getKey(), e.getValue());
                }
            }
            final ServiceSpec base = new ServiceSpec(spec.name(), type, addresses, link, check, spec.properties());
            return base.withProperties(properties);
        } catch (NumberFormatException e) {
            throw new ServiceException(ServiceException.Kind.INVALID, "check_interval '" + changes.get("check_interval")
                    + "' is not a number of milliseconds");
        } catch (IllegalArgumentException e) {
            throw new ServiceException(e.getMessage());
        }
    }

    private List<NodeResult> doClear(final StoredService service, final String node) throws ServiceException {
        final List<String> targets = node != null ? List.of(node)
                : onActor(() -> view.members().stream().filter(n -> {
                    final LocalStatus s = reportOf(n, service.name());
                    return s != null && s.state() == ServiceState.FAILED;
                }).toList());
        if (node != null && !onActor(() -> view.contains(node))) {
            throw new ServiceException(node + " is not in the cluster view: see show-cluster");
        }
        final List<NodeResult> results = new ArrayList<>();
        for (final String target : targets) {
            results.add(run(target, service.name(), "clear", ""));
        }
        onActor(() -> {
            reconcile();
            return null;
        });
        return results;
    }

    /** Runs {@code primitive} on every active host of the view, in parallel; one result per active host. */
    private List<NodeResult> onActiveNodes(final StoredService service, final String primitive)
            throws ServiceException {
        final List<String> reachable = new ArrayList<>();
        final List<NodeResult> results = new ArrayList<>();
        final ClusterView v = onActor(() -> view);
        for (final String node : service.activeOn()) {
            if (v.contains(node)) {
                reachable.add(node);
            } else {
                results.add(new NodeResult(node, false, "not reachable (not in the view); it gets the current"
                        + " configuration when it rejoins"));
            }
        }
        final Map<String, CompletableFuture<Message.Done>> futures = new TreeMap<>();
        for (final String node : reachable) {
            futures.put(node, sendRequest(node, service.name(), "run", primitive));
        }
        for (final Map.Entry<String, CompletableFuture<Message.Done>> e : futures.entrySet()) {
            results.add(toResult(e.getKey(), e.getValue()));
        }
        results.sort(java.util.Comparator.comparing(NodeResult::node));
        return results;
    }

    private NodeResult run(final String node, final String service, final String op, final String primitive)
            throws ServiceException {
        return toResult(node, sendRequest(node, service, op, primitive));
    }

    private CompletableFuture<Message.Done> sendRequest(final String node, final String service, final String op,
                                                        final String primitive) throws ServiceException {
        final String id = local + "-r" + ids.incrementAndGet();
        final CompletableFuture<Message.Done> future = new CompletableFuture<>();
        onActor(() -> {
            dones.put(id, future);
            send(node, new Message.Command(++commandSeq, service, op, primitive, id, recordOf(service)));
            return null;
        });
        return future;
    }

    private NodeResult toResult(final String node, final CompletableFuture<Message.Done> future) {
        try {
            final Message.Done done = future.get(settings.operationTimeoutMillis(), TimeUnit.MILLISECONDS);
            return new NodeResult(node, done.ok(), done.detail());
        } catch (TimeoutException e) {
            return new NodeResult(node, false, "no answer within " + settings.operationTimeoutMillis() + " ms");
        } catch (ExecutionException e) {
            return new NodeResult(node, false, String.valueOf(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new NodeResult(node, false, "interrupted");
        }
    }

    /** Commits {@code service} with the next revision; returns once a majority persisted it. */
    private void commit(final StoredService service) throws ServiceException {
        final String id = local + "-c" + ids.incrementAndGet();
        final Message.Commit commit = onActor(() -> new Message.Commit(id, Message.Service.of(
                new StoredService(service.spec(), service.activeOn(), service.wanted(), service.preferred(),
                        replica.nextRevision())), null, 0));
        awaitCommit(id, commit);
    }

    private void awaitCommit(final String id, final Message.Commit commit) throws ServiceException {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        final int needed = onActor(() -> {
            commits.put(id, new PendingCommit(new HashSet<>(), view.quorumSize(), done));
            // Applied here first: the others' acks can arrive before this node's own copy of the broadcast, and
            // the next verb (create-service, then at once activate-service) must find the change in the table.
            if (commit.deleted() != null) {
                mergeTombstone(commit.deleted(), commit.deletedRevision());
            } else {
                merge(commit.service().stored());
            }
            agent.tableChanged(table);
            broadcast(commit);
            return view.quorumSize();
        });
        try {
            done.get(settings.commitTimeoutMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            final int acks = onActor(() -> {
                final PendingCommit pending = commits.remove(id);
                return pending == null ? needed : pending.acks().size();
            });
            throw new ServiceException(ServiceException.Kind.UNAVAILABLE, "the change was not committed: " + acks + " host(s) stored it within "
                    + settings.commitTimeoutMillis() + " ms, " + needed + " needed (a majority of the configured"
                    + " members); it may still reach the others");
        } catch (ExecutionException e) {
            throw new ServiceException(ServiceException.Kind.UNAVAILABLE, "the change was not committed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceException("interrupted while committing");
        }
    }

    private void awaitSynced() throws ServiceException {
        awaitCondition(() -> onActorQuietly(() -> tablesFrom.containsAll(view.members())),
                "the coordinator has not heard every member's service table yet; try again");
    }

    private void awaitCondition(final BooleanSupplier condition, final String failure) throws ServiceException {
        awaitCondition(condition, settings.operationTimeoutMillis(), failure);
    }

    private void awaitCondition(final BooleanSupplier condition, final long millis, final String failure)
            throws ServiceException {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        long pause = 5;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new ServiceException(failure);
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ServiceException("interrupted");
            }
            pause = Math.min(100, pause * 2);
        }
    }

    private StoredService existing(final String name) throws ServiceException {
        final StoredService service = onActor(() -> table.get(name));
        if (service == null) {
            final Set<String> names = onActor(() -> new TreeSet<>(table.keySet()));
            throw new ServiceException(ServiceException.Kind.NOT_FOUND, "no service named " + name + (names.isEmpty() ? " (there are none)"
                    : " (services: " + String.join(", ", names) + ")"));
        }
        return service;
    }

    private void requireKnownNodes(final List<String> nodes) throws ServiceException {
        final Set<String> known = onActor(() -> {
            final Set<String> k = new TreeSet<>(view.members());
            view.configured().stream().map(ClusterView.Member::node).filter(n -> !n.equals("-")).forEach(k::add);
            table.values().forEach(s -> k.addAll(s.activeOn()));
            return k;
        });
        for (final String node : nodes) {
            if (!known.contains(node)) {
                throw new ServiceException(ServiceException.Kind.NOT_FOUND, "unknown node '" + node + "': known nodes are " + String.join(", ", known));
            }
        }
    }

    private static void requireQuorum(final ClusterView v) throws ServiceException {
        if (v == null) {
            throw new ServiceException(ServiceException.Kind.UNAVAILABLE, "this host has not joined the cluster yet; try again");
        }
        if (!v.quorate()) {
            throw new ServiceException(ServiceException.Kind.UNAVAILABLE, "no quorum: this host's partition has " + v.members().size()
                    + " member(s), " + v.quorumSize() + " needed; changes are refused until it rejoins the majority");
        }
    }

    // ---- views of the state (actor thread) ----

    private LocalStatus reportOf(final String node, final String service) {
        final Map<String, LocalStatus> report = reports.get(node);
        return report == null ? null : report.get(service);
    }

    private String startedOn(final String service) {
        for (final String node : view.members()) {
            final LocalStatus s = reportOf(node, service);
            if (s != null && s.state() == ServiceState.STARTED) {
                return node;
            }
        }
        return null;
    }

    private boolean allFailed(final StoredService service) {
        final StoredService current = table.get(service.name());
        if (current == null) {
            return true;
        }
        boolean any = false;
        for (final String node : current.activeOn()) {
            if (!view.contains(node)) {
                continue;
            }
            final LocalStatus s = reportOf(node, service.name());
            if (s == null || s.state() != ServiceState.FAILED) {
                return false;
            }
            any = true;
        }
        return any;
    }

    private String describeNodes(final String service) {
        final List<String> parts = new ArrayList<>();
        for (final String node : view.members()) {
            final LocalStatus s = reportOf(node, service);
            if (s != null) {
                parts.add(node + " " + s.state().displayName() + (s.result().isEmpty() ? "" : " (" + s.result() + ")"));
            }
        }
        return parts.isEmpty() ? "no host reported it" : String.join("; ", parts);
    }

    @Override
    public List<ServiceStatus> services() {
        return onActorQuietly(() -> {
            final List<ServiceStatus> result = new ArrayList<>();
            for (final StoredService service : table.values()) {
                result.add(statusOf(service));
            }
            return result;
        });
    }

    private ServiceStatus statusOf(final StoredService service) {
        final String name = service.name();
        final List<ServiceStatus.NodeRow> rows = new ArrayList<>();
        String startedOn = null;
        ServiceState state = ServiceState.STOPPED;
        for (final String node : view.members()) {
            final LocalStatus s = reportOf(node, name);
            if (s == null) {
                continue;
            }
            rows.add(new ServiceStatus.NodeRow(node, service.activeOn().contains(node), s.state(), s.lastCheckMillis(),
                    s.lastCheckResult(), s.lastAction(), s.lastActionMillis(), s.result(), s.statusText(),
                    s.blocked(), s.failures()));
            if (s.holds() && (startedOn == null || s.state() == ServiceState.STARTED)) {
                startedOn = node;
                state = s.state();
            }
        }
        if (startedOn == null && allFailed(service)) {
            state = ServiceState.FAILED;
        }
        return new ServiceStatus(service.spec(), state, startedOn, List.copyOf(service.activeOn()), service.wanted(),
                rows);
    }

    /**
     * This host's copy of the service table, by name (a SIGHUP compares services/*.toml with it: a file edited by hand
     * carries the revision it was written at).
     */
    public Map<String, StoredService> records() {
        return onActorQuietly(() -> Map.copyOf(table));
    }

    /** Questions to members and this node's answers (routers, cgi panels): see {@link MemberExchange}. */
    public MemberExchange exchange() {
        return exchange;
    }

    @Override
    public ClusterStatus cluster() {
        return new ClusterStatus(settings.clusterName(), local, onActorQuietly(() -> view));
    }

    // ---- actor access ----

    /**
     * Queues {@code task} on the actor. After {@link #close} the actor is gone, and what the membership or a timer
     * still delivers is dropped: it was an uncaught RejectedExecutionException in the delivery thread (the SIGTERM
     * soak saw it after "every router left the group").
     */
    private void post(final Runnable task) {
        try {
            actor.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            if (!actor.isShutdown()) {
                throw e;
            }
        }
    }

    private <T> T onActor(final Callable<T> task) throws ServiceException {
        try {
            return actor.submit(task).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ServiceException se) {
                throw se;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new ServiceException(ServiceException.Kind.UNAVAILABLE, "the cluster engine is busy (no answer within 30 s)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceException("interrupted");
        }
    }

    private <T> T onActorQuietly(final Callable<T> task) {
        try {
            return onActor(task);
        } catch (ServiceException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static <T> T await(final CompletableFuture<T> future, final long millis, final String failure)
            throws ServiceException {
        try {
            return future.get(millis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new ServiceException(failure + " within " + millis + " ms");
        } catch (ExecutionException e) {
            throw new ServiceException(failure + ": " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceException("interrupted");
        }
    }

    /**
     * Leaves the cluster: stops every service started here (so another host can start it without waiting for a
     * fencing delay: the last report shows it stopped), then closes the membership.
     */
    @Override
    public void close() {
        // First tell the coordinator (perhaps this node) that nothing may start here any more, then stop.
        closing = true;
        agent.shuttingDown();
        try {
            actor.submit(this::sendReport).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(System.Logger.Level.WARNING, "cluster: leaving report not sent: " + e);
        }
        agent.stopAll(settings.operationTimeoutMillis());
        try {
            actor.submit(this::sendReport).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(System.Logger.Level.WARNING, "cluster: last report not sent: " + e);
        }
        lease.close();
        exchange.close();
        membership.close();
        agent.close();
        timer.shutdownNow();
        actor.shutdownNow();
    }
}
