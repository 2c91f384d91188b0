package io.vrrpd.cluster.membership;

import java.util.List;
import java.util.Objects;

/**
 * One membership view as this host sees it: who is in its partition, who coordinates, whether it holds quorum.
 *
 * @param viewId     increases with every view this host installs (JGroups' view id); 0 before the first one
 * @param members    the node names in the view, in view order (the first one coordinates)
 * @param quorate    whether the view holds a majority of the configured members (always true for a cluster of
 *                   one, or without a member list)
 * @param quorumSize how many configured members make a majority (1 for a cluster of one)
 * @param configured every configured member with its status, for {@code show-cluster}
 */
public record ClusterView(long viewId, List<String> members, boolean quorate, int quorumSize,
                          List<Member> configured) {

    public ClusterView {
        members = List.copyOf(members);
        configured = List.copyOf(configured);
        if (members.isEmpty()) {
            throw new IllegalArgumentException("a view has at least this host in it");
        }
        Objects.checkIndex(quorumSize - 1, Integer.MAX_VALUE);
    }

    /** The coordinator: the first member. */
    public String coordinator() {
        return members.getFirst();
    }

    /** Whether {@code node} is in this view. */
    public boolean contains(final String node) {
        return members.contains(node);
    }

    /**
     * A configured (or seen) member, one row of {@code show-cluster}.
     *
     * @param node    its node name; "-" while it was never seen
     * @param address its cluster address {@code ADDR:PORT}
     * @param up      whether it is in the current view
     */
    public record Member(String node, String address, boolean up) {
    }
}
