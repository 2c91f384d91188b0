package io.vrrpd.cli.keepalived;

import io.vrrpd.cli.keepalived.KeepalivedConfig.Node;
import io.vrrpd.cli.keepalived.KeepalivedConfig.Source;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * keepalived's VRRP configuration as vrrpd routers: every {@code vrrp_instance} becomes the {@code vrrpadm
 * create-router} command that makes the same router, and every setting that has no vrrpd equivalent becomes one
 * line saying where it is and why it is not carried over. keepalived's defaults are written out where they differ
 * from vrrpd's (VRRP version 2, the link's own MAC, fall/rise 1), so the imported router behaves like the instance
 * and not like a vrrpd default. The tracks map onto {@code --depends}: a weight 0 track is a hard dependency
 * (keepalived's FAULT state is vrrpd's offline), a negative weight is kept, and a positive weight N is turned into
 * the same effective priority the other way round: the base priority is raised by N and the track lowers it by N
 * while it fails.
 */
public final class KeepalivedImport {

    /** One router to create: {@code options} are create-router's arguments, the name last. */
    public record ImportedRouter(String name, String instance, Source where, List<String> options) {
    }

    /** A line for the operator: a setting not carried over, or an instance that cannot be imported. */
    public record Note(Source where, String text) {
        @Override
        public String toString() {
            return where + ": " + text;
        }
    }

