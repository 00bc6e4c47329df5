package io.cairn.common.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A {@code cairn.conf} in ceph.conf's INI form: {@code [global]}, {@code [mon]}, {@code [mon.a]}…
 * sections of {@code key = value} lines; {@code #} and {@code ;} start comments; "mon host" and
 * "mon_host" are the same key. Parse errors name the line.
 */
public final class ConfigFile {
    private final Map<String, Map<String, String>> sections;

    private ConfigFile(Map<String, Map<String, String>> sections) {
        this.sections = sections;
    }

    public static ConfigFile empty() {
        return new ConfigFile(new LinkedHashMap<>());
    }

    public static ConfigFile read(Path path) {
        try {
            return parse(Files.readString(path, StandardCharsets.UTF_8), path.toString());
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("config file not found: " + path);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read config file " + path + ": " + e.getMessage());
        }
    }

    public static ConfigFile parse(String text, String origin) {
        Map<String, Map<String, String>> sections = new LinkedHashMap<>();
        String section = null;
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = stripComment(lines[i]).strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("[")) {
                if (!line.endsWith("]") || line.length() < 3) {
                    throw new IllegalArgumentException(origin + ":" + (i + 1) + ": bad section header '" + line + "'");
                }
                section = line.substring(1, line.length() - 1).strip().toLowerCase(Locale.ROOT);
                sections.computeIfAbsent(section, k -> new LinkedHashMap<>());
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(origin + ":" + (i + 1) + ": expected 'key = value', found '" + line + "'");
            }
            if (section == null) {
                throw new IllegalArgumentException(origin + ":" + (i + 1) + ": '" + line + "' is outside any [section]");
            }
            sections.get(section).put(normalizeKey(line.substring(0, eq)), line.substring(eq + 1).strip());
        }
        return new ConfigFile(sections);
    }

    private static String stripComment(String line) {
        int cut = line.length();
        for (char c : new char[] {'#', ';'}) {
            int at = line.indexOf(c);
            if (at >= 0 && at < cut) {
                cut = at;
            }
        }
        return line.substring(0, cut);
    }

    /** "Mon Host" and "mon_host" name the same option. */
    public static String normalizeKey(String key) {
        return key.strip().toLowerCase(Locale.ROOT).replaceAll("[\\s-]+", "_");
    }

    /** The raw value of a key in a section, or null. */
    public String get(String section, String key) {
        Map<String, String> s = sections.get(section.toLowerCase(Locale.ROOT));
        return s == null ? null : s.get(normalizeKey(key));
    }

    public Map<String, Map<String, String>> sections() {
        return sections;
    }
}
