package io.vrrpd.cluster.engine;

import io.vrrpd.cluster.membership.ClusterView;
import io.vrrpd.cluster.membership.Membership;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A LAN of in-memory memberships for the engine tests: views per partition, FIFO delivery per receiver, and
 * faults under the test's control — a partition (both sides see a new view), a crash (the node hears nothing
 * more and nobody hears it; it does not even learn that it left), or a view installed late on one node. As with
 * JGroups, a message from a node outside the receiver's current view is dropped.
 */
final class InMemoryNetwork {
    private final List<String> configured;
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    /** Nodes whose new views are held back (installed late, as after a JGroups merge), with the held view. */
    private final Map<String, ClusterView> heldViews = new LinkedHashMap<>();
    private final List<Drop> drops = new ArrayList<>();
    private final List<Drop> delays = new ArrayList<>();
    private long delayMillis;
    private long viewIds;
    /** How long a node's own broadcasts take to come back to it (JGroups loops them back on another path). */
    private volatile long loopbackDelayMillis;

    InMemoryNetwork(final List<String> configured) {
        this.configured = List.copyOf(configured);
    }

    synchronized Membership membership(final String name) {
        final Node node = new Node(name);
        nodes.put(name, node);
        return node;
    }

    /** Every unicast sent, as {@code FROM>TO JSON}, in order (what a host told another, e.g. a placement command). */
    final List<String> sent = java.util.Collections.synchronizedList(new ArrayList<>());

    /**
     * A copy of {@link #sent} taken under its lock: streaming the synchronized list itself while hosts send
     * throws ConcurrentModificationException (seen in CI).
     */
    List<String> sentSoFar() {
        synchronized (sent) {
            return List.copyOf(sent);
        }
    }

    /** Delivers {@code payload} to {@code to} as if {@code from} had sent it (a member that misbehaves). */
    void forge(final String from, final String to, final byte[] payload) {
        final Node target;
        synchronized (this) {
            target = nodes.get(to);
        }
        deliverFrom(from, target, payload);
    }

    /** A message loss to come: the next {@code count} messages from {@code from} to {@code to} containing {@code marker}. */
    private static final class Drop {
        final String from;
        final String to;
        final String marker;
        int count;

        Drop(final String from, final String to, final String marker, final int count) {
            this.from = from;
            this.to = to;
            this.marker = marker;
            this.count = count;
        }
    }

    /**
     * Loses the next {@code count} messages (broadcast or unicast) from {@code from} to {@code to} whose JSON contains
     * {@code marker}, as JGroups does with a message from a sender that is not in the receiver's view yet.
     */
    synchronized void dropNext(final String from, final String to, final String marker, final int count) {
        drops.add(new Drop(from, to, marker, count));
    }

    /**
     * Delays the next {@code count} messages from {@code from} to {@code to} containing {@code marker} by
     * {@code millis} (later messages may overtake them): a slow delivery, e.g. a node's own broadcast looped back
     * late.
     */
    synchronized void delayNext(final String from, final String to, final String marker, final int count,
                                final long millis) {
        delays.add(new Drop(from, to, marker, count));
        delayMillis = millis;
    }

    private synchronized long delay(final String from, final String to, final byte[] payload) {
        return takes(delays, from, to, payload) ? delayMillis : 0;
    }

    /** Whether one of {@code rules} with uses left matches this message; that use is taken. */
    private static boolean takes(final List<Drop> rules, final String from, final String to, final byte[] payload) {
        final String text = new String(payload, java.nio.charset.StandardCharsets.UTF_8);
        for (final Drop d : rules) {
            if (d.count > 0 && d.from.equals(from) && d.to.equals(to) && text.contains(d.marker)) {
                d.count--;
                return true;
            }
        }
        return false;
    }

