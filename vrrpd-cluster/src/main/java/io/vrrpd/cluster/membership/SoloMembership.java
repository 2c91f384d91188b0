package io.vrrpd.cluster.membership;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The membership of a host without {@code [cluster]} in vrrpd.toml: a cluster of one, always quorate. Messages
 * to itself are delivered in order on one thread, as a real membership would.
 */
public final class SoloMembership implements Membership {
    private final String node;
    private final ExecutorService delivery;
    private final ClusterView view;
    private volatile Listener listener;

    public SoloMembership(final String node) {
        this.node = node;
        this.delivery = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("solo-membership").daemon()
                .factory());
        this.view = new ClusterView(1, List.of(node), true, 1, List.of(new ClusterView.Member(node, "-", true)));
    }

    @Override
    public String localNode() {
        return node;
    }

    @Override
    public void start(final Listener newListener) {
        listener = newListener;
        delivery.execute(() -> newListener.viewChanged(view));
    }

    @Override
    public ClusterView view() {
        return view;
    }

    @Override
    public void send(final String to, final byte[] payload) {
        if (to.equals(node)) {
            broadcast(payload);
        }
    }

    @Override
    public void broadcast(final byte[] payload) {
        final Listener l = listener;
        if (l != null && !delivery.isShutdown()) {
            delivery.execute(() -> l.received(node, payload));
        }
    }

    @Override
    public void close() {
        delivery.shutdown();
    }
}
