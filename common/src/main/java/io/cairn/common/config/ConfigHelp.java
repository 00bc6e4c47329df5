package io.cairn.common.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code config help KEY} as Ceph prints an option: name and description, type and level, the
 * default, the allowed range, the unit and whether it can change at runtime; JSON in the shape of
 * Ceph's option dump plus Cairn's {@code unit} and {@code valid}. Cairn has no option levels, so
 * every option is "advanced".
 */
public final class ConfigHelp {
    static final String LEVEL = "advanced";
    /** "1..64", "0.1..3600 s": a closed range, with the unit its numbers are in. */
    private static final Pattern RANGE = Pattern.compile("(-?[0-9.]+)\\.\\.(-?[0-9.]+)( \\S+)?");

    private ConfigHelp() {}

    /** Ceph's type names: str, bool, int, float, secs, millisecs, size. */
    public static String typeName(ConfigType t) {
        return switch (t) {
            case STRING -> "str";
            case BOOL -> "bool";
            case INT, LONG -> "int";
            case DOUBLE -> "float";
            case SECONDS -> "secs";
            case MILLIS -> "millisecs";
            case BYTES -> "size";
        };
    }

    /** Ceph's LEVEL column. */
    public static String level(ConfigOption<?> o) {
        return LEVEL;
    }

    public static String plain(ConfigOption<?> o) {
        StringBuilder sb = new StringBuilder();
        sb.append(o.name()).append(" - ").append(o.description()).append('\n');
        sb.append("  (").append(typeName(o.type())).append(", ").append(level(o)).append(")\n");
        sb.append("  Default: ").append(formatDefault(o)).append('\n');
        Matcher m = RANGE.matcher(o.validRange());
        if (m.matches()) {
            String unit = m.group(3) == null ? "" : m.group(3);
            sb.append("  Minimum: ").append(m.group(1)).append(unit).append('\n');
            sb.append("  Maximum: ").append(m.group(2)).append(unit).append('\n');
        } else if (!o.validRange().isEmpty()) {
            sb.append("  Valid values: ").append(o.validRange()).append('\n');
        }
        if (!o.unit().isEmpty()) {
            sb.append("  Unit: ").append(o.unit()).append('\n');
        }
        sb.append("  Can update at runtime: ").append(o.runtime()).append('\n');
        return sb.toString();
    }

    public static Map<String, Object> json(ConfigOption<?> o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", o.name());
        m.put("type", typeName(o.type()));
        m.put("level", level(o));
        m.put("desc", o.description());
        m.put("long_desc", "");
        m.put("default", jsonDefault(o));
        m.put("daemon_default", "");
        m.put("tags", List.of());
        m.put("services", List.of());
        m.put("see_also", List.of());
        if (o.type() == ConfigType.STRING) {
            m.put("enum_values", List.of());
        }
        Matcher r = RANGE.matcher(o.validRange());
        m.put("min", r.matches() ? number(r.group(1)) : "");
        m.put("max", r.matches() ? number(r.group(2)) : "");
        m.put("can_update_at_runtime", o.runtime());
        m.put("flags", o.runtime() ? List.of("runtime") : List.of());
        m.put("unit", o.unit());
        m.put("valid", o.validRange());
        return m;
    }

    @SuppressWarnings("unchecked")
    private static <T> String formatDefault(ConfigOption<T> o) {
        return o.format(o.defaultValue());
    }

    private static Object jsonDefault(ConfigOption<?> o) {
        Object d = o.defaultValue();
        return d instanceof Number || d instanceof Boolean ? d : formatDefault(o);
    }

    private static Object number(String text) {
        try {
            return text.contains(".") ? (Object) Double.valueOf(text) : (Object) Long.valueOf(text);
        } catch (NumberFormatException e) {
            return text;
        }
    }
}
