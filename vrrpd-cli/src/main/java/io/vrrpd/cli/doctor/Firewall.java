package io.vrrpd.cli.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether the host's packet filter lets VRRP (IP protocol 112) and the cluster's TCP ports in: reads the nftables
 * ruleset ({@code nft -j list ruleset}) and the iptables rules ({@code iptables-save}/{@code ip6tables-save}, the
 * legacy back end; the nft back end's rules are in the nftables ruleset already) and walks each input chain as the
 * kernel would for that traffic, as far as a rule's matches can be judged from the traffic alone: a rule matching
 * only the protocol and destination port decides; an unconditional drop decides; a rule with other matches
 * (addresses, interfaces, connection state) cannot be judged and is passed over; at the end, the chain's policy.
 * vrrpd's own table {@code inet vrrpd} (Accept_Mode) is left out: it drops traffic to virtual addresses, not VRRP.
 */
final class Firewall {

    /** What must get in: a protocol (and a TCP port), for IPv4, IPv6 or both. */
    record Traffic(String name, int protocol, int port, boolean ipv4, boolean ipv6) {
        static Traffic vrrp() {
            return new Traffic("VRRP (protocol 112)", 112, -1, true, true);
        }

        static Traffic tcp(final int port, final String why, final boolean ipv6) {
            return new Traffic("TCP port " + port + " (" + why + ")", 6, port, !ipv6, ipv6);
        }
    }

    private enum Verdict {
        ACCEPT, DROP, UNKNOWN
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private Firewall() {
    }

    /** The findings for {@code traffic} in an {@code nft -j list ruleset} document. */
    static List<Finding> nftables(final String json, final List<Traffic> traffic) {
        final JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return List.of(Finding.warn("firewall", "nft -j list ruleset printed something that is not JSON: "
                    + e.getOriginalMessage()));
        }
        final List<JsonNode> chains = new ArrayList<>();
        final List<JsonNode> rules = new ArrayList<>();
        root.path("nftables").forEach(item -> {
            if (item.has("chain")) {
                chains.add(item.get("chain"));
            } else if (item.has("rule")) {
                rules.add(item.get("rule"));
            }
        });
        final List<Finding> findings = new ArrayList<>();
        for (final Traffic t : traffic) {
            boolean judged = false;
            for (final JsonNode chain : chains) {
                final String family = chain.path("family").asText();
                if (!chain.path("hook").asText().equals("input") || chain.path("table").asText().equals("vrrpd")
                        && family.equals("inet") || !appliesTo(family, t)) {
                    continue;
                }
                judged = true;
                final String where = "nft chain " + family + " " + chain.path("table").asText() + " "
                        + chain.path("name").asText();
                Verdict verdict = Verdict.UNKNOWN;
                for (final JsonNode rule : rules) {
                    if (sameChain(rule, chain)) {
                        verdict = nftRule(rule, t);
                        if (verdict != Verdict.UNKNOWN) {
                            break;
                        }
                    }
                }
                if (verdict == Verdict.UNKNOWN) {
                    verdict = chain.path("policy").asText("accept").equals("drop") ? Verdict.DROP : Verdict.ACCEPT;
                    if (verdict == Verdict.DROP) {
                        findings.add(Finding.fail("firewall", where + " drops " + t.name() + " (its policy is drop and"
                                + " no rule accepts it): nft insert rule " + family + " "
                                + chain.path("table").asText() + " " + chain.path("name").asText() + " "
                                + nftMatch(family, t) + " accept"));
                        continue;
                    }
                } else if (verdict == Verdict.DROP) {
                    findings.add(Finding.fail("firewall", where + " drops " + t.name() + " by a rule: accept it before"
                            + " that rule (" + nftMatch(family, t) + " accept)"));
                    continue;
                }
                findings.add(Finding.ok("firewall", where + " lets " + t.name() + " in"));
            }
            if (!judged) {
                findings.add(Finding.ok("firewall", "no nftables input chain for " + t.name()));
            }
        }
        return findings;
    }

    private static boolean appliesTo(final String family, final Traffic t) {
        return switch (family) {
            case "inet" -> true;
            case "ip" -> t.ipv4();
            case "ip6" -> t.ipv6();
            default -> false; // arp, bridge, netdev: not the IP input path
        };
    }

    private static boolean sameChain(final JsonNode rule, final JsonNode chain) {
        return rule.path("family").asText().equals(chain.path("family").asText())
                && rule.path("table").asText().equals(chain.path("table").asText())
                && rule.path("chain").asText().equals(chain.path("name").asText());
    }

    private static Verdict nftRule(final JsonNode rule, final Traffic t) {
        boolean others = false;
        Verdict verdict = Verdict.UNKNOWN;
        for (final JsonNode expr : rule.path("expr")) {
            if (expr.has("match")) {
                final Optional<Boolean> matches = nftMatches(expr.get("match"), t);
                if (matches.isEmpty()) {
                    others = true;
                } else if (!matches.get()) {
                    return Verdict.UNKNOWN; // the rule is about other traffic
                }
            } else if (expr.has("accept")) {
                verdict = Verdict.ACCEPT;
            } else if (expr.has("drop") || expr.has("reject")) {
                verdict = Verdict.DROP;
            } else if (!expr.has("counter") && !expr.has("log") && !expr.has("limit")) {
                others = true; // jump, goto, queue, set updates...: not judged
            }
        }
        return others ? Verdict.UNKNOWN : verdict;
    }

    /** Whether a match on protocol/port holds for the traffic; empty for a match on anything else. */
    private static Optional<Boolean> nftMatches(final JsonNode match, final Traffic t) {
        final JsonNode left = match.path("left");
        final String op = match.path("op").asText("==");
        final int value;
        final boolean protocolField = left.path("meta").path("key").asText().equals("l4proto")
                || left.path("payload").path("protocol").asText().equals("ip")
                && left.path("payload").path("field").asText().equals("protocol")
                || left.path("payload").path("protocol").asText().equals("ip6")
                && left.path("payload").path("field").asText().equals("nexthdr");
        final boolean portField = left.path("payload").path("protocol").asText().equals("tcp")
                && left.path("payload").path("field").asText().equals("dport");
        if (protocolField) {
            value = t.protocol();
        } else if (portField) {
            if (t.port() < 0) {
                return Optional.of(false); // a TCP port match is not about VRRP
            }
            value = t.port();
        } else {
            return Optional.empty();
        }
        final boolean in = contains(match.path("right"), value, protocolField);
        return switch (op) {
            case "==", "in" -> Optional.of(in);
            case "!=" -> Optional.of(!in);
            default -> Optional.empty();
        };
    }

    private static boolean contains(final JsonNode right, final int value, final boolean protocol) {
        if (right.has("set") || right.isArray()) {
            for (final JsonNode element : right.isArray() ? right : right.get("set")) {
                if (contains(element, value, protocol)) {
                    return true;
                }
            }
            return false;
        }
        if (right.has("range")) {
            final JsonNode range = right.get("range");
            return number(range.get(0), protocol) <= value && value <= number(range.get(1), protocol);
        }
        return number(right, protocol) == value;
    }

    private static int number(final JsonNode node, final boolean protocol) {
        if (node.isInt()) {
            return node.asInt();
        }
        final String text = node.asText().toLowerCase(Locale.ROOT);
        if (protocol) {
            return switch (text) {
                case "vrrp" -> 112;
                case "tcp" -> 6;
                case "udp" -> 17;
                default -> text.matches("\\d+") ? Integer.parseInt(text) : -1;
            };
        }
        return text.matches("\\d+") ? Integer.parseInt(text) : -1;
    }

    private static String nftMatch(final String family, final Traffic t) {
        if (t.port() >= 0) {
            return "tcp dport " + t.port();
        }
        return switch (family) {
            case "ip" -> "ip protocol vrrp";
            case "ip6" -> "ip6 nexthdr vrrp";
            default -> "meta l4proto vrrp";
        };
    }

    /** The findings for {@code traffic} in {@code iptables-save} ({@code ipv6}: ip6tables-save) output. */
    static List<Finding> iptables(final String save, final boolean ipv6, final List<Traffic> traffic) {
        final String tool = ipv6 ? "ip6tables" : "iptables";
        final List<Finding> findings = new ArrayList<>();
        String policy = null;
        final List<String> rules = new ArrayList<>();
        boolean filter = false;
        for (final String line : save.lines().toList()) {
            if (line.startsWith("*")) {
                filter = line.equals("*filter");
            } else if (filter && line.startsWith(":INPUT ")) {
                policy = line.split("\\s+")[1];
            } else if (filter && line.startsWith("-A INPUT ")) {
                rules.add(line);
            }
        }
        if (policy == null) {
            return findings;
        }
        for (final Traffic t : traffic) {
            if (ipv6 ? !t.ipv6() : !t.ipv4()) {
                continue;
            }
            Verdict verdict = Verdict.UNKNOWN;
            for (final String rule : rules) {
                verdict = iptablesRule(rule, t);
                if (verdict != Verdict.UNKNOWN) {
                    break;
                }
            }
            if (verdict == Verdict.UNKNOWN) {
                verdict = policy.equals("DROP") ? Verdict.DROP : Verdict.ACCEPT;
            }
            final String match = t.port() >= 0 ? "-p tcp --dport " + t.port() : "-p vrrp";
            findings.add(verdict == Verdict.DROP
                    ? Finding.fail("firewall", tool + " INPUT drops " + t.name() + ": " + tool + " -I INPUT " + match
                    + " -j ACCEPT")
                    : Finding.ok("firewall", tool + " INPUT lets " + t.name() + " in"));
        }
        return findings;
    }

    private static Verdict iptablesRule(final String rule, final Traffic t) {
        final String[] words = rule.split("\\s+");
        Verdict verdict = Verdict.UNKNOWN;
        boolean others = false;
        for (int i = 2; i < words.length; i++) {
            switch (words[i]) {
                case "-p" -> {
                    final int protocol = number(new com.fasterxml.jackson.databind.node.TextNode(words[++i]), true);
                    if (protocol != t.protocol()) {
                        return Verdict.UNKNOWN;
                    }
                }
                case "--dport" -> {
                    final String[] range = words[++i].split(":");
                    final int low = Integer.parseInt(range[0]);
                    final int high = range.length > 1 ? Integer.parseInt(range[1]) : low;
                    if (t.port() < low || t.port() > high) {
                        return Verdict.UNKNOWN;
                    }
                }
                case "-m" -> {
                    if (!words[i + 1].equals("tcp")) {
                        others = true;
                    }
                    i++;
                }
                case "-j" -> {
                    final String target = words[++i];
                    verdict = switch (target) {
                        case "ACCEPT" -> Verdict.ACCEPT;
                        case "DROP", "REJECT" -> Verdict.DROP;
                        default -> Verdict.UNKNOWN;
                    };
                    i = words.length; // the target's own options (--reject-with ...) follow
                }
                default -> others = true;
            }
        }
        return others ? Verdict.UNKNOWN : verdict;
    }
}
