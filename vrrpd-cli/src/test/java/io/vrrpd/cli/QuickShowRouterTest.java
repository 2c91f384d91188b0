package io.vrrpd.cli;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Example;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The lean show-router parser against picocli's, on generated command lines: whatever it takes, picocli parses
 * without error, help or {@code --json}, to the same values; everything else it leaves to picocli.
 */
class QuickShowRouterTest {

    /** Words of vrrpadm's command lines and near misses: options, values, their glued forms, typos, specials. */
    private static final List<String> WORDS = List.of(
            "show-router", "show-routers", "show-service", "create-router", "--socket", "--socket=/s.sock", "--socket=",
            "/run/x.sock", "-x", "--extended", "-P", "--peer", "-S", "--statistics", "-p", "--parsable", "-o",
            "--output", "--output=name", "--output=", "--output=-x", "-oname", "-o=name", "name,state", "all", "--json",
            "-h", "--help", "-V", "--version", "--", "-", "@args", "web", "db6", "", " ", "-xp", "-xo", "-Px",
            "--extended=true", "-x=true", "--peer=false", "--Extended", "-1", "a=b", "--socket=-x", "--sock", "-s");

    /** What picocli makes of {@code args} as the lean parser's values; null if it fails or would not run them. */
    private static QuickShowRouter.Args picocli(final String[] args) {
        final ParseResult top;
        try {
            top = VrrpadmMain.commandLine(new VrrpadmMain(), args).parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            return null;
        }
        if (top.isUsageHelpRequested() || top.isVersionHelpRequested() || !top.hasSubcommand()) {
            return null;
        }
        final ParseResult sub = top.subcommand();
        if (!sub.commandSpec().name().equals("show-router") || sub.isUsageHelpRequested()
                || sub.matchedOptionValue("--json", false)) {
            return null;
        }
        return new QuickShowRouter.Args(top.matchedOptionValue("--socket", null),
                sub.matchedOptionValue("--socket", null), sub.matchedOptionValue("-x", false),
                sub.matchedOptionValue("-P", false), sub.matchedOptionValue("-S", false),
                sub.matchedOptionValue("-p", false), sub.matchedOptionValue("-o", null),
                sub.matchedPositionalValue(0, null));
    }

    private static void assertAgrees(final List<String> args) {
        final String[] argv = args.toArray(String[]::new);
        final QuickShowRouter.Args lean = QuickShowRouter.parse(argv);
        if (lean != null) {
            assertEquals(picocli(argv), lean, "vrrpadm " + String.join(" ", args));
        }
    }

    @Property(tries = 3000)
    void shouldParseAsPicocliDoesAnyWords(@ForAll("anyWords") final List<String> args) {
        assertAgrees(args);
    }

    @Property(tries = 3000)
    void shouldParseAsPicocliDoesShowRouterLines(@ForAll("showRouterLines") final List<String> args) {
        assertAgrees(args);
    }

    @Provide
    Arbitrary<List<String>> anyWords() {
        return word().list().ofMaxSize(8);
    }

    /** {@code [socket option] show-router} and then words: most of them are lines the lean path takes. */
    @Provide
    Arbitrary<List<String>> showRouterLines() {
        final Arbitrary<List<String>> prefix = Arbitraries.of(List.of(), List.of("--socket", "/run/x.sock"),
                List.of("--socket=/s.sock"), List.of("--socket", "--socket"), List.of("web"));
        return Combinators.combine(prefix, word().list().ofMaxSize(6)).as((before, after) -> {
            final List<String> args = new ArrayList<>(before);
            args.add("show-router");
            args.addAll(after);
            return args;
        });
    }

    private static Arbitrary<String> word() {
        return Arbitraries.oneOf(Arbitraries.of(WORDS),
                Arbitraries.strings().withChars("-@=oxPS, /a").ofMaxLength(5));
    }

    @Example
    void shouldTakeTheCommonLines() {
        assertEquals(new QuickShowRouter.Args(null, null, false, false, false, false, null, null),
                QuickShowRouter.parse(new String[] {"show-router"}));
        assertEquals(new QuickShowRouter.Args("/s", null, true, false, false, false, null, "web"),
                QuickShowRouter.parse(new String[] {"--socket", "/s", "show-router", "-x", "web"}));
        assertEquals(new QuickShowRouter.Args("/s", "/t", false, true, false, true, "name,state", "db"),
                QuickShowRouter.parse(new String[] {"--socket=/s", "show-router", "--peer", "-p", "-o", "name,state",
                        "--socket", "/t", "db"}));
        assertEquals(new QuickShowRouter.Args(null, "/t", false, false, true, false, "all", null),
                QuickShowRouter.parse(new String[] {"show-router", "--statistics", "--output=all", "--socket=/t"}));
        for (final String[] args : List.of(new String[] {"show-router", "-x"}, new String[] {"show-router", "-P"},
                new String[] {"show-router", "-S", "web"}, new String[] {"show-router", "--extended"},
                new String[] {"show-router", "-p", "-o", "name", "web"},
                new String[] {"show-router", "--parsable", "--output", "name"})) {
            assertNotNull(QuickShowRouter.parse(args), String.join(" ", args));
            assertAgrees(List.of(args));
        }
    }

    @Example
    void shouldLeaveTheRestToPicocli() {
        for (final String[] args : List.of(new String[] {}, new String[] {"--help"}, new String[] {"show-router", "-h"},
                new String[] {"show-router", "--json"}, new String[] {"show-router", "-xp"},
                new String[] {"show-router", "a", "b"}, new String[] {"show-router", "-x", "-x"},
                new String[] {"show-router", "--", "web"}, new String[] {"show-router", "@file"},
                new String[] {"show-router", "-o"}, new String[] {"show-router", "-o", "-x"},
                new String[] {"show-service"}, new String[] {"show-routers"}, new String[] {"-V", "show-router"})) {
            assertNull(QuickShowRouter.parse(args), String.join(" ", args));
        }
    }
}
