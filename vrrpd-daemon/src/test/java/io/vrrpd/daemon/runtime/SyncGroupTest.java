package io.vrrpd.daemon.runtime;

import io.vrrpd.daemon.control.AdminState;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SyncGroupTest {

    private static SyncGroup.Member online(final String name, final String group) {
        return new SyncGroup.Member(name, group, AdminState.ONLINE, null, false, 0, List.of());
    }

    private static SyncGroup.Member out(final String name, final String group, final AdminState admin,
                                        final String reason) {
        return new SyncGroup.Member(name, group, admin, reason, false, 0, List.of());
    }

    private static SyncGroup.Member held(final String name, final String group, final String reason) {
        return new SyncGroup.Member(name, group, AdminState.OFFLINE, reason, true, 0, List.of());
    }

    private static SyncGroup.Member weighted(final String name, final String group, final int reduction,
                                             final String... causes) {
        return new SyncGroup.Member(name, group, AdminState.ONLINE, null, false, reduction, List.of(causes));
    }

    @Test
    void shouldHoldEveryMemberOfflineWhenOneIsOffline_namingIt() {
        final SyncGroup.Member front = online("front", "edge");
        final SyncGroup.Member back = out("back", "edge", AdminState.OFFLINE,
                "dependency unmet: tcp:127.0.0.1:5432: connection refused");
        assertEquals(Optional.of("sync group edge: back is offline (dependency unmet: tcp:127.0.0.1:5432:"
                + " connection refused)"), SyncGroup.holdReason(front, List.of(front, back)));
        assertEquals(Optional.empty(), SyncGroup.holdReason(back, List.of(front, back)),
                "the member at fault is offline by its own reason, not held");
    }

    @Test
    void shouldHoldForDisabledAndMaintenanceMembersToo() {
        final SyncGroup.Member front = online("front", "edge");
        assertEquals(Optional.of("sync group edge: back is disabled (disabled by the operator)"),
                SyncGroup.holdReason(front, List.of(front,
                        out("back", "edge", AdminState.DISABLED, "disabled by the operator"))));
        assertEquals(Optional.of("sync group edge: back is maintenance (dependency flapping: x)"),
                SyncGroup.holdReason(front, List.of(front,
                        out("back", "edge", AdminState.MAINTENANCE, "dependency flapping: x"))));
    }

    @Test
    void shouldNotBeHeldByHeldMembers_soARecoveredGroupComesBackWhole() {
        final SyncGroup.Member a = online("a", "edge");
        final SyncGroup.Member b = held("b", "edge", "sync group edge: a is offline (x)");
        final SyncGroup.Member c = held("c", "edge", "sync group edge: a is offline (x)");
        assertEquals(Optional.empty(), SyncGroup.holdReason(a, List.of(a, b, c)));
        assertEquals(Optional.empty(), SyncGroup.holdReason(b, List.of(a, b, c)));
    }

    @Test
    void shouldNameTheFirstFaultedMemberByName() {
        final SyncGroup.Member a = online("a", "edge");
        final SyncGroup.Member z = out("z", "edge", AdminState.OFFLINE, "link eth1 is down");
        final SyncGroup.Member m = out("m", "edge", AdminState.DISABLED, "disabled by the operator");
        assertEquals(Optional.of("sync group edge: m is disabled (disabled by the operator)"),
                SyncGroup.holdReason(a, List.of(a, z, m)));
    }

    @Test
    void shouldIgnoreOtherGroupsAndRoutersWithoutGroup() {
        final SyncGroup.Member a = online("a", "edge");
        final SyncGroup.Member loner = online("loner", "");
        final List<SyncGroup.Member> all = List.of(a, loner, out("b", "core", AdminState.OFFLINE, "x"),
                out("c", "", AdminState.OFFLINE, "y"));
        assertEquals(Optional.empty(), SyncGroup.holdReason(a, all));
        assertEquals(Optional.empty(), SyncGroup.holdReason(loner, all));
    }

    @Test
    void shouldShareTheLargestReductionOfTheGroup_withItsCauses() {
        final SyncGroup.Member front = weighted("front", "edge", 10, "http://127.0.0.1/ -10: status 503");
        final SyncGroup.Member back = weighted("back", "edge", 60, "tcp:127.0.0.1:5432 -60: connection refused");
        final List<SyncGroup.Member> all = List.of(front, back, weighted("other", "core", 100, "x -100: y"));
        assertEquals(new SyncGroup.Reduction(60,
                        List.of("sync group edge: back tcp:127.0.0.1:5432 -60: connection refused")),
                SyncGroup.reduction(front, all));
        assertEquals(new SyncGroup.Reduction(60, List.of("tcp:127.0.0.1:5432 -60: connection refused")),
                SyncGroup.reduction(back, all));
    }

    @Test
    void shouldKeepItsOwnReductionWithoutGroup() {
        final SyncGroup.Member loner = weighted("loner", "", 20, "c -20: d");
        assertEquals(new SyncGroup.Reduction(20, List.of("c -20: d")),
                SyncGroup.reduction(loner, List.of(loner, weighted("x", "", 90, "e"))));
        assertEquals(SyncGroup.Reduction.NONE, SyncGroup.reduction(online("y", "edge"),
                List.of(online("y", "edge"), online("z", "edge"))));
    }
}
