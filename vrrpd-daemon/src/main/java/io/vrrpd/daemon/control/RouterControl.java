package io.vrrpd.daemon.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vrrpd.daemon.config.BrokenRouterFile;
import io.vrrpd.daemon.config.ConfigError;
import io.vrrpd.daemon.config.RouterSpec;
import io.vrrpd.daemon.config.RouterSpecTree;
import io.vrrpd.daemon.config.RouterStore;
import io.vrrpd.protocol.Clock;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The router verbs of the control socket. Each change is validated here (authoritatively: any client,
 * same rules), persisted atomically, then handed to the {@link RouterRuntime}; if the runtime refuses, the
 * previous file is put back, so disk and runtime never disagree about what the operator asked for.
 *
 * <p>Verbs and their {@code args}: {@code create-router} (name + the router file's keys),
 * {@code modify-router} (name + the keys to change), {@code delete-router}, {@code enable-router},
 * {@code disable-router}, {@code clear-router} (name), {@code show-router} (optional name; answers an array
 * of {@link RouterView}s).
 */
public final class RouterControl implements ControlHandler {

    private static final System.Logger LOG = System.getLogger(RouterControl.class.getName());
    /** The verbs this handler answers. */
    public static final List<String> VERBS = List.of("create-router", "delete-router", "enable-router",
            "disable-router", "modify-router", "clear-router", "show-router");

    private final RouterStore store;
    private final RouterRuntime runtime;
    private final Clock clock;
    private final Map<String, RouterSpec> routers = new TreeMap<>();
    private final List<ConfigError> loadErrors = new ArrayList<>();
    /**
     * The router files that do not load, by router name (issue 12): shown by show-router (ADMIN maintenance, REASON
     * {@code FILE:LINE: message}) instead of only logged. A name may be in {@link #routers} too: its file broke
     * after the router was loaded, and it keeps running as it was.
     */
    private final Map<String, BrokenRouterFile> broken = new TreeMap<>();
    /** {@code broken.size()}, published for /metrics (a scrape must not wait for a reload's lock). */
    private volatile int brokenCount;

    private RouterControl(final RouterStore store, final RouterRuntime runtime, final Clock clock) {
        this.store = store;
        this.runtime = runtime;
        this.clock = clock;
    }

    /**
     * Loads every router file and hands each valid router to the runtime. Broken files are logged as
     * {@code FILE:LINE: message} and skipped (see {@link #loadErrors()}); the other routers run.
     *
     * @throws IOException when the routers directory cannot be listed
     */
    public static RouterControl open(final RouterStore store, final RouterRuntime runtime, final Clock clock)
            throws IOException {
        final RouterControl control = new RouterControl(store, runtime, clock);
        final RouterStore.Loaded loaded = store.loadAll();
        loaded.warnings().forEach(warning -> LOG.log(System.Logger.Level.WARNING, warning));
        loaded.errors().forEach(control::loadError);
        for (final RouterSpec spec : loaded.routers()) {
            try {
                applyOrQueue(runtime, spec, store);
                control.routers.put(spec.name(), spec);
            } catch (ControlException e) {
                control.loadError(new ConfigError(store.fileOf(spec.name()), 1, e.getMessage()));
            }
        }
        control.loadErrors.forEach(control::markBroken);
        return control;
    }

    /** The router files that do not load now (start-up: their VNICs are not leftovers to remove). */
    public synchronized List<BrokenRouterFile> brokenFiles() {
        return List.copyOf(broken.values());
    }

    private BrokenRouterFile markBroken(final ConfigError error) {
        final BrokenRouterFile file = BrokenRouterFile.of(error);
        broken.put(file.name(), file);
        brokenCount = broken.size();
        return file;
    }

    /** How many router files do not load now; never waits (for /metrics). */
    public int brokenCount() {
        return brokenCount;
    }

    /**
     * Hands {@code spec} to the runtime. A busy runtime (the router loop did not answer in time: 1000 routers
     * starting on a loaded host) has queued the change and carries it out when it gets to it, in order
     * ({@link RouterRuntime#apply}): that is no refusal. The router is configured, so it is kept and listed
     * (show-router's own question to the loop comes after the queued change); the log says it was late. It
     * once was taken for a refusal: 5 of 1000 routers ran, unseen by show-router.
     *
     * @return false when the change was queued rather than done
     */
    private static boolean applyOrQueue(final RouterRuntime runtime, final RouterSpec spec, final RouterStore store)
            throws ControlException {
        try {
            runtime.apply(spec);
            return true;
        } catch (ControlException e) {
            if (e.kind() != ControlException.Kind.UNAVAILABLE) {
                throw e;
            }
            LOG.log(System.Logger.Level.WARNING, store.fileOf(spec.name()) + ": " + e.getMessage()
                    + "; the change is queued and takes effect when the loop gets to it");
            return false;
        }
    }

    /** The files {@link #open} skipped, as {@code FILE:LINE: message}. */
    public List<ConfigError> loadErrors() {
        return List.copyOf(loadErrors);
    }

    private void loadError(final ConfigError error) {
        LOG.log(System.Logger.Level.ERROR, error.toString());
        loadErrors.add(error);
    }

    /**
     * SIGHUP: re-reads the router files and applies the differences. An unchanged router is not touched; a
     * new file starts a router, a changed one is applied in place, a removed one is deleted. A file that
     * no longer parses is reported as {@code FILE:LINE: message} and its router keeps running as it was:
     * a typo must not take an address down. Every file that does not load is shown by show-router until a reload
     * finds it loading (or gone).
     *
     * @return one line saying what changed, for the log
     * @throws IOException when the routers directory cannot be listed (nothing is changed then)
     */
    public synchronized String reload() throws IOException {
        final RouterStore.Loaded loaded = store.loadAll();
        loaded.warnings().forEach(warning -> LOG.log(System.Logger.Level.WARNING, warning));
        broken.clear();
        brokenCount = 0;
        for (final ConfigError error : loaded.errors()) {
            LOG.log(System.Logger.Level.ERROR, error + (routers.containsKey(markBroken(error).name())
                    ? " (router keeps its running configuration)" : " (shown in show-router as maintenance)"));
        }
        final Map<String, RouterSpec> wanted = new TreeMap<>();
        loaded.routers().forEach(spec -> wanted.put(spec.name(), spec));
        int added = 0;
        int changed = 0;
        int removed = 0;
        for (final String name : List.copyOf(routers.keySet())) {
            if (!wanted.containsKey(name) && !broken.containsKey(name)) {
                runtime.remove(name);
                routers.remove(name);
                removed++;
            }
        }
        int refused = 0;
        for (final RouterSpec spec : wanted.values()) {
            final RouterSpec old = routers.get(spec.name());
            if (spec.equals(old)) {
                continue;
            }
            final String conflict = routers.values().stream().map(spec::conflictWith).flatMap(java.util.Optional::stream)
                    .findFirst().orElse(null);
            if (conflict != null) {
                final ConfigError error = new ConfigError(store.fileOf(spec.name()), 1, conflict);
                LOG.log(System.Logger.Level.ERROR, error.toString());
                markBroken(error);
                refused++;
                continue;
            }
            try {
                applyOrQueue(runtime, spec, store);
                routers.put(spec.name(), spec);
                if (old == null) {
                    added++;
                } else {
                    changed++;
                }
            } catch (ControlException e) {
                final ConfigError error = new ConfigError(store.fileOf(spec.name()), 1, e.getMessage());
                LOG.log(System.Logger.Level.ERROR, error.toString());
                markBroken(error);
                refused++;
            }
        }
        return "reload: " + added + " added, " + changed + " changed, " + removed + " removed, "
                + (routers.size() - added - changed) + " unchanged"
                + (broken.isEmpty() ? "" : ", " + broken.size() + " file(s) refused");
    }

    @Override
    public synchronized JsonNode handle(final String verb, final JsonNode args) throws ControlException {
        return switch (verb) {
            case "create-router" -> create(args);
            case "modify-router" -> modify(args);
            case "delete-router" -> delete(onlyName(args));
            case "enable-router" -> setEnabled(onlyName(args), true);
            case "disable-router" -> setEnabled(onlyName(args), false);
            case "clear-router" -> clear(onlyName(args));
            case "show-router" -> show(args);
            default -> throw new ControlException(ControlException.Kind.UNSUPPORTED, "unknown verb '" + verb + "' (allowed: " + String.join(", ", VERBS)
                    + ")");
        };
    }

    private JsonNode create(final JsonNode args) throws ControlException {
        final String name = name(args);
        if (routers.containsKey(name)) {
            throw new ControlException(ControlException.Kind.CONFLICT, "router '" + name + "' already exists");
        }
        if (broken.containsKey(name)) {
            throw new ControlException(ControlException.Kind.CONFLICT, "router '" + name + "' already exists: "
                    + broken.get(name).error() + " (fix the file and send vrrpd SIGHUP, or delete-router " + name
                    + ")");
        }
        final RouterSpec spec = validated(() -> RouterSpecTree.read(name, withoutName(args)));
        refuseConflicts(spec);
        runtime.check(spec);
        change(null, spec);
        return described(spec);
    }

    private JsonNode modify(final JsonNode args) throws ControlException {
        final RouterSpec old = existingWithGoodFile(name(args), "modify");
        final RouterSpec spec = validated(() -> RouterSpecTree.modify(old, withoutName(args)));
        refuseConflicts(spec);
        runtime.check(spec);
        change(old, spec);
        return described(spec);
    }

    /**
     * A VRID or virtual address another router already has on the link: refused, naming that router. A virtual
     * address another router has on another link is logged as a warning (allowed: see
     * {@link RouterSpec#sharedAddressOnAnotherLink}).
     */
    private void refuseConflicts(final RouterSpec spec) throws ControlException {
        for (final RouterSpec other : routers.values()) {
            final java.util.Optional<String> conflict = spec.conflictWith(other);
            if (conflict.isPresent()) {
                throw new ControlException(ControlException.Kind.CONFLICT, conflict.get());
            }
        }
        for (final RouterSpec other : routers.values()) {
            spec.warningWith(other).ifPresent(warning -> LOG.log(System.Logger.Level.WARNING,
                    "router '" + spec.name() + "': " + warning));
        }
    }

    private JsonNode setEnabled(final String name, final boolean enabled) throws ControlException {
        final RouterSpec old = existingWithGoodFile(name, enabled ? "enable" : "disable");
        if (old.enabled() != enabled) {
            change(old, old.toBuilder().enabled(enabled).build());
        }
        return null;
    }

    /** Deletes the router and its file; a broken file's router too (its file is what is deleted). */
    private JsonNode delete(final String name) throws ControlException {
        if (!broken.containsKey(name)) {
            existing(name);
        }
        try {
            store.delete(name);
        } catch (IOException e) {
            throw new ControlException(ControlException.Kind.INTERNAL, "cannot delete " + store.fileOf(name) + ": " + e.getMessage(), e);
        }
        broken.remove(name);
        brokenCount = broken.size();
        if (routers.remove(name) != null) {
            runtime.remove(name);
        }
        return null;
    }

    private JsonNode clear(final String name) throws ControlException {
        existingWithGoodFile(name, "clear");
        runtime.clear(name);
        return null;
    }

    private JsonNode show(final JsonNode args) throws ControlException {
        final long now = clock.nanoTime();
        final ArrayNode views = JsonNodeFactory.instance.arrayNode();
        final java.util.SortedSet<String> names = new java.util.TreeSet<>();
        if (args.isEmpty()) {
            names.addAll(routers.keySet());
            names.addAll(broken.keySet());
        } else {
            final String name = onlyName(args);
            if (!broken.containsKey(name)) {
                existing(name);
            }
            names.add(name);
        }
        for (final String name : names) {
            final RouterSpec spec = routers.get(name);
            final BrokenRouterFile file = broken.get(name);
            views.add(spec == null ? RouterView.broken(file) : file == null
                    ? RouterView.of(spec, runtime.status(name), now)
                    : RouterView.ofWithBrokenFile(spec, runtime.status(name), now, file));
        }
        return views;
    }

    /**
     * Persists {@code spec}, then applies it; puts {@code old} back (or removes the file) if that fails. A busy
     * runtime that queued the change has not refused it: the file stays and the router is listed, and the
     * client is told (UNAVAILABLE) that the change takes effect later.
     */
    private void change(final RouterSpec old, final RouterSpec spec) throws ControlException {
        save(spec);
        final boolean done;
        try {
            done = applyOrQueue(runtime, spec, store);
        } catch (ControlException | RuntimeException e) {
            restore(old, spec.name());
            throw e;
        }
        routers.put(spec.name(), spec);
        if (!done) {
            throw new ControlException(ControlException.Kind.UNAVAILABLE, "router '" + spec.name()
                    + "': the router loop is busy; the change is saved and queued, and takes effect when the loop"
                    + " gets to it (see show-router)");
        }
    }

    private void restore(final RouterSpec old, final String name) {
        try {
            if (old == null) {
                store.delete(name);
            } else {
                store.save(old);
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.ERROR, "cannot restore " + store.fileOf(name) + " after a refused change", e);
        }
    }

    private void save(final RouterSpec spec) throws ControlException {
        try {
            store.save(spec);
        } catch (IOException e) {
            throw new ControlException(ControlException.Kind.INTERNAL, "cannot save " + store.fileOf(spec.name()) + ": " + e.getMessage(), e);
        }
    }

    private RouterSpec existing(final String name) throws ControlException {
        final RouterSpec spec = routers.get(name);
        if (spec == null) {
            throw new ControlException(ControlException.Kind.NOT_FOUND, "router '" + name + "' does not exist");
        }
        return spec;
    }

    /**
     * A running router whose file loads: a verb that rewrites the file (modify, enable, disable) would overwrite the
     * operator's unfinished edit, and clear cannot make a file load.
     */
    private RouterSpec existingWithGoodFile(final String name, final String verb) throws ControlException {
        final BrokenRouterFile file = broken.get(name);
        if (file != null) {
            throw new ControlException(ControlException.Kind.CONFLICT, "cannot " + verb + " router '" + name + "': "
                    + file.error() + " (fix the file and send vrrpd SIGHUP, or delete-router " + name + ")");
        }
        return existing(name);
    }

    private static ObjectNode described(final RouterSpec spec) {
        final ObjectNode tree = JsonNodeFactory.instance.objectNode().put("name", spec.name());
        tree.setAll(RouterSpecTree.shown(spec));
        return tree;
    }

    private static String name(final JsonNode args) throws ControlException {
        final JsonNode name = args.get("name");
        if (name == null || !name.isTextual()) {
            throw new ControlException("name: required (the router's name)");
        }
        validated(() -> {
            RouterSpec.checkName(name.textValue());
            return null;
        });
        return name.textValue();
    }

    /** The name of a verb that takes nothing else. */
    private static String onlyName(final JsonNode args) throws ControlException {
        for (final Iterator<String> keys = args.fieldNames(); keys.hasNext(); ) {
            final String key = keys.next();
            if (!key.equals("name")) {
                throw new ControlException(key + ": unknown key (allowed: name)");
            }
        }
        return name(args);
    }

    private static JsonNode withoutName(final JsonNode args) {
        final ObjectNode copy = ((ObjectNode) args).deepCopy();
        copy.remove("name");
        return copy;
    }

    /** Runs a validation whose IllegalArgumentException carries the one-line message for the client. */
    private static <T> T validated(final Validation<T> validation) throws ControlException {
        try {
            return validation.run();
        } catch (IllegalArgumentException e) {
            throw new ControlException(e.getMessage(), e);
        }
    }

    @FunctionalInterface
    private interface Validation<T> {
        T run();
    }
}
