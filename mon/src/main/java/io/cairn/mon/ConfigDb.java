package io.cairn.mon;

import io.cairn.common.Invariants;
import io.cairn.common.config.ConfigWho;
import io.cairn.proto.v1.ConfigDbEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.SortedMap;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The monitors' central config database (Ceph's ConfigMonitor): WHO section → option → value
 * text, and a version that grows with every change that stores or removes something. Replicated
 * with the maps and in snapshots; values are checked before they are proposed and again when
 * applied, so this class only stores. Not thread-safe: the state machine guards it.
 */
final class ConfigDb {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigDb.class);
    /** Entries over all sections; a set past it is refused (the database is small by nature). */
    static final int ENTRIES_MAX = 4096;
    static final int VALUE_LENGTH_MAX = 4096;

    /** A value as it applies to an entity: the text and the section it was stored under. */
    record Resolved(String value, String section) { }

    private final NavigableMap<String, TreeMap<String, String>> sections = new TreeMap<>();
    private int size;
    private long version;

    long version() {
        return version;
    }

    int size() {
        return size;
    }

    boolean full() {
        return size >= ENTRIES_MAX;
    }

    /** Stores a value; returns false when it was already stored (no new version, as in Ceph). */
    boolean set(ConfigWho who, String name, String value) {
        Invariants.check(value.length() <= VALUE_LENGTH_MAX, "config value for %s is %d chars", name, value.length());
        TreeMap<String, String> s = sections.computeIfAbsent(who.section(), k -> new TreeMap<>());
        String old = s.get(name);
        if (value.equals(old)) {
            return false;
        }
        if (old == null) {
            Invariants.check(size < ENTRIES_MAX, "config database full");
            size++;
        }
        s.put(name, value);
        version++;
        return true;
    }

    /** Removes a value; returns false when there was none. */
    boolean remove(ConfigWho who, String name) {
        TreeMap<String, String> s = sections.get(who.section());
        if (s == null || s.remove(name) == null) {
            return false;
        }
        if (s.isEmpty()) {
            sections.remove(who.section());
        }
        size--;
        version++;
        return true;
    }

    /** The value stored for exactly this WHO, or null. */
    String get(ConfigWho who, String name) {
        TreeMap<String, String> s = sections.get(who.section());
        return s == null ? null : s.get(name);
    }

    /**
     * The values that apply to {@code target} (a type or an entity), by option: the most specific
     * section that sets it wins (entity over type over global).
     */
    SortedMap<String, Resolved> resolve(ConfigWho target) {
        SortedMap<String, Resolved> out = new TreeMap<>();
        List<String> order = new ArrayList<>(List.of("global"));
        if (!target.isGlobal()) {
            order.add(target.type());
        }
        if (target.isEntity()) {
            order.add(target.section());
        }
        for (String section : order) {
            TreeMap<String, String> s = sections.get(section);
            if (s != null) {
                s.forEach((k, v) -> out.put(k, new Resolved(v, section)));
            }
        }
        return out;
    }

    /** Just the values for {@code target}, for the daemon that follows them. */
    Map<String, String> valuesFor(ConfigWho target) {
        Map<String, String> out = new TreeMap<>();
        resolve(target).forEach((k, r) -> out.put(k, r.value()));
        return out;
    }

    /**
     * Every entry in Ceph's {@code config dump} order: global, then each type followed by its
     * entities (by name); within a section, by option name.
     */
    List<ConfigDbEntry> all() {
        List<ConfigDbEntry> out = new ArrayList<>();
        addSection(out, "global");
        for (String type : ConfigWho.TYPES) {
            addSection(out, type);
            for (String section : sections.subMap(type + ".", true, type + "/", false).keySet()) {
                addSection(out, section);
            }
        }
        Invariants.check(out.size() == size, "config dump has %d entries, database %d", out.size(), size);
        return out;
    }

    private void addSection(List<ConfigDbEntry> out, String section) {
        TreeMap<String, String> s = sections.get(section);
        if (s != null) {
            s.forEach((k, v) -> out.add(ConfigDbEntry.newBuilder().setWho(section).setName(k).setValue(v).build()));
        }
    }

    void restore(List<ConfigDbEntry> entries, long savedVersion) {
        sections.clear();
        size = 0;
        for (ConfigDbEntry e : entries) {
            ConfigWho who;
            try {
                who = ConfigWho.parse(e.getWho());
            } catch (IllegalArgumentException bad) {
                // every monitor restores the same snapshot, so every one skips the same entry
                LOG.warn("snapshot has a config entry for unknown target '{}'; skipped", e.getWho());
                continue;
            }
            if (size < ENTRIES_MAX && e.getValue().length() <= VALUE_LENGTH_MAX
                    && sections.computeIfAbsent(who.section(), k -> new TreeMap<>()).put(e.getName(), e.getValue()) == null) {
                size++;
            }
        }
        version = savedVersion;
    }
}
