package io.vrrpd.daemon.health;

import io.vrrpd.daemon.config.Dependency;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Issue 12, hitless changes: which old dependency each new one continues, as scenarios (old SPECs, new SPECs). */
class RewatchTest {

    private static List<Dependency> specs(final String... specs) {
        return Arrays.stream(specs).map(Dependency::parse).toList();
    }

    /** Each pair as {@code NEW <- kept OLD}, {@code NEW <- changed OLD} or {@code NEW new}, then the dropped. */
    private static List<String> pair(final List<String> old, final List<String> now) {
        final Rewatch.Result<Dependency> result = Rewatch.pair(specs(now.toArray(String[]::new)),
                specs(old.toArray(String[]::new)), Function.identity());
        final List<String> described = new java.util.ArrayList<>();
        for (final Rewatch.Pair<Dependency> p : result.pairs()) {
            described.add(p.kept() != null ? "kept " + p.kept().label()
                    : p.changed() != null ? "changed " + p.changed().label() + " interval " + p.changed().intervalMillis()
                    + " -> " + p.dependency().intervalMillis()
                    : "new " + p.dependency().label());
        }
        result.dropped().forEach(d -> described.add("dropped " + d.label()));
        return described;
    }

    @Test
    @DisplayName("only @interval= changed: the same check, changed (its verdict is carried over)")
    void intervalChangeIsAChange() {
        assertEquals(List.of("changed tcp:127.0.0.1:80 interval 1000 -> 200"),
                pair(List.of("tcp:127.0.0.1:80"), List.of("tcp:127.0.0.1:80@interval=200")));
    }

    @Test
    @DisplayName("unchanged kept, another target new, a removed one dropped")
    void keptNewDropped() {
        assertEquals(List.of("kept tcp:127.0.0.1:80", "new tcp:127.0.0.1:81", "dropped systemd:nginx.service"),
                pair(List.of("systemd:nginx.service", "tcp:127.0.0.1:80"), List.of("tcp:127.0.0.1:80", "tcp:127.0.0.1:81")));
    }

    @Test
    @DisplayName("an unchanged twin keeps its own; the changed one of the same label, listed first, is new")
    void equalOnesArePairedFirst() {
        assertEquals(List.of("new tcp:127.0.0.1:80", "kept tcp:127.0.0.1:80"),
                pair(List.of("tcp:127.0.0.1:80"), List.of("tcp:127.0.0.1:80@interval=200", "tcp:127.0.0.1:80")));
    }
}
