package io.cairn.common.config;

import java.util.Map;

/**
 * One entity's values from the monitors' central config database: option name to text, the most
 * specific WHO already chosen for each, at database {@code version} (it only grows).
 */
public record CentralValues(long version, Map<String, String> values) {
    public CentralValues {
        if (version < 0) {
            throw new IllegalArgumentException("config version " + version + " < 0");
        }
        values = Map.copyOf(values);
    }
}
