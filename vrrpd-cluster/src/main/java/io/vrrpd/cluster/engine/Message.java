package io.vrrpd.cluster.engine;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.vrrpd.cluster.ServiceSpec;
import io.vrrpd.cluster.StoredService;
import io.vrrpd.protocol.IpPrefix;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What nodes of a service cluster say to each other, as JSON over the membership's reliable FIFO messages.
 * Small clusters, rare messages: readability beats compactness.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "m")
@JsonSubTypes({
        @JsonSubTypes.Type(value = Message.Table.class, name = "table"),
        @JsonSubTypes.Type(value = Message.Report.class, name = "report"),
        @JsonSubTypes.Type(value = Message.Sync.class, name = "sync"),
        @JsonSubTypes.Type(value = Message.Alive.class, name = "alive"),
        @JsonSubTypes.Type(value = Message.Commit.class, name = "commit"),
        @JsonSubTypes.Type(value = Message.Ack.class, name = "ack"),
        @JsonSubTypes.Type(value = Message.Command.class, name = "command"),
        @JsonSubTypes.Type(value = Message.Done.class, name = "done"),
        @JsonSubTypes.Type(value = Message.Admin.class, name = "admin"),
        @JsonSubTypes.Type(value = Message.AdminAccepted.class, name = "admin-accepted"),
        @JsonSubTypes.Type(value = Message.AdminReply.class, name = "admin-reply"),
        @JsonSubTypes.Type(value = Message.Ask.class, name = "ask"),
        @JsonSubTypes.Type(value = Message.Answer.class, name = "answer")})
public sealed interface Message {

    /** "Still here", several times per lease: what the others' quorum leases count (ServiceCluster.renewLease). */
    record Alive() implements Message {
    }

    /** A node's copy of the service table, sent to every member on each view change (hosts converge on it). */
    record Table(List<Service> services, Map<String, Long> tombstones) implements Message {
    }

    /**
     * The coordinator asks a member for its {@link Table} and {@link Report} again, both by unicast: the ones the
     * member broadcast on a view change can be lost, since JGroups drops a message from a sender that is not (yet)
     * in the receiver's view (JGRP000011, seen around merges), and the coordinator decides nothing before it has
     * both from every member.
     *
     * @param viewId the coordinator's view (informational)
     */
    record Sync(long viewId) implements Message {
    }

    /**
     * A node's local state of every service it knows, sent to every member on each view change and change.
     *
     * @param commandFrom the coordinator whose command this node applied last
     * @param commandSeq  that command's number (the coordinator's in-flight bookkeeping)
     * @param leaving     the node is shutting down: nothing may be started on it any more
     */
    record Report(String commandFrom, long commandSeq, Map<String, LocalStatus> services, boolean leaving)
            implements Message {
    }

    /** The coordinator commits a change: a service record, or a deletion ({@code deleted} non-null). */
    record Commit(String id, Service service, String deleted, long deletedRevision) implements Message {
    }

    /** A node persisted a commit. */
    record Ack(String id) implements Message {
    }

    /**
     * The coordinator tells a node to act on a service.
     *
     * @param seq       the coordinator's command number, echoed in the node's reports
     * @param op        {@code start}, {@code stop}, {@code clear}, or {@code run} (with {@code primitive})
     * @param primitive for {@code run}: the action name
     * @param requestId non-empty when the coordinator waits for a {@link Done}
     * @param record    the coordinator's record of the service when it sent the command (null if it has none): merged
     *                  before acting, because JGroups orders a sender's multicasts and unicasts separately, so the
     *                  commit of a change can arrive after the command that depends on it (update's new properties)
     */
    record Command(long seq, String service, String op, String primitive, String requestId, Service record)
            implements Message {
    }

    /** A node's answer to a command with a request id. */
    record Done(String requestId, boolean ok, String detail) implements Message {
    }

    /** An admin verb forwarded to the coordinator by the node vrrpadm talked to. */
    record Admin(String id, Request request) implements Message {
    }

    /**
     * The coordinator got an admin verb and works on it: sent at once, so a host whose request went nowhere (it was
     * cut off, or the coordinator dropped it as coming from outside its view) says so in seconds, not minutes.
     */
    record AdminAccepted(String id) implements Message {
    }

    /**
     * The coordinator's answer to an admin verb; {@code kind} names the refusal's {@code ServiceException.Kind}
     * (null when it succeeded, or from an older coordinator: taken as a conflict).
     */
    record AdminReply(String id, boolean ok, String error, List<Result> results, String kind) implements Message {
    }

    /**
     * A question and its answer between two members ({@link MemberExchange}): read-only queries a member answers
     * about itself (its routers, a service's cgi panel). Handled off the actor, which never waits for them.
     */
    sealed interface Exchange extends Message permits Ask, Answer {
        String id();
    }

    /**
     * A question to one member.
     *
     * @param id    the asker's request id, echoed in the {@link Answer}
     * @param topic what is asked, e.g. {@code routers} or {@code cgi} (the member's handler for it answers)
     * @param body  the question's arguments (JSON text, the handler's business), "" when none
     */
    record Ask(String id, String topic, String body) implements Exchange {
    }

    /**
     * A member's answer to an {@link Ask}.
     *
     * @param ok    answered; else {@code error} says why not, in one line
     * @param error "" when ok
     * @param body  the answer (JSON text, the handler's business), "" when not ok
     * @param kind  when not ok: the refusal's {@code ServiceException.Kind} (null: a conflict, as AdminReply's)
     */
    record Answer(String id, boolean ok, String error, String body, String kind) implements Exchange {
    }

    /** One node's result, as in ServiceAdmin.NodeResult. */
    record Result(String node, boolean ok, String detail) {
    }

    /**
     * An admin verb and its arguments.
     *
     * @param origin  the node vrrpadm talked to (the default node of activate/deactivate)
     */
    record Request(String verb, String name, String origin, List<String> nodes, String node,
                   Map<String, String> changes, Service spec) {
    }

    /** A {@link StoredService} on the wire. */
    record Service(String name, String type, List<String> addresses, String link, long checkIntervalMillis,
                   Map<String, String> properties, List<String> activeOn, boolean wanted, String preferred,
                   long revision) {

        public static Service of(final StoredService s) {
            final ServiceSpec spec = s.spec();
            return new Service(spec.name(), spec.type(), spec.addresses().stream().map(IpPrefix::toString).toList(),
                    spec.link(), spec.checkIntervalMillis(), spec.properties(), List.copyOf(s.activeOn()),
                    s.wanted(), s.preferred(), s.revision());
        }

        public static Service of(final ServiceSpec spec) {
            return of(new StoredService(spec, new TreeSet<>(), false, null, 0));
        }

        public ServiceSpec spec() {
            return new ServiceSpec(name, type, addresses.stream().map(IpPrefix::parse).toList(), link,
                    checkIntervalMillis, new TreeMap<>(properties));
        }

        public StoredService stored() {
            return new StoredService(spec(), new TreeSet<>(activeOn), wanted, preferred, revision);
        }
    }
}
