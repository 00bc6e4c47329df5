package io.cairn.objectstore;

import java.util.List;

/** Omap keys in order; {@code more} is true when the limit cut the result short. */
public record OmapKeys(List<String> keys, boolean more) {
    public OmapKeys {
        keys = List.copyOf(keys);
    }
}
