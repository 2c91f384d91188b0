package io.vrrpd.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code vrrpadm show-cluster}: the members as this node sees them. */
@Command(name = "show-cluster", sortOptions = false,
        description = {
                "Show the cluster's members as this host sees them.",
                "",
                "Fields: NODE ADDRESS STATUS ROLE VIEW QUORUM",
                "One row per configured member ([cluster] members of vrrpd.toml), and per member",
                "of the view that is not configured. STATUS: up|down. ROLE: coordinator|member.",
                "VIEW: the membership view id. QUORUM: yes|no, whether the view holds a majority",
                "of the configured members. ROLE, VIEW and QUORUM are -- for a member that is down;",
                "NODE is -- for a configured member never seen.",
                ""})
final class ShowClusterCommand implements Callable<Integer> {

    @Mixin
    private Subcommand vrrpadm;

    @Mixin
    private OutputOptions format;

    @Override
    public Integer call() {
        final List<ClusterField> fields = format.fields("show-cluster", ClusterField.class, ClusterField.ALL);
        vrrpadm.print(format.render(fields, vrrpadm.show(JsonNodeFactory.instance.objectNode())));
        return 0;
    }
}
