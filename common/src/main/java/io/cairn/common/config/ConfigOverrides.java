package io.cairn.common.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Daemons take config overrides on the command line as Ceph's do: {@code --name value} or {@code --name=value}. */
public final class ConfigOverrides {
    private ConfigOverrides() {}

    /** Parses the words picocli left unmatched; IllegalArgumentException names the bad one. */
    public static Map<String, String> parse(List<String> args) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--") || a.length() < 3) {
                throw new IllegalArgumentException("unexpected argument '" + a + "'");
            }
            String key = a.substring(2);
            int eq = key.indexOf('=');
            if (eq >= 0) {
                out.put(key.substring(0, eq).replace('-', '_'), key.substring(eq + 1));
            } else if (i + 1 < args.size()) {
                out.put(key.replace('-', '_'), args.get(++i));
            } else {
                throw new IllegalArgumentException("option '" + a + "' needs a value");
            }
        }
        return out;
    }
}
