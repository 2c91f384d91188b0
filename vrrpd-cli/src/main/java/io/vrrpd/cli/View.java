package io.vrrpd.cli;

import java.util.List;

import static io.vrrpd.cli.Field.ADMIN;
import static io.vrrpd.cli.Field.ADV_INTV;
import static io.vrrpd.cli.Field.AF;
import static io.vrrpd.cli.Field.LINK;
import static io.vrrpd.cli.Field.MODE;
import static io.vrrpd.cli.Field.M_DOWN_INTV;
import static io.vrrpd.cli.Field.NAME;
import static io.vrrpd.cli.Field.PEER;
import static io.vrrpd.cli.Field.PRIMARY_IP;
import static io.vrrpd.cli.Field.PRIO;
import static io.vrrpd.cli.Field.PRV_STAT;
import static io.vrrpd.cli.Field.P_ADV_LAST;
import static io.vrrpd.cli.Field.P_INTV;
import static io.vrrpd.cli.Field.P_PRIO;
import static io.vrrpd.cli.Field.REASON;
import static io.vrrpd.cli.Field.STATE;
import static io.vrrpd.cli.Field.STAT_LAST;
import static io.vrrpd.cli.Field.SYNC_GROUP;
import static io.vrrpd.cli.Field.VIRTUAL_IPS;
import static io.vrrpd.cli.Field.VNIC;
import static io.vrrpd.cli.Field.VRID;

/** The column sets of {@code show-router} (DESIGN.md §2, fixed): a new column goes at the end of its view. */
enum View {
    /** {@code show-router}. */
    PLAIN(List.of(NAME, VRID, LINK, AF, PRIO, ADV_INTV, MODE, STATE, VNIC)),
    /** {@code show-router -x}. */
    EXTENDED(List.of(NAME, ADMIN, STATE, PRV_STAT, STAT_LAST, VNIC, PRIMARY_IP, VIRTUAL_IPS, REASON, SYNC_GROUP)),
    /** {@code show-router -P}. */
    PEER_INFO(List.of(NAME, PEER, P_PRIO, P_INTV, P_ADV_LAST, M_DOWN_INTV, Field.P_CKSUM)),
    /** {@code show-router -S} (ours): counters since the router started in this daemon. */
    STATISTICS(List.of(NAME, Field.STATE, Field.ADV_SENT, Field.ADV_RCVD, Field.TRANSITIONS, Field.DROPS,
            Field.RCVD_PSEUDO_HEADER, Field.RCVD_MESSAGE_ONLY));

    private final List<Field> fields;

    View(final List<Field> fields) {
        this.fields = fields;
    }

    List<Field> fields() {
        return fields;
    }
}
