package io.vrrpd.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Option;

import java.util.List;

/**
 * The output options every show verb has (DESIGN.md §2): {@code -p -o FIELD,…} parseable, {@code -o} alone picks
 * columns, {@code --json} an array of objects. Checks their combination before anything is sent.
 */
final class OutputOptions {

    @Option(names = {"-p", "--parsable"},
            description = "One line per row, fields separated by ':', no header; ':' and '\\' in values"
                    + " escaped with '\\'. Needs -o.")
    boolean parsable;

    @Option(names = {"-o", "--output"}, paramLabel = "FIELD[,FIELD...]",
            description = "Fields to show, from any view, any case; 'all' for every field.")
    String output;

    @Option(names = "--json", description = "A JSON array of objects with lower-case field names.")
    boolean json;

    /** The columns: {@code -o}'s, else {@code defaults}; refuses {@code -p} without {@code -o} and with --json. */
    <C extends Enum<C> & Column> List<C> fields(final String verb, final Class<C> type, final List<C> defaults) {
        return fields(verb, type, defaults, parsable, output, json);
    }

    /** The same from the options' values (the lean show-router path has no picocli to fill in an instance). */
    static <C extends Enum<C> & Column> List<C> fields(final String verb, final Class<C> type, final List<C> defaults,
                                                      final boolean parsable, final String output, final boolean json) {
        if (parsable && output == null) {
            throw CliException.usage(verb + ": -p/--parsable requires -o/--output FIELD[,FIELD...]");
        }
        if (parsable && json) {
            throw CliException.usage(verb + ": -p/--parsable and --json cannot be combined");
        }
        return output != null ? Column.parseList(output, type) : defaults;
    }

    /** {@code rows} in the chosen form. */
    String render(final List<? extends Column> fields, final List<JsonNode> rows) {
        return json ? Table.json(fields, rows) : parsable ? Table.parsable(fields, rows) : Table.human(fields, rows);
    }
}
