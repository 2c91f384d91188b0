package io.vrrpd.daemon.config;

import io.vrrpd.protocol.AddressFamily;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A router file that does not load (it does not parse, a key is invalid, it conflicts with another router or the
 * runtime refused it), with what can still be read from it. Issue 12: such a file is shown in show-router (ADMIN
 * {@code maintenance}, REASON {@code FILE:LINE: message}), not only logged; and its VNIC, which a previous run
 * plumbed, is not removed at start as a leftover: a typo must not take down the addresses services are bound to.
 *
 * <p>The VRID, link and family are read line by line from the text, not from the TOML tree: a file that does not
 * parse still names them, usually. Each is null when the text does not give a valid one; a file that names none
 * of them could be any router ({@link #couldOwn} answers true for every VNIC).
 *
 * @param name   the router's name: the file's without {@code .toml}
 * @param error  why it does not load, {@code FILE:LINE: message}
 * @param vrid   {@code vrid = N} (1-255), or null
 * @param link   {@code link = 'NAME'}, or null
 * @param family {@code address_family = 'inet'|'inet6'}, or null
 */
public record BrokenRouterFile(String name, ConfigError error, Integer vrid, String link, AddressFamily family) {

    private static final Pattern VRID = Pattern.compile("(?m)^\\s*vrid\\s*=\\s*(\\d{1,3})\\s*(#.*)?$");
    private static final Pattern LINK = Pattern.compile("(?m)^\\s*link\\s*=\\s*(['\"])([^'\"]+)\\1\\s*(#.*)?$");
    private static final Pattern FAMILY = Pattern.compile(
            "(?m)^\\s*address_family\\s*=\\s*(['\"])(inet6?)\\1\\s*(#.*)?$");
    private static final String SUFFIX = ".toml";

    /** {@code error}'s file, with what its text still says (nothing when it cannot be read). */
    public static BrokenRouterFile of(final ConfigError error) {
        final String fileName = error.file().getFileName().toString();
        final String name = fileName.endsWith(SUFFIX) ? fileName.substring(0, fileName.length() - SUFFIX.length())
                : fileName;
        String text = "";
        try {
            text = Files.readString(error.file(), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            // not readable (or not UTF-8): nothing more is known than the name
        }
        Integer vrid = null;
        final Matcher v = VRID.matcher(text);
        if (v.find()) {
            final int value = Integer.parseInt(v.group(1));
            vrid = value >= 1 && value <= 255 ? value : null;
        }
        final Matcher l = LINK.matcher(text);
        final String link = l.find() ? l.group(2) : null;
        final Matcher f = FAMILY.matcher(text);
        final AddressFamily family = f.find() ? AddressFamily.parse(f.group(2)) : null;
        return new BrokenRouterFile(name, error, vrid, link, family);
    }

    /**
     * Whether this file's router could be the one that plumbed a VNIC for {@code vrid} and {@code family} on the link
     * named {@code parentLink} (null: the parent is gone): what the file does not say matches anything.
     */
    public boolean couldOwn(final AddressFamily vnicFamily, final int vnicVrid, final String parentLink) {
        return (vrid == null || vrid == vnicVrid) && (family == null || family == vnicFamily)
                && (link == null || parentLink == null || link.equals(parentLink));
    }
}