    /** The routers, the settings left behind, and the instances that could not be imported at all. */
    public record Result(List<ImportedRouter> routers, List<Note> notes, List<Note> errors) {
    }

    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]{0,30}");
    private static final Pattern INTERFACE = Pattern.compile("[^/:\\s]{1,15}");
    private static final int MAX_PRIORITY = 254;
    private static final Pattern TCP_CHECK = Pattern.compile(
            "(?:(?:/bin/|/usr/bin/)?bash -c ')?</dev/tcp/([0-9A-Fa-f.:]+)/(\\d{1,5})'?"
                    + "|(?:/bin/|/usr/bin/)?nc -z ([0-9A-Fa-f.:]+) (\\d{1,5})");

    private final List<Node> statements;
    private final List<Note> notes = new ArrayList<>();
    private final List<Note> errors = new ArrayList<>();
    private final Map<String, Node> scripts = new LinkedHashMap<>();
    private final Map<String, Node> processes = new HashMap<>();
    private final Map<String, Node> syncGroupOf = new HashMap<>();
    private final Map<String, String> usedNames = new HashMap<>();
    private final List<String> usedScripts = new ArrayList<>();
    private int globalVersion = 2;
    private boolean strict;
    private boolean syncGroupTrackingWeight;

    private KeepalivedImport(final List<Node> statements) {
        this.statements = statements;
    }

    /** Maps a parsed keepalived.conf. */
    public static Result of(final List<Node> statements) {
        return new KeepalivedImport(statements).run();
    }

    private Result run() {
        for (final Node node : statements) {
            switch (node.keyword()) {
                case "global_defs" -> globals(node);
                case "vrrp_script" -> named(node).ifPresent(name -> scripts.put(name, node));
                case "vrrp_track_process" -> named(node).ifPresent(name -> processes.put(name, node));
                case "vrrp_sync_group" -> named(node).ifPresent(name -> node.child("group").ifPresent(group ->
                        group.words().forEach(member -> syncGroupOf.put(member, node))));
                default -> {
                }
            }
        }
        final List<ImportedRouter> routers = new ArrayList<>();
        for (final Node node : statements) {
            switch (node.keyword()) {
                case "global_defs", "vrrp_track_process" -> {
                }
                case "vrrp_script" -> {
                }
                case "vrrp_instance" -> instance(node).ifPresent(routers::add);
                case "vrrp_sync_group" -> syncGroupNotes(node);
                case "virtual_server", "virtual_server_group" -> note(node, node.keyword() + " " + String.join(" ",
                        node.args()) + ": not carried over: vrrpd has no load balancer (LVS/IPVS); keep keepalived's"
                        + " check side or ipvsadm for it");
                case "static_ipaddress", "static_routes", "static_rules" -> note(node, node.keyword()
                        + ": not carried over: vrrpd configures only virtual addresses; put static ones in the host's"
                        + " network configuration");
                case "vrrp_track_file", "bfd_instance" -> note(node, node.keyword() + " " + String.join(" ",
                        node.args()) + ": not carried over: vrrpd has no file or BFD tracks (an exec: dependency can"
                        + " check a file)");
                default -> note(node, node.keyword() + ": not carried over: no vrrpd equivalent");
            }
        }
        scripts.forEach((name, node) -> {
            if (!usedScripts.contains(name)) {
                note(node, "vrrp_script " + name + ": not used by any vrrp_instance (keepalived does not run it either)");
            }
        });
        return new Result(List.copyOf(routers), List.copyOf(notes), List.copyOf(errors));
    }

    private void globals(final Node defs) {
        for (final Node key : defs.children()) {
            switch (key.keyword()) {
                case "vrrp_version" -> globalVersion = key.args().equals(List.of("3")) ? 3 : 2;
                case "vrrp_strict" -> strict = true;
                case "sync_group_tracking_weight" -> syncGroupTrackingWeight = true;
                case "router_id" -> note(key, "global_defs router_id: not carried over: vrrpd names the host by"
                        + " [node] name in vrrpd.toml");
                case "notification_email", "notification_email_from", "smtp_server", "smtp_connect_timeout",
                     "smtp_helo_name", "smtp_alert", "smtp_alert_vrrp" -> note(key, "global_defs " + key.keyword()
                        + ": not carried over: vrrpd sends no mail (hooks, the metrics' alert rules)");
                case "enable_script_security", "script_user" -> note(key, "global_defs " + key.keyword()
                        + ": not carried over: vrrpd runs hooks and exec: checks as root, from absolute paths");
                default -> note(key, "global_defs " + key.keyword() + ": not carried over: no vrrpd equivalent");
            }
        }
    }

    private Optional<String> named(final Node node) {
        if (node.args().size() != 1) {
            error(node, node.keyword() + ": expected one name, found " + node.args().size() + " words");
            return Optional.empty();
        }
        return Optional.of(node.args().getFirst());
    }

    private void syncGroupNotes(final Node group) {
        for (final Node key : group.children()) {
            switch (key.keyword()) {
                case "group", "track_interface", "track_script", "track_process" -> {
                }
                case "notify_master", "notify_backup", "notify_fault", "notify", "notify_stop" -> note(key,
                        "vrrp_sync_group " + group.args().getFirst() + " " + key.keyword() + ": not carried over: vrrpd"
                                + " runs hooks per router (on_master/on_backup/on_offline of each member)");
                default -> note(key, "vrrp_sync_group " + group.args().getFirst() + " " + key.keyword()
                        + ": not carried over: not a vrrp_sync_group keyword (members go in group { })");
            }
        }
    }

    /** The router one vrrp_instance becomes, or empty (with an error) when it cannot be one. */
    private Optional<ImportedRouter> instance(final Node instance) {
        if (named(instance).isEmpty()) {
            return Optional.empty();
        }
        final String keepalivedName = instance.args().getFirst();
        final String what = "vrrp_instance " + keepalivedName;
        final Router router = new Router(what, instance);
        final Node syncGroup = syncGroupOf.get(keepalivedName);
        for (final Node key : instance.children()) {
            router.key(key);
        }
        if (syncGroup != null) {
            router.syncGroup = routerName(syncGroup.args().getFirst(), syncGroup, "vrrp_sync_group");
            for (final Node key : syncGroup.children()) {
                switch (key.keyword()) {
                    case "track_interface", "track_script", "track_process" -> router.key(key);
                    default -> {
                    }
                }
            }
        }
        return router.build(routerName(keepalivedName, instance, "vrrp_instance"));
    }

    /** A vrrpd name for a keepalived one: kept when valid, else the nearest valid one, said once. */
    private String routerName(final String name, final Node where, final String kind) {
        final String key = kind + " " + name;
        return usedNames.computeIfAbsent(key, k -> {
            if (NAME.matcher(name).matches()) {
                return name;
            }
            String fixed = name.replaceAll("[^A-Za-z0-9_.-]", "_");
            fixed = (Character.isLetter(fixed.isEmpty() ? '0' : fixed.charAt(0)) ? "" : "r") + fixed;
            fixed = fixed.substring(0, Math.min(31, fixed.length()));
            note(where, kind + " " + name + ": named " + fixed + " (allowed: 1-31 letters, digits, _ - . starting"
                    + " with a letter)");
            return fixed;
        });
    }

    /** One instance's settings as they are read. */
    private final class Router {
        private final String what;
        private final Node instance;
        private String vrid;
        private String link;
        private Boolean inet6;
        private int priority = 100;
        private Node priorityNode;
        private String intervalMs = "1000";
        private Integer version;
        private boolean preempt = true;
        private String preemptDelayMs;
        private Boolean accept;
        private boolean vmac;
        private final List<String> addresses = new ArrayList<>();
        private final List<String> peers = new ArrayList<>();
        private final List<String> depends = new ArrayList<>();
        private int raisedBy;
        private String onMaster;
        private String onBackup;
        private String onOffline;
        private String authPass;
        private String syncGroup;
        private boolean failed;

        Router(final String what, final Node instance) {
            this.what = what;
            this.instance = instance;
        }

        void key(final Node key) {
            final List<String> args = key.args();
            switch (key.keyword()) {
                case "interface" -> {
                    if (one(key) && valid(key, INTERFACE, "a Linux interface name")) {
                        link = args.getFirst();
                    }
                }
                case "virtual_router_id" -> {
                    if (one(key)) {
                        vrid = args.getFirst();
                    }
                }
                case "priority" -> {
                    if (one(key)) {
                        try {
                            priority = Integer.parseInt(args.getFirst());
                            priorityNode = key;
                        } catch (NumberFormatException e) {
                            fail(key, "priority " + args.getFirst() + " is not a number (allowed: 1-255)");
                        }
                    }
                }
                case "advert_int" -> {
                    if (one(key)) {
                        milliseconds(key).ifPresent(ms -> intervalMs = ms);
                    }
                }
                case "version" -> {
                    if (one(key)) {
                        version = args.getFirst().equals("3") ? 3 : 2;
                    }
                }
                case "state" -> {
                    if (args.equals(List.of("MASTER"))) {
                        note(key, what + " state MASTER: not carried over: a vrrpd router starts as Backup and the"
                                + " priority elects the Master (RFC 5798 §6.4.1); only the owner (priority 255) starts"
                                + " as Master");
                    }
                }
                case "nopreempt" -> preempt = false;
                case "preempt" -> preempt = true;
                case "preempt_delay" -> {
                    if (one(key)) {
                        milliseconds(key).ifPresent(ms -> preemptDelayMs = ms);
                    }
                }
                case "accept" -> accept = true;
                case "no_accept" -> accept = false;
                case "strict_mode" -> {
                    if (args.isEmpty() || List.of("on", "true", "yes").contains(args.getFirst())) {
                        accept = accept == null ? Boolean.FALSE : accept;
                    }
                }
                case "native_ipv6" -> inet6 = true;
                case "use_vmac" -> {
                    vmac = true;
                    if (!args.isEmpty()) {
                        note(key, what + " use_vmac " + String.join(" ", args) + ": the interface name and MAC are not"
                                + " carried over: vrrpd names the VNIC vrrpNAME... itself (docs/ARCHITECTURE.md)");
                    }
                }
                case "virtual_ipaddress" -> key.children().forEach(this::address);
                case "unicast_peer" -> key.children().forEach(peer -> {
                    peers.add(peer.keyword());
                    if (!peer.args().isEmpty()) {
                        note(peer, what + " unicast_peer " + peer.keyword() + " " + String.join(" ", peer.args())
                                + ": not carried over: no per-peer TTL checks in vrrpd");
                    }
                });
                case "authentication" -> authentication(key);
                case "track_interface" -> key.children().forEach(track -> track(track, "link:" + track.keyword(),
                        track.args(), List.of()));
                case "track_script", "track_scripts" -> key.children().forEach(this::trackScript);
                case "track_process" -> key.children().forEach(this::trackProcess);
                case "notify_master" -> onMaster = hook(key).orElse(onMaster);
                case "notify_backup" -> onBackup = hook(key).orElse(onBackup);
                case "notify_fault" -> onOffline = hook(key).orElse(onOffline);
                case "notify" -> note(key, what + " notify: not carried over: keepalived's generic notify gets TYPE NAME"
                        + " STATE PRIORITY as arguments; vrrpd's hooks get them as VRRPD_* environment variables: point"
                        + " on_master/on_backup/on_offline at a wrapper");
                case "notify_stop" -> note(key, what + " notify_stop: not carried over: vrrpd runs on_offline when it"
                        + " stops (docs/CONFIG.md Hooks)");
                case "virtual_ipaddress_excluded" -> key.children().forEach(excluded -> note(excluded, what
                        + " virtual_ipaddress_excluded " + excluded.keyword() + ": not carried over: vrrpd advertises"
                        + " every virtual address (a second router can hold it)"));
                case "unicast_src_ip", "mcast_src_ip" -> note(key, what + " " + key.keyword() + " " + String.join(" ",
                        args) + ": not carried over: vrrpd sends from the link's primary address of the family");
                case "virtual_routes", "virtual_rules" -> note(key, what + " " + key.keyword() + ": not carried over:"
                        + " vrrpd adds no routes or rules; an on_master hook can");
                case "track_file", "track_bfd" -> note(key, what + " " + key.keyword() + ": not carried over: vrrpd has"
                        + " no file or BFD tracks (an exec: dependency can check a file)");
                default -> note(key, what + " " + key.keyword() + ": not carried over: no vrrpd equivalent");
            }
        }

        private void address(final Node line) {
            final String address = line.keyword();
            final boolean six = address.contains(":");
            if (inet6 == null) {
                inet6 = six;
            } else if (inet6 != six) {
                note(line, what + " virtual_ipaddress " + address + ": not carried over: a router has one address"
                        + " family (this one is " + (inet6 ? "inet6" : "inet") + ")");
                return;
            }
            final List<String> args = line.args();
            for (int i = 0; i < args.size(); i++) {
                final String option = args.get(i);
                if (option.equals("dev") && i + 1 < args.size()) {
                    final String dev = args.get(++i);
                    if (link != null && !dev.equals(link)) {
                        note(line, what + " virtual_ipaddress " + address + " dev " + dev + ": not carried over: vrrpd"
                                + " puts every virtual address on the router's link (" + link + ")");
                        return;
                    }
                } else {
                    final boolean valued = List.of("brd", "scope", "label", "peer", "preferred_lft", "track_group")
                            .contains(option) && i + 1 < args.size();
                    final String shown = valued ? option + " " + args.get(++i) : option;
                    note(line, what + " virtual_ipaddress " + address + " " + shown + ": not carried over: vrrpd"
                            + " adds the address with its prefix only");
                }
            }
            if (addresses.contains(address)) {
                note(line, what + " virtual_ipaddress " + address + ": listed twice: carried over once");
                return;
            }
            addresses.add(address);
        }

        private void authentication(final Node block) {
            final String type = block.child("auth_type").map(n -> String.join(" ", n.args())).orElse("");
            final Optional<String> pass = block.child("auth_pass").filter(n -> !n.args().isEmpty())
                    .map(n -> n.args().getFirst());
            if (!type.equalsIgnoreCase("PASS")) {
                fail(block, "authentication auth_type " + type + ": vrrpd has only auth_type PASS (RFC 2338 simple text;"
                        + " AH is not implemented: RFC 3768 removed it)");
                return;
            }
            if (pass.isEmpty()) {
                fail(block, "authentication: auth_type PASS without auth_pass");
                return;
            }
            authPass = pass.get();
            if (authPass.length() > 8) {
                note(block, what + " auth_pass: only its first 8 characters are sent (keepalived sends them too)");
                authPass = authPass.substring(0, 8);
            }
        }

        private void trackScript(final Node track) {
            final Node script = scripts.get(track.keyword());
            if (script == null) {
                note(track, what + " track_script " + track.keyword() + ": not carried over: no vrrp_script "
                        + track.keyword());
                return;
            }
            usedScripts.add(track.keyword());
            final List<String> command = script.child("script").map(Node::args).orElse(List.of());
            final String line = String.join(" ", command);
            final String[] words = line.strip().split("\\s+");
            final String spec;
            if (words.length == 3 && words[0].endsWith("killall") && words[1].equals("-0")
                    || words.length == 2 && (words[0].endsWith("pidof") || words[0].endsWith("pgrep"))
                    || words.length == 3 && words[0].endsWith("pgrep") && words[1].equals("-x")) {
                // The common "is the process there" scripts become vrrpd's own process check (no fork per check).
                final String process = words[words.length - 1];
                spec = "pid:" + process.substring(0, Math.min(15, process.length()));
            } else if (TCP_CHECK.matcher(line.strip()).matches()) {
                // "</dev/tcp/H/P" (bash), "bash -c '</dev/tcp/H/P'", "nc -z H P": vrrpd's own connect check.
                final java.util.regex.Matcher tcp = TCP_CHECK.matcher(line.strip());
                tcp.matches();
                final String host = tcp.group(1) != null ? tcp.group(1) : tcp.group(3);
                final String port = tcp.group(2) != null ? tcp.group(2) : tcp.group(4);
                spec = "tcp:" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
            } else if (words.length == 1 && words[0].startsWith("/")) {
                spec = "exec:" + words[0];
            } else {
                note(track, what + " track_script " + track.keyword() + " (script \"" + line + "\"): not carried over:"
                        + " an exec: dependency runs one program by absolute path without arguments: put the command"
                        + " in a script and depend on exec:/PATH");
                return;
            }
            final List<String> timing = new ArrayList<>();
            final Optional<String> interval = script.child("interval").isPresent()
                    ? milliseconds(script.child("interval").orElseThrow()) : Optional.of("1000");
            final Optional<String> timeout = script.child("timeout").isPresent()
                    ? milliseconds(script.child("timeout").orElseThrow()) : interval;
            if (interval.isEmpty() || timeout.isEmpty()) {
                return;
            }
            final String intervalMs = interval.get();
            timing.add("interval=" + intervalMs);
            // keepalived: timeout defaults to the interval, rise and fall to 1 (vrrpd's defaults are interval/2, 2, 2).
            String timeoutMs = timeout.get();
            if (new BigDecimal(timeoutMs).compareTo(new BigDecimal(intervalMs)) > 0) {
                note(script.child("timeout").orElseThrow(), what + " track_script " + track.keyword() + " timeout "
                        + timeoutMs + " ms: shortened to the interval, " + intervalMs + " ms (vrrpd starts no check"
                        + " while the last one runs)");
                timeoutMs = intervalMs;
            }
            timing.add("timeout=" + timeoutMs);
            timing.add("fall=" + script.child("fall").map(n -> n.args().isEmpty() ? "1" : n.args().getFirst()).orElse("1"));
            timing.add("rise=" + script.child("rise").map(n -> n.args().isEmpty() ? "1" : n.args().getFirst()).orElse("1"));
            script.child("user").ifPresent(user -> note(user, "vrrp_script " + track.keyword() + " user: not carried"
                    + " over: vrrpd runs exec: checks as root"));
            track(track, spec, weightOf(track, script), timing);
        }

        private void trackProcess(final Node track) {
            final Node process = processes.get(track.keyword());
            if (process == null) {
                note(track, what + " track_process " + track.keyword() + ": not carried over: no vrrp_track_process "
                        + track.keyword());
                return;
            }
            final List<String> command = process.child("process").map(Node::args).orElse(List.of());
            if (command.isEmpty()) {
                note(track, what + " track_process " + track.keyword() + ": not carried over: its vrrp_track_process"
                        + " names no process");
                return;
            }
            final String program = command.getFirst().substring(command.getFirst().lastIndexOf('/') + 1);
            for (final Node key : process.children()) {
                if (!List.of("process", "weight", "quorum", "delay", "fork_delay", "terminate_delay").contains(key.keyword())
                        || key.keyword().equals("quorum") && !key.args().equals(List.of("1"))) {
                    note(key, "vrrp_track_process " + track.keyword() + " " + key.keyword() + ": not carried over:"
                            + " vrrpd's pid:NAME checks that one process of that name lives");
                }
            }
            if (command.size() > 1) {
                note(process.child("process").orElseThrow(), "vrrp_track_process " + track.keyword() + " process "
                        + String.join(" ", command) + ": its parameters are not carried over: pid:NAME matches the"
                        + " name only");
            }
            track(track, "pid:" + program.substring(0, Math.min(15, program.length())), weightOf(track, process),
                    List.of());
        }

        /** A track with {@code weight N [reverse]} as a dependency SPEC with {@code @weight=-N} and {@code options}. */
        private void track(final Node where, final String spec, final List<String> weightWords,
                           final List<String> options) {
            int weight = 0;
            if (!weightWords.isEmpty()) {
                if (weightWords.size() < 2 || !weightWords.getFirst().equals("weight")) {
                    note(where, what + " " + where.keyword() + " " + String.join(" ", weightWords) + ": not carried"
                            + " over: expected weight N");
                } else {
                    try {
                        weight = Integer.parseInt(weightWords.get(1));
                    } catch (NumberFormatException e) {
                        fail(where, where.keyword() + " weight " + weightWords.get(1) + " is not a number");
                        return;
                    }
                    if (weightWords.size() > 2 && weightWords.get(2).equals("reverse")) {
                        note(where, what + " " + where.keyword() + " reverse: not carried over (vrrpd's dependencies"
                                + " are met when the check succeeds); the track is left out");
                        return;
                    }
                }
            }
            if (weight != 0 && syncGroup() && !syncGroupTrackingWeight) {
                note(where, what + " " + where.keyword() + " weight " + weight + ": taken as 0 (a hard dependency), as"
                        + " keepalived does for a vrrp_sync_group member without sync_group_tracking_weight");
                weight = 0;
            }
            final List<String> all = new ArrayList<>(options);
            if (weight < 0) {
                all.addFirst("weight=" + weight);
            } else if (weight > 0) {
                // keepalived adds N while the track is up; vrrpd subtracts N while it fails: the same priority.
                raisedBy += weight;
                all.addFirst("weight=-" + weight);
            }
            depends.add(spec + (all.isEmpty() ? "" : "@" + String.join(",", all)));
        }

        /** The track's own {@code weight N [reverse]}, else its definition's (keepalived's rule). */
        private static List<String> weightOf(final Node track, final Node definition) {
            if (!track.args().isEmpty()) {
                return track.args();
            }
            return definition.child("weight").map(w -> {
                final List<String> words = new ArrayList<>(List.of("weight"));
                words.addAll(w.args());
                return words;
            }).orElse(List.of());
        }

        private boolean syncGroup() {
            return syncGroupOf.containsKey(instance.args().getFirst());
        }

        private Optional<String> hook(final Node key) {
            final String command = String.join(" ", key.args()).strip();
            if (command.startsWith("/") && !command.contains(" ")) {
                return Optional.of(command);
            }
            note(key, what + " " + key.keyword() + " \"" + command + "\": not carried over: a vrrpd hook is one"
                    + " program by absolute path, run without arguments (it gets VRRPD_* variables): put the command in"
                    + " a script");
            return Optional.empty();
        }

        /** {@code key}'s seconds in milliseconds; a value that is not a number of seconds fails the router. */
        private Optional<String> milliseconds(final Node key) {
            final Optional<BigDecimal> ms = KeepalivedImport.milliseconds(key);
            if (ms.isEmpty()) {
                fail(key, key.keyword() + " " + String.join(" ", key.args()) + ": not a number of seconds");
            }
            return ms.map(BigDecimal::toPlainString);
        }

        private boolean one(final Node key) {
            if (key.args().size() != 1) {
                fail(key, key.keyword() + ": expected one value, found " + key.args().size());
                return false;
            }
            return true;
        }

        private boolean valid(final Node key, final Pattern pattern, final String allowed) {
            if (!pattern.matcher(key.args().getFirst()).matches()) {
                fail(key, key.keyword() + " " + key.args().getFirst() + ": not " + allowed);
                return false;
            }
            return true;
        }

        private void fail(final Node where, final String message) {
            error(where, what + ": not imported: " + message);
            failed = true;
        }

        Optional<ImportedRouter> build(final String name) {
            if (vrid == null) {
                fail(instance, "no virtual_router_id");
            }
            if (link == null) {
                fail(instance, "no interface (vrrpd runs every router on a link)");
            }
            if (addresses.isEmpty() && !Boolean.TRUE.equals(inet6)) {
                fail(instance, "no virtual_ipaddress (an IPv4 router needs one)");
            }
            if (failed) {
                return Optional.empty();
            }
            final boolean six = Boolean.TRUE.equals(inet6);
            // keepalived runs IPv6 instances as VRRPv3 whatever vrrp_version says.
            final int runVersion = six ? 3 : version != null ? version : globalVersion;
            int runPriority = priority;
            if (raisedBy > 0) {
                if (priority == 255) {
                    note(priorityNode != null ? priorityNode : instance, what + " priority 255: positive track weights"
                            + " ignored (the owner always runs with 255)");
                } else {
                    runPriority = Math.min(MAX_PRIORITY, priority + raisedBy);
                    note(priorityNode != null ? priorityNode : instance, what + " priority " + priority + " with"
                            + " positive track weights (+" + raisedBy + "): priority " + runPriority + ", each track"
                            + " lowering it by its weight while it fails (the same effective priority)"
                            + (priority + raisedBy > MAX_PRIORITY ? "; capped at " + MAX_PRIORITY + " as keepalived caps"
                            : ""));
                }
            }
            final List<String> options = new ArrayList<>(List.of("-V", vrid, "-l", link, "-A", six ? "inet6" : "inet",
                    "-v", String.valueOf(runVersion), "-p", String.valueOf(runPriority), "-i", intervalMs,
                    "-o", (preempt ? "preempt" : "un_preempt") + "," + (accept == null
                            ? (strict ? "no_accept" : "accept") : accept ? "accept" : "no_accept"),
                    "--mac", vmac ? "virtual" : "real"));
            addresses.forEach(a -> options.addAll(List.of("-a", a)));
            depends.forEach(d -> options.addAll(List.of("--depends", d)));
            peers.forEach(p -> options.addAll(List.of("--unicast-peer", p)));
            optional(options, "--preempt-delay", preemptDelayMs);
            optional(options, "--on-master", onMaster);
            optional(options, "--on-backup", onBackup);
            optional(options, "--on-offline", onOffline);
            optional(options, "--sync-group", syncGroup);
            optional(options, "--auth-pass", authPass);
            options.add(name);
            return Optional.of(new ImportedRouter(name, instance.args().getFirst(), instance.where(), List.copyOf(options)));
        }

        private static void optional(final List<String> options, final String option, final String value) {
            if (value != null) {
                options.addAll(List.of(option, value));
            }
        }
    }

    /** A number of seconds as keepalived writes it (a decimal such as 0.5), in whole milliseconds; empty if not one. */
    static Optional<BigDecimal> milliseconds(final Node key) {
        if (key.args().size() != 1) {
            return Optional.empty();
        }
        try {
            final BigDecimal value = new BigDecimal(key.args().getFirst());
            return value.signum() < 0 ? Optional.empty()
                    : Optional.of(value.movePointRight(3).setScale(0, java.math.RoundingMode.HALF_UP));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private void note(final Node where, final String text) {
        notes.add(new Note(where.where(), text));
    }

    private void error(final Node where, final String text) {
        errors.add(new Note(where.where(), text));
    }

}
