package io.cairn.common.config;

import io.cairn.common.cli.TextTable;
import io.cairn.proto.v1.ConfigLayerValue;
import io.cairn.proto.v1.ConfigShowEntry;
import io.cairn.proto.v1.ConfigShowReply;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code config show WHO} and {@code config show-with-defaults WHO} as Ceph prints them: NAME,
 * VALUE, SOURCE, OVERRIDES (the lower layers the value hides, highest first, in parentheses when
 * they give the same value), IGNORES ("mon" when the daemon keeps its start-up value of an option
 * that cannot change at runtime; Cairn adds the value a restart would take). Plain, or JSON as
 * Ceph's list of {name, value, source, overrides, ignores}. Without defaults, only the options set
 * somewhere or waiting for a restart are shown.
 */
public final class ConfigShowView {
    private ConfigShowView() {}

    private static boolean shown(ConfigShowEntry e, boolean withDefaults) {
        return withDefaults || !e.getSource().equals(ConfigLayer.DEFAULT.label()) || e.getRestartNeeded();
    }

    public static String plain(ConfigShowReply reply, boolean withDefaults) {
        TextTable t = new TextTable().column("NAME", TextTable.Align.LEFT).column("VALUE", TextTable.Align.LEFT)
                .column("SOURCE", TextTable.Align.LEFT).column("OVERRIDES", TextTable.Align.LEFT)
                .column("IGNORES", TextTable.Align.LEFT);
        for (ConfigShowEntry e : reply.getEntriesList()) {
            if (shown(e, withDefaults)) {
                t.row(e.getName(), e.getValue(), e.getSource(), overrides(e), ignores(e));
            }
        }
        return t.render();
    }

    private static String overrides(ConfigShowEntry e) {
        List<String> out = new ArrayList<>();
        // the wire lists them lowest first; Ceph prints the nearest hidden layer first
        for (ConfigLayerValue v : e.getOverridesList()) {
            String cell = v.getSource() + "[" + v.getValue() + "]";
            out.add(0, v.getValue().equals(e.getValue()) ? "(" + cell + ")" : cell);
        }
        return String.join(",", out);
    }

    private static String ignores(ConfigShowEntry e) {
        if (!e.getRestartNeeded()) {
            return "";
        }
        return e.getPendingSource() + "[" + e.getPendingValue() + "] (restart needed)";
    }

    public static List<Object> json(ConfigShowReply reply, boolean withDefaults) {
        List<Object> out = new ArrayList<>();
        for (ConfigShowEntry e : reply.getEntriesList()) {
            if (!shown(e, withDefaults)) {
                continue;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", e.getName());
            m.put("value", e.getValue());
            m.put("source", e.getSource());
            if (e.getOverridesCount() > 0) {
                List<Object> ov = new ArrayList<>();
                for (ConfigLayerValue v : e.getOverridesList()) {
                    Map<String, Object> o = new LinkedHashMap<>();
                    o.put("source", v.getSource());
                    o.put("value", v.getValue());
                    ov.add(o);
                }
                m.put("overrides", ov);
            }
            if (e.getRestartNeeded()) {
                m.put("ignores", e.getPendingSource());
                m.put("restart_needed", true);
                m.put("pending_value", e.getPendingValue());
            }
            out.add(m);
        }
        return out;
    }

    /** {@code config show WHO KEY}: the value in effect, or null when the daemon has no such option. */
    public static String value(ConfigShowReply reply, String key) {
        String name = ConfigFile.normalizeKey(key);
        for (ConfigShowEntry e : reply.getEntriesList()) {
            if (e.getName().equals(name)) {
                return e.getValue();
            }
        }
        return null;
    }
}
