package io.vrrpd.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * picocli's parse errors in vrrpadm's words (the daemon's standard: what is wrong, where, what is allowed): a
 * misspelt subcommand or option names the nearest real one ("did you mean --priority?"), an unknown option is
 * reported before the required options it hid, an extra argument says what the subcommand takes, and
 * {@code modify-router} says that a router's identity (VRID, link, family, version) cannot change.
 */
final class UsageMessages {
    /** modify-router's missing options: create-router's that name the router on the wire. */
    private static final Set<String> IDENTITY = Set.of("-V", "--vrid", "-l", "--link", "-A", "--address_family",
            "-v", "--vrrp-version");
    private static final int MAX_DISTANCE = 3;

    private UsageMessages() {
    }

    static String of(final ParameterException e) {
        final CommandLine where = e.getCommandLine();
        final List<String> unmatched = where.getUnmatchedArguments();
        if (e instanceof UnmatchedArgumentException || !unmatched.isEmpty()) {
            final String first = unmatched.isEmpty() ? null : unmatched.getFirst();
            if (first != null) {
                return unmatched(where, first);
            }
        }
        // picocli's own sentences ("Missing required option: ...") in vrrpadm's style: lower case, then --help.
        final String message = e.getMessage();
        return prefix(where) + Character.toLowerCase(message.charAt(0)) + message.substring(1) + " (see: vrrpadm "
                + (where.getCommandSpec().parent() == null ? "" : where.getCommandSpec().name() + " ") + "--help)";
    }

    private static String unmatched(final CommandLine where, final String argument) {
        final CommandSpec spec = where.getCommandSpec();
        final String name = spec.name();
        if (spec.parent() == null && !argument.startsWith("-")) {
            return "'" + argument + "' is not a subcommand" + suggestion(argument, spec.subcommands().keySet())
                    + " (see: vrrpadm --help)";
        }
        if (argument.startsWith("-")) {
            final String option = argument.contains("=") ? argument.substring(0, argument.indexOf('=')) : argument;
            if (name.equals("modify-router") && IDENTITY.contains(option)) {
                return "modify-router: " + option + " cannot be changed: vrid, link, address_family and version are"
                        + " the router's identity on the wire (delete-router, then create-router with the new value)";
            }
            final List<String> names = new ArrayList<>();
            for (final OptionSpec known : spec.options()) {
                names.addAll(List.of(known.names()));
            }
            return prefix(where) + "unknown option '" + option + "'" + suggestion(option, names) + " (see: vrrpadm "
                    + (spec.parent() == null ? "" : name + " ") + "--help)";
        }
        final long positionals = spec.positionalParameters().size();
        return prefix(where) + "unexpected argument '" + argument + "' (" + (positionals == 0 ? name + " takes no"
                + " arguments" : name + " takes " + spec.positionalParameters().stream()
                .map(p -> p.paramLabel()).reduce((a, b) -> a + " " + b).orElse("")) + "; see: vrrpadm " + name
                + " --help)";
    }

    private static String prefix(final CommandLine where) {
        return where.getCommandSpec().parent() == null ? "" : where.getCommandSpec().name() + ": ";
    }

    /** " (did you mean X?)" for the nearest candidate (a prefix of 3+ letters, else by edit distance), or "". */
    static String suggestion(final String given, final java.util.Collection<String> candidates) {
        return nearest(given.toLowerCase(Locale.ROOT), candidates);
    }

    private static String nearest(final String given, final java.util.Collection<String> candidates) {
        final java.util.TreeMap<Integer, java.util.TreeSet<String>> byScore = new java.util.TreeMap<>();
        for (final String candidate : candidates) {
            if (candidate.startsWith("--") != given.startsWith("--") && given.startsWith("-")) {
                continue; // a long option for a long one, a short for a short
            }
            final String c = candidate.toLowerCase(Locale.ROOT);
            final int score = c.startsWith(given) && given.replace("-", "").length() >= 3 ? 0 : distance(given, c);
            byScore.computeIfAbsent(score, k -> new java.util.TreeSet<>()).add(candidate);
        }
        final int allowed = Math.min(MAX_DISTANCE, Math.max(1, given.length() / 3));
        if (byScore.isEmpty() || byScore.firstKey() > allowed || byScore.firstEntry().getValue().size() > 4) {
            return "";
        }
        final List<String> best = List.copyOf(byScore.firstEntry().getValue());
        return " (did you mean " + (best.size() == 1 ? best.getFirst()
                : String.join(", ", best.subList(0, best.size() - 1)) + " or " + best.getLast()) + "?)";
    }

    /** Levenshtein distance (the strings are short: option and subcommand names). */
    static int distance(final String a, final String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                final int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            final int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
