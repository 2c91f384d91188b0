package io.vrrpd.daemon.control;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vrrpd.daemon.config.BrokenRouterFile;
import io.vrrpd.daemon.config.RouterSpec;
import io.vrrpd.protocol.IpPrefix;
import io.vrrpd.protocol.VrrpVersion;
import io.vrrpd.protocol.fsm.State;

import java.util.Locale;

/**
 * One router as {@code show-router} sends it: every field of every view under illumos vrrpadm's column
 * names in lower case (docs/CONFIG.md lists them with their units). The client picks columns; sending all
 * keeps the daemon ignorant of views. A value the daemon does not have is JSON null.
 */
public final class RouterView {

    private static final long NANOS_PER_MILLI = 1_000_000L;

    private RouterView() {
    }

    /** The fields of {@code spec} as running with {@code status}, times relative to {@code nowNanos}. */
    public static ObjectNode of(final RouterSpec spec, final RouterStatus status, final long nowNanos) {
        final ObjectNode view = JsonNodeFactory.instance.objectNode();
        view.put("name", spec.name());
        view.put("vrid", spec.vrid());
        view.put("link", spec.link());
        view.put("af", spec.family().display());
        view.put("prio", spec.priority());
        view.put("adv_intv", spec.advIntervalMs());
        view.put("mode", spec.mode());
        view.put("state", status.state().display());
        view.put("vnic", status.vnic());
        view.put("admin", status.admin().keyword());
        view.put("prv_stat", status.previousState() == null ? null : status.previousState().display());
        view.put("stat_last", ago(nowNanos, status.sinceNanos()));
        view.put("primary_ip", status.primaryAddress() == null ? null : status.primaryAddress().toString());
        final ArrayNode addresses = view.putArray("virtual_ips");
        spec.addresses().stream().map(IpPrefix::toString).forEach(addresses::add);
        view.put("sync_group", spec.syncGroup().isEmpty() ? null : spec.syncGroup());
        view.put("reason", status.reason());
        peer(view, status.peer(), nowNanos);
        view.put("m_down_intv", status.masterDownIntervalNanos() > 0
                ? status.masterDownIntervalNanos() / NANOS_PER_MILLI : null);
        final RouterStatus.Peer peer = status.peer();
        view.put("p_cksum", peer == null || peer.checksumForm() == null ? null : peer.checksumForm().display());
        statistics(view, status.statistics());
        // The priority it advertises: prio lowered by failing weighted checks (the dashboard shows both).
        view.put("eff_prio", status.effectivePriority() > 0 ? status.effectivePriority() : null);
        // VRRPv2 authentication: whether a password is set, never the password (v3 has none: null).
        view.put("auth", spec.version() != VrrpVersion.V2 ? null : spec.authPass() == null ? "none" : "pass");
        // The router's file does not load (FILE:LINE: message), null when it does: every verb on the router is
        // refused until the file is fixed and reloaded, so the dashboard shows that instead of its buttons.
        view.putNull("file_error");
        return view;
    }

    /**
     * A router file that does not load (issue 12): ADMIN {@code maintenance}, STATE {@code INIT}, REASON
     * {@code FILE:LINE: message}; the VRID, link and family the text still gives, every other field null (nothing
     * runs). The same fields as {@link #of}, so every view, --json, REST and the dashboard show it.
     */
    public static ObjectNode broken(final BrokenRouterFile file) {
        final ObjectNode view = JsonNodeFactory.instance.objectNode();
        view.put("name", file.name());
        view.put("vrid", file.vrid());
        view.put("link", file.link());
        view.put("af", file.family() == null ? null : file.family().display());
        view.putNull("prio");
        view.putNull("adv_intv");
        view.putNull("mode");
        view.put("state", State.INITIALIZE.display());
        view.putNull("vnic");
        view.put("admin", AdminState.MAINTENANCE.keyword());
        view.putNull("prv_stat");
        view.putNull("stat_last");
        view.putNull("primary_ip");
        view.putArray("virtual_ips");
        view.putNull("sync_group");
        view.put("reason", file.error().toString());
        peer(view, null, 0);
        view.putNull("m_down_intv");
        view.putNull("p_cksum");
        statistics(view, null);
        view.putNull("eff_prio");
        view.putNull("auth");
        view.put("file_error", file.error().toString());
        return view;
    }

    /**
     * A running router whose file broke since it was loaded (SIGHUP): it keeps running as it was, and REASON says
     * the file does not load, before the runtime's own reason.
     */
    public static ObjectNode ofWithBrokenFile(final RouterSpec spec, final RouterStatus status, final long nowNanos,
                                              final BrokenRouterFile file) {
        final ObjectNode view = of(spec, status, nowNanos);
        view.put("reason", file.error() + " (running the configuration loaded before"
                + (status.reason() == null || status.reason().isEmpty() ? ")" : "; " + status.reason() + ")"));
        view.put("file_error", file.error().toString());
        return view;
    }

    private static void peer(final ObjectNode view, final RouterStatus.Peer peer, final long nowNanos) {
        view.put("peer", peer == null ? null : peer.address().toString());
        view.put("p_prio", peer == null ? null : peer.priority());
        view.put("p_intv", peer == null ? null : peer.intervalNanos() / NANOS_PER_MILLI);
        view.put("p_adv_last", peer == null ? null : ago(nowNanos, peer.lastAdvertNanos()));
    }

    private static void statistics(final ObjectNode view, final RouterStatus.Statistics stats) {
        view.put("adv_sent", stats == null ? null : stats.advertisementsSent());
        view.put("adv_rcvd", stats == null ? null : stats.advertisementsReceived());
        view.put("transitions", stats == null ? null : stats.transitions());
        if (stats == null) {
            view.putNull("drops");
        } else {
            final ObjectNode drops = view.putObject("drops");
            stats.drops().forEach(drops::put);
        }
        view.put("hooks_run", stats == null ? null : stats.hooksRun());
        view.put("hook_failures", stats == null ? null : stats.hookFailures());
        view.put("hooks_superseded", stats == null ? null : stats.hooksSuperseded());
        view.put("rcvd_pseudo_header", stats == null ? null : stats.receivedPseudoHeader());
        view.put("rcvd_message_only", stats == null ? null : stats.receivedMessageOnly());
    }

    /** Seconds since {@code thenNanos} with millisecond precision, e.g. {@code 12.345s}. */
    static String ago(final long nowNanos, final long thenNanos) {
        final long millis = Math.max(0, (nowNanos - thenNanos) / NANOS_PER_MILLI);
        return String.format(Locale.ROOT, "%d.%03ds", millis / 1000, millis % 1000);
    }
}
