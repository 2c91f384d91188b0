package io.vrrpd.protocol;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The protocol core stays pure (DESIGN.md §5): no I/O, no threads, no clock reads, no dependencies. A
 * change that breaks this fails here, not in review.
 */
class CorePurityTest {
    private static final Path MAIN = Path.of("src/main/java");
    private static final Pattern FORBIDDEN = Pattern.compile(
            "java\\.io\\.|java\\.nio\\.|java\\.net\\.|java\\.util\\.concurrent|\\bThread\\b|\\bsynchronized\\b"
                    + "|System\\.nanoTime|System\\.currentTimeMillis|Instant\\.now|java\\.lang\\.foreign");

    @Test
    @DisplayName("no java.io, java.nio, java.net, threads, locks or clock reads in the protocol core")
    void shouldUseNoIoThreadsOrClocks() throws IOException {
        final List<String> offences = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (final Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                final List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    final String code = lines.get(i).replaceAll("//.*|^\\s*\\*.*|/\\*.*", "");
                    final Matcher m = FORBIDDEN.matcher(code);
                    if (m.find()) {
                        offences.add(file + ":" + (i + 1) + ": " + m.group());
                    }
                }
            }
        }
        assertEquals(List.of(), offences);
    }

    @Test
    @DisplayName("no dependencies outside test scope")
    void shouldHaveNoRuntimeDependencies() throws IOException {
        final String pom = Files.readString(Path.of("pom.xml"));
        final Matcher dependency = Pattern.compile("<dependency>(.*?)</dependency>", Pattern.DOTALL).matcher(pom);
        int count = 0;
        while (dependency.find()) {
            count++;
            assertTrue(dependency.group(1).contains("<scope>test</scope>"), "non-test dependency: " + dependency.group(1));
        }
        assertTrue(count > 0, "the pom was read");
    }
}
