package io.cairn.common.config;

import java.time.Duration;
import java.util.Locale;

/**
 * The value types a config option can have, each with its parser. Durations and sizes are typed
 * and carry units: a bare number means the option's unit (seconds, as in Ceph), a suffix
 * ({@code ms}, {@code s}, {@code m}, {@code h}; {@code K}, {@code M}, {@code G}, {@code T}) says it.
 */
public enum ConfigType {
    STRING(String.class),
    BOOL(Boolean.class),
    INT(Integer.class),
    LONG(Long.class),
    DOUBLE(Double.class),
    /** A duration whose bare numbers are seconds (fractions allowed). */
    SECONDS(Duration.class),
    /** A duration whose bare numbers are milliseconds. */
    MILLIS(Duration.class),
    /** A size in bytes; K/M/G/T suffixes are powers of 1024. */
    BYTES(Long.class);

    private final Class<?> javaType;

    ConfigType(Class<?> javaType) {
        this.javaType = javaType;
    }

    public Class<?> javaType() {
        return javaType;
    }

    /** Parses text to this type; throws IllegalArgumentException saying what was expected. */
    Object parse(String raw) {
        String text = raw.strip();
        try {
            return switch (this) {
                case STRING -> text;
                case BOOL -> parseBool(text);
                case INT -> Integer.parseInt(text);
                case LONG -> Long.parseLong(text);
                case DOUBLE -> finite(Double.parseDouble(text));
                case SECONDS -> parseDuration(text, 1000.0);
                case MILLIS -> parseDuration(text, 1.0);
                case BYTES -> parseBytes(text);
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + raw + "' is not " + describe());
        }
    }

    String describe() {
        return switch (this) {
            case STRING -> "a string";
            case BOOL -> "a boolean (true/false)";
            case INT, LONG -> "an integer";
            case DOUBLE -> "a number";
            case SECONDS -> "a duration (seconds, or with ms/s/m/h)";
            case MILLIS -> "a duration (milliseconds, or with ms/s/m/h)";
            case BYTES -> "a size (bytes, or with K/M/G/T)";
        };
    }

    /** How a value of this type is written back (config dump, the text form). */
    String format(Object value) {
        if (value instanceof Duration d) {
            return d.toMillis() % 1000 == 0 ? (d.toMillis() / 1000) + "s" : d.toMillis() + "ms";
        }
        return String.valueOf(value);
    }

    private static double finite(double v) {
        if (!Double.isFinite(v)) {
            throw new NumberFormatException("not finite");
        }
        return v;
    }

    private static Boolean parseBool(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> Boolean.TRUE;
            case "false", "no", "off", "0" -> Boolean.FALSE;
            default -> throw new NumberFormatException(text);
        };
    }

    private static Duration parseDuration(String text, double bareUnitMs) {
        String t = text.toLowerCase(Locale.ROOT);
        double unitMs = bareUnitMs;
        if (t.endsWith("ms")) {
            unitMs = 1;
            t = t.substring(0, t.length() - 2);
        } else if (t.endsWith("s")) {
            unitMs = 1000;
            t = t.substring(0, t.length() - 1);
        } else if (t.endsWith("m")) {
            unitMs = 60_000;
            t = t.substring(0, t.length() - 1);
        } else if (t.endsWith("h")) {
            unitMs = 3_600_000;
            t = t.substring(0, t.length() - 1);
        }
        double ms = finite(Double.parseDouble(t.strip())) * unitMs;
        if (ms < 0 || ms > Long.MAX_VALUE / 2) {
            throw new NumberFormatException("out of range");
        }
        return Duration.ofMillis(Math.round(ms));
    }

    private static Long parseBytes(String text) {
        String t = text.toUpperCase(Locale.ROOT).replace("IB", "").replace("B", "");
        long mult = 1;
        if (!t.isEmpty()) {
            char last = t.charAt(t.length() - 1);
            int shift = switch (last) {
                case 'K' -> 10;
                case 'M' -> 20;
                case 'G' -> 30;
                case 'T' -> 40;
                default -> 0;
            };
            if (shift > 0) {
                mult = 1L << shift;
                t = t.substring(0, t.length() - 1);
            }
        }
        long v = Long.parseLong(t.strip());
        if (v < 0 || v > Long.MAX_VALUE / mult) {
            throw new NumberFormatException("out of range");
        }
        return v * mult;
    }
}
