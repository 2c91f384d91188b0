package io.vrrpd.cli;

import java.util.List;

/**
 * The columns of {@code show-router}: illumos vrrpadm's names (ADMIN and REASON are ours). The daemon
 * sends every field of every router under its lower-case name; the views pick columns from them.
 * Declared in the order they were added ({@code -o all} lists them so): plain, what {@code -x} adds, what
 * {@code -P} adds, the counters of {@code -S} (ours), then later fields at the end, because scripts parse
 * positions (DESIGN.md §2).
 */
enum Field implements Column {
    NAME, VRID, LINK, AF, PRIO, ADV_INTV, MODE, STATE, VNIC,
    ADMIN, PRV_STAT, STAT_LAST, PRIMARY_IP, VIRTUAL_IPS, REASON,
    PEER, P_PRIO, P_INTV, P_ADV_LAST, M_DOWN_INTV,
    ADV_SENT, ADV_RCVD, TRANSITIONS, DROPS, HOOKS_RUN, HOOK_FAILURES,
    SYNC_GROUP, P_CKSUM, RCVD_PSEUDO_HEADER, RCVD_MESSAGE_ONLY;

    /**
     * Parses {@code -o FIELD[,FIELD…]}: names of any view, any case, in the order given; {@code all}
     * means every field.
     */
    static List<Field> parseList(final String text) {
        return Column.parseList(text, Field.class);
    }
}
