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
 * faults under the test's control — a partition (both sides see a new view) or a crash (the node hears nothing
 * more and nobody hears it; it does not even learn that it left).
 */
final class InMemoryNetwork {
    private final List<String> configured;
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private long viewIds;
    /**
     * Delay between two members installing the same view, as on a real network: the coordinator gets it last, the
     * k-th of n members (n - 1 - k) × this late. Messages from a sender outside the receiver's installed view are dropped (as
     * JGroupsMembership does), so a message sent right after a view change can be lost.
     */
    volatile long staggerMillis;
    private final java.util.concurrent.ScheduledExecutorService scheduler =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("net-views").daemon().factory());

    InMemoryNetwork(final List<String> configured) {
        this.configured = List.copyOf(configured);
    }

    synchronized Membership membership(final String name) {
        final Node node = new Node(name);
        nodes.put(name, node);
        return node;
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
            int k = side.size() - 1;
            for (final Node n : side) {
                if (!view.members().equals(n.view == null ? null : n.view.members())) {
                    n.view = view;
                    // Queued late, not slept in the queue: messages sent meanwhile are delivered before the view
                    // (and dropped when their sender is not in the installed one). Never before an earlier view.
                    final long due = Math.max(n.viewDue, System.nanoTime() + k-- * staggerMillis * 1_000_000L);
                    n.viewDue = due;
                    final Runnable install = () -> n.deliver(l -> {
                        n.installed = view;
                        l.viewChanged(view);
                    });
                    final long wait = due - System.nanoTime();
                    if (wait <= 0) {
                        install.run();
                    } else {
                        scheduler.schedule(install, wait, java.util.concurrent.TimeUnit.NANOSECONDS);
                    }
                }
            }
        }
    }

    private synchronized boolean reachable(final Node from, final Node to) {
        return from.started && to.started && !from.crashed && !to.crashed && from.side == to.side;
    }

    private final class Node implements Membership {
        final String name;
        final ExecutorService delivery;
        volatile Listener listener;
        volatile ClusterView view;
        /** The view this node's listener has been given (later than {@link #view} while it is on its way). */
        volatile ClusterView installed;
        long viewDue;
        boolean started;
        boolean crashed;
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

        void receive(final Listener l, final String from, final byte[] payload) {
            final ClusterView v = installed;
            if (v != null && v.contains(from)) {
                l.received(from, payload);
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
            final Node target;
            synchronized (InMemoryNetwork.this) {
                target = nodes.get(to);
                if (target == null || !reachable(this, target)) {
                    return;
                }
            }
            target.deliver(l -> target.receive(l, name, payload));
        }

        @Override
        public void broadcast(final byte[] payload) {
            final List<Node> targets = new ArrayList<>();
            synchronized (InMemoryNetwork.this) {
                for (final Node n : nodes.values()) {
                    if (reachable(this, n)) {
                        targets.add(n);
                    }
                }
            }
            targets.forEach(t -> t.deliver(l -> t.receive(l, name, payload)));
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
