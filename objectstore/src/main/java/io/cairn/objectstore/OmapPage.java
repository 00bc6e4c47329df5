package io.cairn.objectstore;

import io.cairn.common.Utf8Order;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/** Omap entries in key order; {@code more} is true when the limit cut the result short. */
public record OmapPage(SortedMap<String, byte[]> entries, boolean more) {
    public OmapPage {
        TreeMap<String, byte[]> copy = new TreeMap<>(Utf8Order.COMPARATOR);
        entries.forEach((k, v) -> copy.put(k, v.clone()));
        entries = Collections.unmodifiableSortedMap(copy);
    }
}
