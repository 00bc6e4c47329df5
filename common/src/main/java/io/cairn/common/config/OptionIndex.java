package io.cairn.common.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every declared option by name, built once: {@link CairnConfigKeys#all()} reflects over the keys
 * classes on each call, which is too slow for code that looks options up per command or update.
 */
public final class OptionIndex {
    private static final List<ConfigOption<?>> ALL = List.copyOf(CairnConfigKeys.all());
    private static final Map<String, ConfigOption<?>> BY_NAME = index();

    private OptionIndex() {}

    private static Map<String, ConfigOption<?>> index() {
        Map<String, ConfigOption<?>> m = new LinkedHashMap<>();
        for (ConfigOption<?> o : ALL) {
            m.put(o.name(), o);
        }
        return Map.copyOf(m);
    }

    /** Every option, sorted by name. */
    public static List<ConfigOption<?>> all() {
        return ALL;
    }

    /** The option with this name ("mon host" and "mon_host" alike), or null. */
    public static ConfigOption<?> find(String name) {
        return name == null ? null : BY_NAME.get(ConfigFile.normalizeKey(name));
    }
}
