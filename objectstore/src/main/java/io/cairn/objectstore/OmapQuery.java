package io.cairn.objectstore;

import io.cairn.common.Utf8Order;
import java.util.Optional;

/**
 * Which omap keys a read returns: those after {@code startAfter} (exclusive), starting with
 * {@code prefix}, at most {@code limit} of them, in UTF-8 byte order.
 */
public record OmapQuery(Optional<String> startAfter, String prefix, int limit) {
    public static final int LIMIT_MAX = 100_000;

    public OmapQuery {
        if (limit <= 0 || limit > LIMIT_MAX) {
            throw new ObjectStoreException.InvalidArgument("omap limit " + limit + " outside 1.." + LIMIT_MAX);
        }
        if (prefix == null) {
            throw new ObjectStoreException.InvalidArgument("omap prefix is null");
        }
    }

    public static OmapQuery all() {
        return new OmapQuery(Optional.empty(), "", LIMIT_MAX);
    }

    public static OmapQuery after(String startAfter, int limit) {
        return new OmapQuery(Optional.ofNullable(startAfter), "", limit);
    }

    public OmapQuery withPrefix(String newPrefix) {
        return new OmapQuery(startAfter, newPrefix, limit);
    }

    /** True if {@code key} is past the start point and carries the prefix. */
    public boolean admits(String key) {
        return key.startsWith(prefix) && startAfter.map(s -> Utf8Order.compare(key, s) > 0).orElse(true);
    }
}
