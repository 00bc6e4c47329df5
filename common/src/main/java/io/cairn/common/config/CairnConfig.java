package io.cairn.common.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configuration one daemon or client runs with. A value comes from, in order: a runtime
 * change, a command-line {@code --name value}, the entity's section ({@code [mon.a]}), its type's
 * section ({@code [mon]}), {@code [global]}, then the option's default. Values are parsed and
 * range-checked when the config is built, so a bad value fails at start with its name.
 */
public final class CairnConfig {
    private static final Logger LOG = LoggerFactory.getLogger(CairnConfig.class);

    private final String entity;
    private final ConfigFile file;
    private final Map<String, String> overrides;
    private final Map<String, Object> runtime = new ConcurrentHashMap<>();
    private final Map<String, Object> resolved = new HashMap<>();

    private CairnConfig(String entity, ConfigFile file, Map<String, String> overrides) {
        this.entity = entity;
        this.file = file;
        this.overrides = Map.copyOf(overrides);
        for (String key : overrides.keySet()) {
            if (CairnConfigKeys.find(key) == null) {
                throw new IllegalArgumentException("unknown config option '" + key + "'");
            }
        }
        for (ConfigOption<?> o : CairnConfigKeys.all()) {
            resolved.put(o.name(), resolve(o));
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

    private <T> T resolve(ConfigOption<T> o) {
        String raw = overrides.get(o.name());
        String from = "command line";
        if (raw == null) {
            for (String section : List.of(entity, entityType(), "global")) {
                raw = file.get(section, o.name());
                if (raw != null) {
                    from = "[" + section + "]";
                    break;
                }
            }
        }
        if (raw == null) {
            return o.defaultValue();
        }
        T v = o.parse(raw);
        LOG.debug("{} = {} (from {})", o.name(), raw, from);
        return v;
    }

    @SuppressWarnings("unchecked")
    public <T> T get(ConfigOption<T> o) {
        Object v = runtime.get(o.name());
        return (T) (v != null ? v : resolved.get(o.name()));
    }

    /** Changes a runtime-settable option; throws IllegalArgumentException for others or bad values. */
    public <T> void set(ConfigOption<T> o, String value) {
        if (!o.runtime()) {
            throw new IllegalArgumentException(o.name() + " cannot be changed at runtime");
        }
        runtime.put(o.name(), o.parse(value));
    }

    /** A value from a section that is not a declared option (e.g. per-daemon addresses), or null. */
    public String raw(String section, String key) {
        return file.get(section, key);
    }

    /** Every option as {@code name = value}, marking those that differ from the default. */
    public List<String> dump() {
        List<String> lines = new ArrayList<>();
        for (ConfigOption<?> o : CairnConfigKeys.all()) {
            lines.add(line(o));
        }
        return lines;
    }

    private <T> String line(ConfigOption<T> o) {
        T v = get(o);
        return o.name() + " = " + o.format(v) + (v.equals(o.defaultValue()) ? "" : "  # custom");
    }
}
