package io.vrrpd.daemon.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vrrpd.daemon.config.LogLevel;

import java.util.List;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * {@code set-log-level}: the daemon's log level at run time ({@code {"level": "debug"}}), or the current one
 * without {@code level}. Answers {@code {"level": NOW, "previous": BEFORE}}. Not written to vrrpd.toml: a restart
 * goes back to {@code --log-level} / {@code [log] level}.
 */
public final class LogControl implements ControlHandler {
    public static final List<String> VERBS = List.of("set-log-level");

    private final UnaryOperator<LogLevel> setLevel;
    private final Supplier<LogLevel> level;

    /** {@code setLevel} sets a level and returns the one before; {@code level} reads it. */
    public LogControl(final UnaryOperator<LogLevel> setLevel, final Supplier<LogLevel> level) {
        this.setLevel = setLevel;
        this.level = level;
    }

    @Override
    public JsonNode handle(final String verb, final JsonNode args) throws ControlException {
        for (final java.util.Iterator<String> keys = args.fieldNames(); keys.hasNext(); ) {
            final String key = keys.next();
            if (!key.equals("level")) {
                throw new ControlException(ControlException.Kind.BAD_REQUEST, key + ": unknown key (allowed: level)");
            }
        }
        final LogLevel before = level.get();
        LogLevel now = before;
        if (args.has("level")) {
            if (!args.get("level").isTextual()) {
                throw new ControlException(ControlException.Kind.BAD_REQUEST, "level: expected a string (allowed: "
                        + LogLevel.ALLOWED + ")");
            }
            try {
                now = LogLevel.parse(args.get("level").asText());
            } catch (IllegalArgumentException e) {
                throw new ControlException(ControlException.Kind.BAD_REQUEST, "level: " + e.getMessage());
            }
            setLevel.apply(now);
        }
        final ObjectNode answer = JsonNodeFactory.instance.objectNode();
        answer.put("level", now.keyword());
        answer.put("previous", before.keyword());
        return answer;
    }
}
