package io.vrrpd.cli;

import java.util.List;

/**
 * The columns of {@code show-service} (DESIGN.md §2): the plain view, then the per-node columns of {@code -x}, then
 * ours (the rest of the service's configuration). The daemon sends every service-wide field under its lower-case
 * name and the per-node ones in a {@code nodes} list; a per-node column makes one row per node.
 */
enum ServiceField implements Column {
    NAME, TYPE, STATE, STARTED_ON, ACTIVE_ON, ADDRESSES,
    NODE(true), ACTIVE(true), LAST_CHECK(true), LAST_ACTION(true), RESULT(true), STATUS(true),
    LINK, CHECK_INTV, WANTED, PROPERTIES, BLOCKED(true), FAILURES(true);

    /** {@code show-service}. */
    static final List<ServiceField> PLAIN = List.of(NAME, TYPE, STATE, STARTED_ON, ACTIVE_ON, ADDRESSES);
    /** {@code show-service -x}: one row per node; STATE is the service's state on that node. */
    static final List<ServiceField> EXTENDED = List.of(NAME, NODE, ACTIVE, STATE, LAST_CHECK, LAST_ACTION, RESULT,
            STATUS, BLOCKED);

    private final boolean perNode;

    ServiceField() {
        this(false);
    }

    ServiceField(final boolean perNode) {
        this.perNode = perNode;
    }

    /** Whether any of {@code fields} is a per-node column. */
    static boolean perNode(final List<ServiceField> fields) {
        return fields.stream().anyMatch(field -> field.perNode);
    }
}
