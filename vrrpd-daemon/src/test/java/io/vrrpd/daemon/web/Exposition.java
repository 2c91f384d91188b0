package io.vrrpd.daemon.web;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A Prometheus text exposition read back into samples, for tests to look series up by name and labels. */
public final class Exposition {
    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

    /** One sample line. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    private final List<Sample> samples = new ArrayList<>();
    private final String text;

    public Exposition(final String text) {
        this.text = text;
        for (final String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            final Matcher m = SAMPLE.matcher(line);
            if (!m.matches()) {
                throw new IllegalArgumentException("not a sample line: " + line);
            }
            final Map<String, String> labels = new LinkedHashMap<>();
            if (m.group(2) != null) {
                final Matcher l = LABEL.matcher(m.group(2));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
            }
            samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(3))));
        }
    }

    public String text() {
        return text;
    }

    /** Every sample named {@code name} whose labels include {@code labelPairs} (name, value, name, value…). */
    public List<Sample> find(final String name, final String... labelPairs) {
        final List<Sample> found = new ArrayList<>();
        for (final Sample sample : samples) {
            if (!sample.name().equals(name)) {
                continue;
            }
            boolean all = true;
            for (int i = 0; i < labelPairs.length; i += 2) {
                all &= labelPairs[i + 1].equals(sample.labels().get(labelPairs[i]));
            }
            if (all) {
                found.add(sample);
            }
        }
        return found;
    }

    /** The value of the one sample named {@code name} with those labels; fails when there is none or several. */
    public double value(final String name, final String... labelPairs) {
        final List<Sample> found = find(name, labelPairs);
        if (found.size() != 1) {
            throw new AssertionError(found.size() + " samples " + name + " " + List.of(labelPairs) + " in:\n"
                    + text.lines().filter(l -> l.startsWith(name)).limit(40).reduce("", (a, b) -> a + b + "\n"));
        }
        return found.getFirst().value();
    }
}
