package io.cairn.common.config;

import io.cairn.common.Invariants;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configuration one daemon or client runs with. A value comes from, highest first: a change
 * made in the running daemon ({@link #set}), the command line ({@code --name value}), the
 * monitors' central database ({@link #applyMon}, entity over type over global), the config file
 * ({@code [mon.a]}, then {@code [mon]}, then {@code [global]}), then the option's default. (Ceph
 * lets the file win over the monitors for a few options; Cairn keeps one order for all.)
 *
 * <p>File and command-line values are parsed and range-checked when the config is built, so a bad
 * one fails at start with its name. {@link #get} is a read of an immutable snapshot, cheap enough
 * for hot paths and safe from any thread; a change publishes a new snapshot, then tells the
 * listeners registered with {@link #onChange}. Once the daemon is running ({@link #freeze}), an
 * option that cannot change at runtime keeps its start-up value; a newer one from the monitors is
 * recorded as needing a restart, logged once, and shown by {@code config show}.
 */
public final class CairnConfig {
    private static final Logger LOG = LoggerFactory.getLogger(CairnConfig.class);
    /** Listeners are components, not requests: a few dozen per daemon at most. */
    private static final int LISTENERS_MAX = 1024;
    /** Distinct restart-needed values logged; past it they still show in config show. */
    private static final int RESTART_LOGGED_MAX = 4096;

    /** One layer's value for an option, formatted for people. */
    public record LayerValue(ConfigLayer layer, String value) { }

    /**
     * One option as this daemon runs with it: the value in effect and its layer, the lower layers
     * it hides, and, for an option frozen at start, what a restart would take instead.
     */
    public record Shown(ConfigOption<?> option, String value, ConfigLayer source, List<LayerValue> overrides,
                        boolean restartNeeded, LayerValue pending) { }

    private record Listener<T>(ConfigOption<T> option, Consumer<? super T> action) {
        void fire(CairnConfig config) {
            try {
                action.accept(config.get(option));
            } catch (RuntimeException e) {
                // one component's failure to adopt a value must not keep the others from theirs
                LOG.warn("config listener for {} failed: {}", option.name(), e.toString());
            }
        }
    }

    private final String entity;
    private final ConfigFile file;
    private final Map<String, Object> fileValues;
    private final Map<String, Object> overrideValues;
    private final List<Listener<?>> listeners = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    // guarded by lock
    private Map<String, Object> monValues = Map.of();
    private final Map<String, Object> runtimeValues = new HashMap<>();
    private Map<String, Object> frozenValues;
    private Map<String, ConfigLayer> frozenLayers;
    private long monVersion;
    private final Set<String> restartLogged = new HashSet<>();
    /** What {@link #get} reads: every option's value in effect; replaced whole, never changed. */
    private volatile Map<String, Object> effective;

    private CairnConfig(String entity, ConfigFile file, Map<String, String> overrides) {
        this.entity = entity;
        this.file = file;
        Map<String, Object> fromFile = new HashMap<>();
        Map<String, Object> fromCommandLine = new HashMap<>();
        for (String key : overrides.keySet()) {
            ConfigOption<?> o = OptionIndex.find(key);
            if (o == null) {
                throw new IllegalArgumentException("unknown config option '" + key + "'");
            }
            fromCommandLine.put(o.name(), o.parse(overrides.get(key)));
            LOG.debug("{} = {} (from command line)", o.name(), overrides.get(key));
        }
        for (ConfigOption<?> o : OptionIndex.all()) {
            Object v = fromFile(o);
            if (v != null) {
                fromFile.put(o.name(), v);
            }
        }
        this.fileValues = Map.copyOf(fromFile);
        this.overrideValues = Map.copyOf(fromCommandLine);
        synchronized (lock) {
            effective = computeEffective();
        }
    }

    /** Reads {@code conf} (may be null) for entity {@code type.id} ("mon.a", "osd.3", "client.admin"). */
    public static CairnConfig load(Path conf, String entity, Map<String, String> overrides) {
        return new CairnConfig(entity, conf == null ? ConfigFile.empty() : ConfigFile.read(conf), overrides);
    }

    public static CairnConfig of(ConfigFile file, String entity, Map<String, String> overrides) {
        return new CairnConfig(entity, file, overrides);
    }

    /** Defaults only, for tests and tools. */
    public static CairnConfig defaults(String entity) {
        return new CairnConfig(entity, ConfigFile.empty(), Map.of());
    }

    public String entity() {
        return entity;
    }

    /** "mon" for "mon.a". */
    public String entityType() {
        int dot = entity.indexOf('.');
        return dot < 0 ? entity : entity.substring(0, dot);
    }

    /** "a" for "mon.a". */
    public String entityId() {
        int dot = entity.indexOf('.');
        return dot < 0 ? "" : entity.substring(dot + 1);
    }

    private Object fromFile(ConfigOption<?> o) {
        for (String section : List.of(entity, entityType(), "global")) {
            String raw = file.get(section, o.name());
            if (raw != null) {
                Object v = o.parse(raw);
                LOG.debug("{} = {} (from [{}])", o.name(), raw, section);
                return v;
            }
        }
        return null;
    }

    /** The newest value in effect. */
    @SuppressWarnings("unchecked")
    public <T> T get(ConfigOption<T> o) {
        Object v = effective.get(o.name());
        return v != null ? (T) v : o.defaultValue();
    }

    /** Changes a runtime-settable option; throws IllegalArgumentException for others or bad values. */
    public <T> void set(ConfigOption<T> o, String value) {
        if (!o.runtime()) {
            throw new IllegalArgumentException(o.name() + " cannot be changed at runtime");
        }
        T parsed = o.parse(value);
        Map<String, Object> before;
        synchronized (lock) {
            before = effective;
            runtimeValues.put(o.name(), parsed);
            effective = computeEffective();
        }
        fireChanged(before);
    }

    /**
     * From now on an option that cannot change at runtime keeps the value it has: the daemon has
     * built what reads it. Idempotent; {@link #applyMon} outside start-up calls it.
     */
    public void freeze() {
        synchronized (lock) {
            freezeLocked();
        }
    }

    private void freezeLocked() {
        if (frozenValues != null) {
            return;
        }
        Map<String, Object> values = new HashMap<>();
        Map<String, ConfigLayer> layers = new HashMap<>();
        for (ConfigOption<?> o : OptionIndex.all()) {
            if (!o.runtime()) {
                ConfigLayer top = topLayer(o);
                layers.put(o.name(), top);
                values.put(o.name(), valueAt(o, top));
            }
        }
        frozenValues = Map.copyOf(values);
        frozenLayers = Map.copyOf(layers);
    }

    /**
     * Takes this entity's values from the monitors' central database ({@code values}: option name
     * to text, the most specific WHO already chosen) at database {@code version}; they replace the
     * previous set whole, so an option removed centrally falls back to the file or default.
     * Runtime options take effect at once. Others take effect only {@code atStartup} (before the
     * daemon reads them); afterwards they wait for a restart. Unknown names and bad values (a
     * monitor newer than this daemon) are skipped with a warning, never fatal. Older versions than
     * the one applied are ignored. Returns the names of options whose value in effect changed.
     */
    public List<String> applyMon(long version, Map<String, String> values, boolean atStartup) {
        Objects.requireNonNull(values);
        Map<String, Object> before;
        List<String> changed;
        synchronized (lock) {
            if (version < monVersion) {
                return List.of();
            }
            if (!atStartup) {
                freezeLocked();
            }
            monValues = parseMon(values);
            monVersion = version;
            before = effective;
            effective = computeEffective();
            changed = changedNames(before, effective);
            logRestartNeeded();
        }
        fireChanged(before);
        return changed;
    }

    /** The central database version last applied (0 before any). */
    public long monVersion() {
        synchronized (lock) {
            return monVersion;
        }
    }

    private Map<String, Object> parseMon(Map<String, String> values) {
        Map<String, Object> parsed = new HashMap<>();
        for (Map.Entry<String, String> e : values.entrySet()) {
            ConfigOption<?> o = OptionIndex.find(e.getKey());
            if (o == null || ConfigChecks.bootstrapOnly(o)) {
                LOG.warn("ignoring central config '{}' for {}: not an option this daemon can take from the monitors",
                        e.getKey(), entity);
                continue;
            }
            try {
                parsed.put(o.name(), o.parse(e.getValue()));
            } catch (IllegalArgumentException bad) {
                LOG.warn("ignoring central config for {}: {}", entity, bad.getMessage());
            }
        }
        return Map.copyOf(parsed);
    }

    /**
     * Calls {@code action} with the new value whenever {@code option}'s value in effect changes
     * (on the thread that made the change, after {@link #get} returns the new value). Close the
     * returned handle to stop.
     */
    public <T> AutoCloseable onChange(ConfigOption<T> option, Consumer<? super T> action) {
        Invariants.check(listeners.size() < LISTENERS_MAX, "more than %d config listeners", LISTENERS_MAX);
        Listener<T> l = new Listener<>(Objects.requireNonNull(option), Objects.requireNonNull(action));
        listeners.add(l);
        return () -> listeners.remove(l);
    }

    private void fireChanged(Map<String, Object> before) {
        Map<String, Object> now = effective;
        for (Listener<?> l : listeners) {
            if (!Objects.equals(before.get(l.option().name()), now.get(l.option().name()))) {
                l.fire(this);
            }
        }
    }

    private static List<String> changedNames(Map<String, Object> before, Map<String, Object> after) {
        List<String> out = new ArrayList<>();
        for (ConfigOption<?> o : OptionIndex.all()) {
            if (!Objects.equals(before.get(o.name()), after.get(o.name()))) {
                out.add(o.name());
            }
        }
        return out;
    }

    /** Every option's value in effect; the caller holds the lock. */
    private Map<String, Object> computeEffective() {
        Map<String, Object> m = new HashMap<>();
        for (ConfigOption<?> o : OptionIndex.all()) {
            boolean frozen = frozenValues != null && !o.runtime();
            m.put(o.name(), frozen ? frozenValues.get(o.name()) : valueAt(o, topLayer(o)));
        }
        return Map.copyOf(m);
    }

    private ConfigLayer topLayer(ConfigOption<?> o) {
        String n = o.name();
        if (runtimeValues.containsKey(n)) {
            return ConfigLayer.RUNTIME;
        }
        if (overrideValues.containsKey(n)) {
            return ConfigLayer.OVERRIDE;
        }
        if (monValues.containsKey(n)) {
            return ConfigLayer.MON;
        }
        return fileValues.containsKey(n) ? ConfigLayer.FILE : ConfigLayer.DEFAULT;
    }

    private Object valueAt(ConfigOption<?> o, ConfigLayer layer) {
        return switch (layer) {
            case RUNTIME -> runtimeValues.get(o.name());
            case OVERRIDE -> overrideValues.get(o.name());
            case MON -> monValues.get(o.name());
            case FILE -> fileValues.get(o.name());
            case DEFAULT -> o.defaultValue();
        };
    }

    private void logRestartNeeded() {
        if (frozenValues == null) {
            return;
        }
        for (ConfigOption<?> o : OptionIndex.all()) {
            if (o.runtime()) {
                continue;
            }
            ConfigLayer top = topLayer(o);
            Object wanted = valueAt(o, top);
            if (!Objects.equals(wanted, frozenValues.get(o.name())) && restartLogged.size() < RESTART_LOGGED_MAX
                    && restartLogged.add(o.name() + "=" + wanted)) {
                LOG.warn("{} = {} (from {}) cannot change at runtime: {} keeps {} until it restarts", o.name(),
                        format(o, wanted), top.label(), entity, format(o, frozenValues.get(o.name())));
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> String format(ConfigOption<T> o, Object v) {
        return o.format((T) v);
    }

    /** Every option with its value in effect and where it came from, by name ({@code config show}). */
    public List<Shown> show() {
        synchronized (lock) {
            List<Shown> out = new ArrayList<>();
            for (ConfigOption<?> o : OptionIndex.all()) {
                out.add(shown(o));
            }
            return out;
        }
    }

    private Shown shown(ConfigOption<?> o) {
        Map<ConfigLayer, Object> set = new EnumMap<>(ConfigLayer.class);
        for (ConfigLayer layer : ConfigLayer.values()) {
            if (layer != ConfigLayer.DEFAULT && valueAt(o, layer) != null) {
                set.put(layer, valueAt(o, layer));
            }
        }
        ConfigLayer top = topLayer(o);
        boolean frozen = frozenValues != null && !o.runtime();
        ConfigLayer source = frozen ? frozenLayers.get(o.name()) : top;
        Object value = frozen ? frozenValues.get(o.name()) : valueAt(o, top);
        List<LayerValue> hidden = new ArrayList<>();
        for (Map.Entry<ConfigLayer, Object> e : set.entrySet()) {
            if (e.getKey().compareTo(source) < 0) {
                hidden.add(new LayerValue(e.getKey(), format(o, e.getValue())));
            }
        }
        Object wanted = valueAt(o, top);
        boolean restart = frozen && !Objects.equals(wanted, value);
        return new Shown(o, format(o, value), source, List.copyOf(hidden), restart,
                restart ? new LayerValue(top, format(o, wanted)) : null);
    }

    /** A value from a section that is not a declared option (e.g. per-daemon addresses), or null. */
    public String raw(String section, String key) {
        return file.get(section, key);
    }

    /** Every option as {@code name = value}, marking those that differ from the default. */
    public List<String> dump() {
        List<String> lines = new ArrayList<>();
        for (ConfigOption<?> o : OptionIndex.all()) {
            lines.add(line(o));
        }
        return lines;
    }

    private <T> String line(ConfigOption<T> o) {
        T v = get(o);
        return o.name() + " = " + o.format(v) + (v.equals(o.defaultValue()) ? "" : "  # custom");
    }
}
