package io.vrrpd.cluster.engine;

/** What the coordinator tells one node to do with one service; the output of {@link Placement#decide}. */
public sealed interface Decision {
    String service();

    String node();

    /** Start the service on {@code node}. */
    record Start(String service, String node) implements Decision {
    }

    /** Stop the service on {@code node} (it may then start elsewhere). */
    record Stop(String service, String node, String why) implements Decision {
    }
}
