package io.vrrpd.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code vrrpadm set-log-level [LEVEL]}: the daemon's log level now (not saved: a restart goes back). */
@Command(name = "set-log-level", sortOptions = false,
        description = {"Set vrrpd's log level at run time: error, warning, info or debug (debug adds a line per"
                + " advertisement sent and received). Without LEVEL, show it. Not saved: a restart goes back to"
                + " --log-level or [log] level in vrrpd.toml. SIGUSR1 to vrrpd switches between debug and that"
                + " level too.", ""})
final class SetLogLevelCommand implements Callable<Integer> {
    private static final List<String> LEVELS = List.of("error", "warning", "info", "debug");

    @Mixin
    private Subcommand vrrpadm;

    @Parameters(paramLabel = "LEVEL", arity = "0..1", description = "error, warning, info or debug.")
    private String level;

    @Override
    public Integer call() {
        final ObjectNode args = JsonNodeFactory.instance.objectNode();
        if (level != null) {
            if (!LEVELS.contains(level)) {
                throw CliException.usage("LEVEL: '" + level + "' is not a log level (allowed: "
                        + String.join(", ", LEVELS) + ")");
            }
            args.put("level", level);
        }
        final JsonNode answer = vrrpadm.call(vrrpadm.name(), args);
        vrrpadm.print("log level: " + answer.path("level").asText()
                + (level == null ? "" : " (was " + answer.path("previous").asText() + ")") + "\n");
        return 0;
    }
}