    private void deliverFrom(final String from, final Node target, final byte[] payload) {
        final long loopback = target.name.equals(from) ? loopbackDelayMillis : 0;
        final long millis = Math.max(loopback, delay(from, target.name, payload));
        if (millis == 0) {
            target.deliver(l -> l.received(from, payload));
            return;
        }
        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                return;
            }
            target.deliver(l -> l.received(from, payload));
        });
    }

    private synchronized boolean dropped(final String from, final String to, final byte[] payload) {
        return takes(drops, from, to, payload);
    }

    /** Splits the network: each argument is one side, in view order. */
    synchronized void partition(final List<List<String>> sides) {
        int side = 0;
        for (final List<String> members : sides) {
            for (final String m : members) {
                nodes.get(m).side = side;
            }
            side++;
        }
        installViews();
    }

    /** Heals every partition (crashed nodes stay out). */
    synchronized void heal() {
        nodes.values().forEach(n -> n.side = 0);
        installViews();
    }

    /** Delays every node's copy of its own broadcasts by {@code millis}, so others' answers may overtake it. */
    void loopbackDelay(final long millis) {
        loopbackDelayMillis = millis;
    }

    /** From now on {@code name} installs its new views only when {@link #releaseView} is called. */
    synchronized void holdViews(final String name) {
        heldViews.putIfAbsent(name, null);
    }

    /** Installs the view held back for {@code name} (if any) and stops holding its views. */
    synchronized void releaseView(final String name) {
        final ClusterView view = heldViews.remove(name);
        final Node n = nodes.get(name);
        if (view != null && !view.members().equals(n.view == null ? null : n.view.members())) {
            n.view = view;
            n.deliver(l -> l.viewChanged(view));
        }
    }

    /**
     * Cuts {@code name} off (or reconnects it) without any view change: the moment between a partition and the
     * membership noticing it, held as long as the test likes.
     */
    synchronized void silence(final String name, final boolean silent) {
        nodes.get(name).silent = silent;
    }

    /** The node stops hearing and being heard, without a view of its own. */
    synchronized void crash(final String name) {
        nodes.get(name).crashed = true;
        installViews();
    }

    private void installViews() {
        final Map<Integer, List<Node>> sides = new LinkedHashMap<>();
        for (final Node n : nodes.values()) {
            if (n.started && !n.crashed) {
                sides.computeIfAbsent(n.side, k -> new ArrayList<>()).add(n);
            }
        }
        for (final List<Node> side : sides.values()) {
            final List<String> members = side.stream().map(n -> n.name).toList();
            final ClusterView view = new ClusterView(++viewIds, members,
                    members.size() >= configured.size() / 2 + 1, configured.size() / 2 + 1,
                    configured.stream().map(c -> new ClusterView.Member(c, c + ":7800", members.contains(c))).toList());
            for (final Node n : side) {
                if (heldViews.containsKey(n.name)) {
                    heldViews.put(n.name, view);
                } else if (!view.members().equals(n.view == null ? null : n.view.members())) {
                    n.view = view;
                    n.deliver(l -> l.viewChanged(view));
                }
            }
        }
    }

    /** As JGroups: a message from a node that is not in the receiver's current view is dropped. */
    private synchronized boolean reachable(final Node from, final Node to) {
        return from.started && to.started && !from.crashed && !to.crashed && from.side == to.side
                && (from == to || !from.silent && !to.silent)
                && (to.view == null || to.view.contains(from.name));
    }

    private final class Node implements Membership {
        final String name;
        final ExecutorService delivery;
        volatile Listener listener;
        volatile ClusterView view;
        boolean started;
        boolean crashed;
        boolean silent;
        int side;

        Node(final String name) {
            this.name = name;
            this.delivery = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("net-" + name).daemon().factory());
        }

        void deliver(final java.util.function.Consumer<Listener> call) {
            final Listener l = listener;
            if (l != null && !delivery.isShutdown()) {
                delivery.execute(() -> call.accept(l));
            }
        }

        @Override
        public String localNode() {
            return name;
        }

        @Override
        public void start(final Listener newListener) {
            synchronized (InMemoryNetwork.this) {
                listener = newListener;
                started = true;
                installViews();
            }
        }

        @Override
        public ClusterView view() {
            return view;
        }

        @Override
        public void send(final String to, final byte[] payload) {
            sent.add(name + ">" + to + " " + new String(payload, java.nio.charset.StandardCharsets.UTF_8));
            final Node target;
            synchronized (InMemoryNetwork.this) {
                target = nodes.get(to);
                if (target == null || !reachable(this, target) || dropped(name, to, payload)) {
                    return;
                }
            }
            deliverFrom(name, target, payload);
        }

        @Override
        public void broadcast(final byte[] payload) {
            final List<Node> targets = new ArrayList<>();
            synchronized (InMemoryNetwork.this) {
                for (final Node n : nodes.values()) {
                    if (reachable(this, n) && !dropped(name, n.name, payload)) {
                        targets.add(n);
                    }
                }
            }
            targets.forEach(t -> deliverFrom(name, t, payload));
        }

        @Override
        public void close() {
            synchronized (InMemoryNetwork.this) {
                started = false;
                installViews();
            }
            delivery.shutdown();
        }
    }
}
