package io.cairn.common.cli;

/** The {@code --format} values, as Ceph's {@code -f}: plain text, or JSON compact or indented. */
public enum OutputFormat {
    PLAIN, JSON, JSON_PRETTY;

    public boolean isJson() {
        return this != PLAIN;
    }

    /** Parses plain, json or json-pretty. */
    public static OutputFormat parse(String text) {
        return switch (text) {
            case "plain" -> PLAIN;
            case "json" -> JSON;
            case "json-pretty" -> JSON_PRETTY;
            default -> throw new IllegalArgumentException("unknown format '" + text + "' (plain, json, json-pretty)");
        };
    }
}
