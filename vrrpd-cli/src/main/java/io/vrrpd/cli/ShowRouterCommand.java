package io.vrrpd.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code vrrpadm show-router}: the daemon sends every field; this picks the view's columns and formats. */
@Command(name = "show-router", sortOptions = false,
        description = {
                "Show routers (all, or NAME).",
                "",
                "Default fields: NAME VRID LINK AF PRIO ADV_INTV MODE STATE VNIC",
                "-x fields:      NAME ADMIN STATE PRV_STAT STAT_LAST VNIC PRIMARY_IP",
                "                VIRTUAL_IPS REASON SYNC_GROUP",
                "-P fields:      NAME PEER P_PRIO P_INTV P_ADV_LAST M_DOWN_INTV P_CKSUM",
                "-S fields:      NAME STATE ADV_SENT ADV_RCVD TRANSITIONS DROPS",
                "                RCVD_PSEUDO_HEADER RCVD_MESSAGE_ONLY",
                "AF: IPv4|IPv6. MODE: e(nabled) o(wner) p(reempt) a(ccept), '-' where unset.",
                "STATE, PRV_STAT: INIT|BACKUP|MASTER. ADMIN: disabled|offline|online|maintenance.",
                "ADV_INTV, P_INTV, M_DOWN_INTV in ms; STAT_LAST (since the last state change)",
                "and P_ADV_LAST (since the Master's last advertisement) in seconds, e.g. 12.345s.",
                "DROPS: received packets dropped, as reason=count,... (reasons: docs/CONFIG.md).",
                "P_CKSUM: the checksum form of the peer's last accepted advertisement,",
                "pseudo-header|message-only; RCVD_PSEUDO_HEADER, RCVD_MESSAGE_ONLY: accepted",
                "advertisements by checksum form (ADV_RCVD is their sum).",
                "A value the daemon does not have shows as -- (empty with -p, null with --json).",
                ""})
final class ShowRouterCommand implements Callable<Integer> {

    @Mixin
    private Subcommand vrrpadm;

    @Option(names = {"-x", "--extended"}, description = "Extended view: administrative and protocol state.")
    private boolean extended;

    @Option(names = {"-P", "--peer"}, description = "Peer view: the Master heard from (not with -x).")
    private boolean peer;

    @Option(names = {"-S", "--statistics"},
            description = "Statistics view: advertisements sent and accepted, transitions, drops by reason.")
    private boolean statistics;

    @Mixin
    private OutputOptions format;

    @Parameters(arity = "0..1", paramLabel = "NAME", description = "Only this router.")
    private String name;

    @Override
    public Integer call() {
        final List<Field> fields = fields();
        final ObjectNode args = JsonNodeFactory.instance.objectNode();
        if (name != null) {
            args.put("name", name);
        }
        vrrpadm.print(format.render(fields, vrrpadm.show(args)));
        return 0;
    }

    /** Checks the option combination before anything is sent, and picks the columns. */
    private List<Field> fields() {
        return fields(extended, peer, statistics, format.parsable, format.output, format.json);
    }

    /** The same from the options' values: picocli's instance above, or {@link QuickShowRouter}'s own parse. */
    static List<Field> fields(final boolean extended, final boolean peer, final boolean statistics,
                              final boolean parsable, final String output, final boolean json) {
        if ((peer ? 1 : 0) + (extended ? 1 : 0) + (statistics ? 1 : 0) > 1) {
            throw CliException.usage("show-router: choose one view of -x/--extended, -P/--peer, -S/--statistics");
        }
        return OutputOptions.fields("show-router", Field.class,
                (extended ? View.EXTENDED : peer ? View.PEER_INFO : statistics ? View.STATISTICS : View.PLAIN)
                        .fields(), parsable, output, json);
    }
}
