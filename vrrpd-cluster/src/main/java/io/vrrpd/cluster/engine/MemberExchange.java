package io.vrrpd.cluster.engine;

import io.vrrpd.cluster.ServiceException;
import io.vrrpd.cluster.ServiceException.Kind;
import io.vrrpd.cluster.membership.ClusterView;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Questions to one member of the cluster and its answers ({@link Message.Ask}, {@link Message.Answer}) over the
 * cluster channel: what a member knows only about itself (its routers, a service's cgi panel, which runs a program
 * there), so that any member can show the whole cluster.
 *
 * <p>Bounded everywhere: the asker waits at most the timeout it gives (then one line naming the member), a member
 * that leaves the view fails the question at once, an answer is at most {@link #MAX_ANSWER_CHARS} characters (the
 * answerer refuses to send more, the asker to take more), and a member answers at most
 * {@link #MAX_CONCURRENT} questions at once (more are refused as busy, not queued). A question the member cannot
 * answer (unknown topic, arguments its handler refuses, a handler that throws) gets an error answer, never no
 * answer.
 *
 * <p>Threads: nothing here runs on the engine's actor. Messages arrive on the membership's delivery thread and only
 * complete a future or start a virtual thread, so a slow handler (a cgi program has up to its primitive timeout)
 * delays neither the actor nor the messages behind it. A question to this node itself (a cluster of one) is
 * answered by the same handlers without the network, under the same bounds.
 */
public final class MemberExchange implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(MemberExchange.class.getName());
    /** The largest answer (characters of its body): a cgi panel (256 KiB) escaped in JSON, or a member's routers. */
    public static final int MAX_ANSWER_CHARS = 2 * 1024 * 1024;
    /** Questions a member answers at once; more are refused as busy. */
    public static final int MAX_CONCURRENT = 16;

    /** What a member answers on one topic. */
    @FunctionalInterface
    public interface Handler {
        /**
         * The answer to {@code body} (the handler's JSON text).
         *
         * @throws ServiceException the question is refused or cannot be answered; the message goes to the asker
         */
        String answer(String body) throws ServiceException;
    }

    private final String local;
    private final Supplier<ClusterView> view;
    private final BiConsumer<String, Message> send;
    private final Map<String, Handler> handlers = new ConcurrentHashMap<>();
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final Semaphore answering = new Semaphore(MAX_CONCURRENT);
    private final AtomicLong ids = new AtomicLong();
    private final RateLimitedLog refusedLog = new RateLimitedLog(1_000_000_000L);
    private volatile boolean closed;

    private record Pending(String node, String topic, CompletableFuture<Message.Answer> answer) {
    }

    /**
     * @param local this node's name
     * @param view  the membership's current view (who may be asked)
     * @param send  sends a message to one member
     */
    public MemberExchange(final String local, final Supplier<ClusterView> view,
                          final BiConsumer<String, Message> send) {
        this.local = Objects.requireNonNull(local, "local");
        this.view = view;
        this.send = send;
    }

    /** From now on this node answers {@code topic} with {@code handler}. */
    public void answer(final String topic, final Handler handler) {
        handlers.put(topic, handler);
    }

    /** This node's name. */
    public String localNode() {
        return local;
    }

    /**
     * Asks {@code node} (this node included) about {@code topic} and waits for its answer.
     *
     * @param timeoutMillis the longest wait for the answer
     * @return the answer's body
     * @throws ServiceException one line: the node is not in the view, left it, did not answer in time, refused
     */
    public String ask(final String node, final String topic, final String body, final long timeoutMillis)
            throws ServiceException {
        if (closed) {
            throw new ServiceException(Kind.UNAVAILABLE, local + " is shutting down");
        }
        final String id = local + "-" + ids.incrementAndGet();
        final CompletableFuture<Message.Answer> answer = new CompletableFuture<>();
        if (node.equals(local)) {
            // No network, same bounds: the handler runs on its own thread, counted as any, and the wait is the same.
            if (!answering.tryAcquire()) {
                throw new ServiceException(Kind.UNAVAILABLE, busy());
            }
            Thread.ofVirtual().name("ask-" + id).start(() -> {
                try {
                    answer.complete(answerOf(local, new Message.Ask(id, topic, body)));
                } finally {
                    answering.release();
                }
            });
        } else {
            final ClusterView current = view.get();
            if (current == null || !current.contains(node)) {
                // Configured but not in the view: down or cut off (not now); else no such member.
                final boolean configured = current != null && current.configured().stream()
                        .anyMatch(m -> m.node().equals(node));
                throw new ServiceException(configured ? Kind.UNAVAILABLE : Kind.NOT_FOUND, "node '" + node
                        + "' is not a member of this host's view (members: "
                        + (current == null ? "none yet" : String.join(", ", current.members())) + ")");
            }
            pending.put(id, new Pending(node, topic, answer));
            send.accept(node, new Message.Ask(id, topic, body));
            final ClusterView after = view.get(); // it may have left between the check and the send
            if (after != null && !after.contains(node)) {
                viewChanged(after);
            }
        }
        try {
            final Message.Answer got = answer.get(timeoutMillis, TimeUnit.MILLISECONDS);
            if (!got.ok()) {
                throw new ServiceException(Kind.named(got.kind()), got.error());
            }
            return got.body();
        } catch (TimeoutException e) {
            throw new ServiceException(Kind.UNAVAILABLE, "node " + node + " did not answer (" + topic + ") within "
                    + timeoutMillis + " ms");
        } catch (ExecutionException e) {
            throw new ServiceException(Kind.UNAVAILABLE, "node " + node + ": " + e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceException(Kind.UNAVAILABLE, "interrupted while waiting for " + node);
        } finally {
            pending.remove(id);
        }
    }

    /**
     * A question or an answer from {@code from} (the membership's delivery thread: never blocks). Public so that two
     * exchanges can be wired to each other in memory (the daemon's tests of the verbs that ask a member).
     */
    public void received(final String from, final Message.Exchange message) {
        switch (message) {
            case Message.Ask ask -> {
                if (closed) {
                    send.accept(from, new Message.Answer(ask.id(), false, local + " is shutting down", "",
                            Kind.UNAVAILABLE.name()));
                } else if (!answering.tryAcquire()) {
                    refusedLog.log(LOG, System.Logger.Level.WARNING, "cluster: refused a question (" + ask.topic()
                            + ") from " + from + ": " + MAX_CONCURRENT + " already being answered");
                    send.accept(from, new Message.Answer(ask.id(), false, busy(), "", Kind.UNAVAILABLE.name()));
                } else {
                    Thread.ofVirtual().name("answer-" + ask.id()).start(() -> {
                        try {
                            send.accept(from, answerOf(from, ask));
                        } finally {
                            answering.release();
                        }
                    });
                }
            }
            case Message.Answer answer -> {
                final Pending p = pending.get(answer.id());
                if (p == null || !p.node().equals(from)) {
                    return; // late (the asker gave up) or not from the member asked: nobody waits for it
                }
                if (answer.body().length() > MAX_ANSWER_CHARS) {
                    p.answer().complete(new Message.Answer(answer.id(), false, "the answer of " + from + " ("
                            + p.topic() + ") is " + answer.body().length() + " characters, over the limit of "
                            + MAX_ANSWER_CHARS, "", Kind.UNAVAILABLE.name()));
                } else {
                    p.answer().complete(answer);
                }
            }
        }
    }

    private String busy() {
        return local + " is busy: " + MAX_CONCURRENT + " questions already being answered; try again";
    }

    /** Fails the questions to members that are not in {@code newView} any more: they will not answer. */
    void viewChanged(final ClusterView newView) {
        pending.forEach((id, p) -> {
            if (!newView.contains(p.node())) {
                p.answer().complete(new Message.Answer(id, false, "node " + p.node() + " left the view before it"
                        + " answered (" + p.topic() + ")", "", Kind.UNAVAILABLE.name()));
            }
        });
    }

    /** The answer of this node's handler, bounded, or an error answer: never throws. */
    private Message.Answer answerOf(final String from, final Message.Ask ask) {
        final Handler handler = handlers.get(ask.topic());
        if (handler == null) {
            return new Message.Answer(ask.id(), false, local + " does not answer '" + ask.topic()
                    + "' (it answers: " + String.join(", ", List.copyOf(new java.util.TreeSet<>(handlers.keySet())))
                    + ")", "", Kind.INVALID.name());
        }
        try {
            final String body = handler.answer(ask.body());
            if (body.length() > MAX_ANSWER_CHARS) {
                return new Message.Answer(ask.id(), false, "the answer of " + local + " (" + ask.topic() + ") is "
                        + body.length() + " characters, over the limit of " + MAX_ANSWER_CHARS, "",
                        Kind.UNAVAILABLE.name());
            }
            return new Message.Answer(ask.id(), true, "", body, null);
        } catch (ServiceException e) {
            return new Message.Answer(ask.id(), false, e.getMessage(), "", e.kind().name());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cluster: answering " + ask.topic() + " for " + from + " failed", e);
            return new Message.Answer(ask.id(), false, "internal error on " + local + " answering " + ask.topic()
                    + ": " + e, "", Kind.UNAVAILABLE.name());
        }
    }

    /** Fails every open question: this node leaves the cluster. */
    @Override
    public void close() {
        closed = true;
        pending.forEach((id, p) -> p.answer().complete(new Message.Answer(id, false, local
                + " is shutting down", "", Kind.UNAVAILABLE.name())));
    }
}
