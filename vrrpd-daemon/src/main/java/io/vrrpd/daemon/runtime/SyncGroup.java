package io.vrrpd.daemon.runtime;

import io.vrrpd.daemon.control.AdminState;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Sync groups: routers of one host that change state together, keepalived's {@code vrrp_sync_group}. The
 * typical use is a service reached through two networks (a front and a back VIP): serving from one host's
 * front and another host's back is broken, so the two routers must fail over as one.
 *
 * <p>What keepalived does and what is kept here:
 * <ul>
 *   <li>A member in FAULT forces the others to FAULT (keepalived logs "Syncing instances to FAULT state").
 *       Here: a member that is not online by its own doing ({@code offline}, {@code disabled},
 *       {@code maintenance}) holds every other member {@code offline}, with a REASON naming that member; a
 *       Master leaving sends priority 0 as for any offline router, so the other host takes over every
 *       member's addresses within Skew_Time.</li>
 *   <li>keepalived forces Master and Backup transitions onto the other members (a member that becomes Backup
 *       drags the others to Backup; the group goes Master once every member wants it). Forcing a VRRP state
 *       against the election puts two Masters on a link when the peer hosts disagree, so here the members
 *       follow each other through the election instead: they share one priority reduction, the largest of
 *       any member's failing weighted checks. A weighted check failing on one member lowers them all, so
 *       with the same configured priorities on each host every member's election changes the same way and
 *       the group moves whole.</li>
 * </ul>
 * Pure: the runtime gives it the members' states on its loop thread.
 */
final class SyncGroup {

    private SyncGroup() {
    }

    /**
     * A router as its sync group sees it.
     *
     * @param name      the router
     * @param group     its {@code sync_group}, "" for none
     * @param admin     its administrative state
     * @param reason    why it is in that state (null when online)
     * @param held      it is offline only because its group holds it
     * @param reduction its own weighted checks' priority reduction
     * @param causes    those checks, in operator words
     */
    record Member(String name, String group, AdminState admin, String reason, boolean held, int reduction,
                  List<String> causes) {
        Member {
            causes = List.copyOf(causes);
        }

        /** Not online by its own doing: its dependency, link, the operator or maintenance took it out. */
        boolean faulted() {
            return admin != AdminState.ONLINE && !held;
        }
    }

    /**
     * A priority reduction and why, in operator words.
     *
     * @param amount the priority points taken off
     * @param causes the failing weighted checks behind it
     */
    record Reduction(int amount, List<String> causes) {
        static final Reduction NONE = new Reduction(0, List.of());

        Reduction {
            causes = List.copyOf(causes);
        }
    }

    /**
     * Why {@code self} must stay offline although nothing of its own is wrong: the first other member of its
     * group (by name) that is faulted, e.g. {@code sync group edge: db is offline (dependency unmet: …)}.
     * Empty when {@code self} has no group or every other member is online or held.
     */
    static Optional<String> holdReason(final Member self, final Collection<Member> members) {
        if (self.group().isEmpty()) {
            return Optional.empty();
        }
        return members.stream()
                .filter(m -> m.group().equals(self.group()) && !m.name().equals(self.name()) && m.faulted())
                .min(Comparator.comparing(Member::name))
                .map(m -> "sync group " + self.group() + ": " + m.name() + " is " + m.admin().keyword()
                        + (m.reason() == null ? "" : " (" + m.reason() + ")"));
    }

    /**
     * The priority reduction {@code self} runs with: the largest of its group's members' own (its own when
     * it has no group, or when no other member's is larger). Another member's causes are named with it.
     */
    static Reduction reduction(final Member self, final Collection<Member> members) {
        Member worst = self;
        if (!self.group().isEmpty()) {
            for (final Member m : members) {
                if (m.group().equals(self.group()) && m.reduction() > worst.reduction()) {
                    worst = m;
                }
            }
        }
        if (worst.reduction() == 0) {
            return Reduction.NONE;
        }
        if (worst == self) {
            return new Reduction(self.reduction(), self.causes());
        }
        final List<String> causes = new ArrayList<>();
        for (final String cause : worst.causes()) {
            causes.add("sync group " + self.group() + ": " + worst.name() + " " + cause);
        }
        return new Reduction(worst.reduction(), causes);
    }
}
