package io.cairn.objectstore;

import io.cairn.common.Utf8Order;
import java.nio.charset.StandardCharsets;

/** The name of a collection (one per PG, e.g. {@code 1.7f_head}). */
public record CollectionId(String name) implements Comparable<CollectionId> {
    /** Collection names are short keys in the metadata B+tree. */
    public static final int NAME_BYTES_MAX = 64;

    public CollectionId {
        if (name == null || name.isEmpty()) {
            throw new ObjectStoreException.InvalidArgument("collection name is empty");
        }
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > NAME_BYTES_MAX) {
            throw new ObjectStoreException.InvalidArgument(
                    "collection name is " + bytes + " bytes, max " + NAME_BYTES_MAX);
        }
        if (name.indexOf('\0') >= 0) {
            throw new ObjectStoreException.InvalidArgument("collection name contains NUL");
        }
    }

    public static CollectionId of(String name) {
        return new CollectionId(name);
    }

    @Override
    public int compareTo(CollectionId o) {
        return Utf8Order.compare(name, o.name);
    }

    @Override
    public String toString() {
        return name;
    }
}
