package io.vrrpd.daemon.runtime;

import io.vrrpd.daemon.config.RouterSpec;
import io.vrrpd.daemon.control.AdminState;
import io.vrrpd.protocol.IpPrefix;
import io.vrrpd.protocol.fsm.State;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Which hook a router's state change runs, with what environment ({@code VRRPD_*}). */
final class TransitionHooks {
    private TransitionHooks() {
    }

    /**
     * The hook of a transition: on_master on becoming Master, on_backup on becoming Backup, on_offline on leaving
     * the group; empty when the router has none for it.
     */
    static Optional<HookRunner.Job> jobFor(final Managed managed, final RouterInstance router, final State from,
                                          final State to, final String reason) {
        final RouterSpec spec = managed.spec;
        final String hook;
        final String program;
        switch (to) {
            case MASTER -> {
                hook = "on_master";
                program = spec.onMaster();
            }
            case BACKUP -> {
                hook = "on_backup";
                program = spec.onBackup();
            }
            default -> {
                hook = "on_offline";
                program = spec.onOffline();
            }
        }
        if (program.isEmpty()) {
            return Optional.empty();
        }
        final AdminState admin = to != State.INITIALIZE ? AdminState.ONLINE
                : managed.leavingTo != null ? managed.leavingTo
                : managed.admin == AdminState.ONLINE ? AdminState.OFFLINE : managed.admin;
        final Map<String, String> environment = new LinkedHashMap<>();
        environment.put("VRRPD_ROUTER", spec.name());
        environment.put("VRRPD_VRID", Integer.toString(spec.vrid()));
        environment.put("VRRPD_FAMILY", spec.family().keyword());
        environment.put("VRRPD_STATE", to.display());
        environment.put("VRRPD_PREVIOUS_STATE", from.display());
        environment.put("VRRPD_ADMIN", admin.keyword());
        environment.put("VRRPD_REASON", reason);
        environment.put("VRRPD_ADDRESSES", String.join(",", spec.addresses().stream().map(IpPrefix::toString)
                .toList()));
        return Optional.of(new HookRunner.Job(spec.name(), router.config().logPrefix(), hook, program,
                spec.hookTimeoutMs(), Map.copyOf(environment)));
    }
}
