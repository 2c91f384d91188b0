package io.vrrpd.cli;

import java.util.List;

/**
 * The columns of {@code show-cluster} (DESIGN.md §2): one row per member. STATUS {@code up|down}; ROLE
 * {@code coordinator|member}, VIEW (the view id) and QUORUM ({@code yes|no}: whether the view holds a majority of
 * the configured members) as this node sees the partition it is in, so none for a member that is down.
 */
enum ClusterField implements Column {
    NODE, ADDRESS, STATUS, ROLE, VIEW, QUORUM;

    static final List<ClusterField> ALL = List.of(values());
}
