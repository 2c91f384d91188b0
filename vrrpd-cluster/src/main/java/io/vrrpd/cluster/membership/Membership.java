package io.vrrpd.cluster.membership;

import java.io.IOException;

/**
 * The cluster's membership and messaging: views (who is up, who coordinates, quorum) and reliable, ordered
 * messages between nodes. {@code JGroupsMembership} is the real one; the placement tests run on an in-memory
 * one with partitions under their control.
 *
 * <p>Messages from one sender arrive in the order sent (FIFO), and not at all at a node outside the sender's
 * view. Listener calls are serialised: never two at once.
 */
public interface Membership extends AutoCloseable {

    /** Callbacks from the membership layer, one at a time. */
    interface Listener {
        /** A new view was installed (also the first one, on start). */
        void viewChanged(ClusterView view);

        /** A message arrived from {@code from} (a node name of the current view). */
        void received(String from, byte[] payload);
    }

    /** This node's name ({@code [node] name} in vrrpd.toml). */
    String localNode();

    /** Joins the cluster; the listener then gets the first view. */
    void start(Listener listener) throws IOException;

    /** The current view. */
    ClusterView view();

    /** Sends to one node (dropped if it is not in the view). */
    void send(String node, byte[] payload);

    /** Sends to every node of the view, this one included. */
    void broadcast(byte[] payload);

    /** Leaves the cluster. */
    @Override
    void close();
}
