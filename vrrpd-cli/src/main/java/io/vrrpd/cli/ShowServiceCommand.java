package io.vrrpd.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code vrrpadm show-service}: the daemon sends every field; this picks the view's columns and formats. */
@Command(name = "show-service", sortOptions = false,
        description = {
                "Show services (all, or NAME).",
                "",
                "Default fields: NAME TYPE STATE STARTED_ON ACTIVE_ON ADDRESSES",
                "-x fields:      NAME NODE ACTIVE STATE LAST_CHECK LAST_ACTION RESULT STATUS BLOCKED",
                "                (one row per host that knows the service)",
                "More fields:    LINK CHECK_INTV WANTED PROPERTIES FAILURES (per host)",
                "STATE: started|stopped|failed|starting|stopping (with -x: on that host).",
                "STARTED_ON: the host it runs on. ACTIVE: true|false.",
                "LAST_CHECK: the last check's result and age, e.g. 'fine 2.345s ago'.",
                "LAST_ACTION: the last primitive run and its age; RESULT: how it ended.",
                "STATUS: the first line of the status primitive's output (--json: all of",
                "it; --status NAME prints all of it per host). CHECK_INTV in ms.",
                "WANTED: whether the cluster keeps it started. PROPERTIES: key=value,...",
                "BLOCKED: yes when a stop failed or timed out on that host: its copy may",
                "still run, so the service starts nowhere until that host is fenced or",
                "'clear-service -n HOST NAME' (after checking). FAILURES: failures on that",
                "host since the last clear-service.",
                "A per-host field in -o makes one row per host, as -x.",
                "A value the daemon does not have shows as -- (empty with -p, null with --json).",
                ""})
final class ShowServiceCommand implements Callable<Integer> {

    @Mixin
    private Subcommand vrrpadm;

    @Option(names = {"-x", "--extended"}, description = "Extended view: one row per host.")
    private boolean extended;

    @Option(names = "--status", description = "Print NAME's whole status text (the status primitive's output, at"
            + " most 16 KiB per host), under a '== NODE (STATE) ==' line per host.")
    private boolean statusText;

    @Mixin
    private OutputOptions format;

    @Parameters(arity = "0..1", paramLabel = "NAME", description = "Only this service.")
    private String name;

    @Override
    public Integer call() {
        if (statusText && (name == null || extended || format.output != null || format.parsable || format.json)) {
            throw CliException.usage("show-service: --status needs NAME and goes alone (not with -x, -o, -p or"
                    + " --json: --json carries the whole text already)");
        }
        final List<ServiceField> fields = format.fields("show-service", ServiceField.class,
                extended ? ServiceField.EXTENDED : ServiceField.PLAIN);
        final ObjectNode args = JsonNodeFactory.instance.objectNode();
        if (name != null) {
            args.put("name", name);
        }
        final List<JsonNode> services = vrrpadm.show(args);
        if (statusText) {
            vrrpadm.print(statusTexts(services));
            return 0;
        }
        final List<JsonNode> rows = rows(services, extended || ServiceField.perNode(fields));
        if (!format.json) {
            rows.forEach(ShowServiceCommand::firstLineOfStatus); // a table cell holds one line
        }
        vrrpadm.print(format.render(fields, rows));
        return 0;
    }

    /** Each host's whole status text under a {@code == NODE (STATE) ==} line, hosts in the daemon's order. */
    static String statusTexts(final List<JsonNode> services) {
        final StringBuilder out = new StringBuilder();
        for (final JsonNode service : services) {
            for (final JsonNode node : service.path("nodes")) {
                final JsonNode text = node.path("status");
                out.append("== ").append(node.path("node").asText()).append(" (")
                        .append(node.path("state").asText("--")).append(") ==\n")
                        .append(text.isTextual() && !text.textValue().isEmpty() ? text.textValue()
                                : "(no status text)").append('\n');
            }
        }
        return out.toString();
    }

    private static void firstLineOfStatus(final JsonNode row) {
        final JsonNode status = row.get("status");
        if (row instanceof ObjectNode object && status != null && status.isTextual()) {
            final String text = status.textValue();
            final int newline = text.indexOf('\n');
            object.put("status", newline < 0 ? text : text.substring(0, newline).strip());
        }
    }

    /**
     * One row per service, or with {@code perNode} one per host: the service's fields with the host's over them
     * (its STATE is the state on that host).
     */
    static List<JsonNode> rows(final List<JsonNode> services, final boolean perNode) {
        final List<JsonNode> rows = new ArrayList<>();
        for (final JsonNode service : services) {
            if (!perNode) {
                rows.add(service);
                continue;
            }
            for (final JsonNode node : service.path("nodes")) {
                final ObjectNode row = ((ObjectNode) service).deepCopy();
                row.remove("nodes");
                row.setAll((ObjectNode) node);
                rows.add(row);
            }
        }
        return rows;
    }
}
