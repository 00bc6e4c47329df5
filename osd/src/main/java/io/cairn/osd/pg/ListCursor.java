package io.cairn.osd.pg;

import io.cairn.common.CairnException;
import io.cairn.objectstore.ObjectId;

/** A position in a PG's object order as it travels between OSDs and clients (listing, scrub chunks). */
public final class ListCursor {
    private ListCursor() {}

    public static String encode(ObjectId o) {
        return Integer.toHexString(o.hash()) + "\u0000" + o.namespace() + "\u0000" + o.name();
    }

    public static ObjectId decode(String c) {
        String[] parts = c.split("\u0000", 3);
        if (parts.length != 3) {
            throw CairnException.invalid("bad list cursor");
        }
        try {
            return new ObjectId(parts[2], parts[1], ObjectId.HEAD, Integer.parseUnsignedInt(parts[0], 16));
        } catch (RuntimeException e) {
            throw CairnException.invalid("bad list cursor: " + e.getMessage());
        }
    }

    /** Empty text is no position (the start, or no end). */
    public static java.util.Optional<ObjectId> decodeOptional(String c) {
        return c.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(decode(c));
    }
}
