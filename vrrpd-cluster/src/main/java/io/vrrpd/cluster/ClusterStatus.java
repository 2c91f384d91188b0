package io.vrrpd.cluster;

import io.vrrpd.cluster.membership.ClusterView;

/**
 * The cluster as {@code show-cluster} shows it (DESIGN.md §2: NODE ADDRESS STATUS ROLE VIEW QUORUM).
 *
 * @param clusterName {@code [cluster] name}, or "-" for a cluster of one
 * @param localNode   this node's name
 * @param view        the current view with every configured member
 */
public record ClusterStatus(String clusterName, String localNode, ClusterView view) {
}
