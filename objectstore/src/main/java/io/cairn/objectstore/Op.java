package io.cairn.objectstore;

import io.cairn.common.Utf8Order;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One operation inside a {@link Transaction}. Byte arrays are copied on construction so a
 * caller reusing its buffers cannot change a queued transaction; a write's data is the one
 * exception (see {@link Write}), because copying object payloads is what a data path must not do.
 */
public sealed interface Op {
    /** Ops that only ever give space back: accepted past the failsafe full ratio. */
    default boolean freesOnly() {
        return false;
    }

    record CreateCollection(CollectionId coll, HashRange range) implements Op {}

    /** The collection must be empty. */
    record RemoveCollection(CollectionId coll) implements Op {
        @Override
        public boolean freesOnly() {
            return true;
        }
    }

    /**
     * Creates {@code dest} covering {@code (bits, destValue)}, moves the objects of {@code source}
     * whose hash falls in it, and narrows {@code source} to {@code bits} bits.
     */
    record SplitCollection(CollectionId source, int bits, int destValue, CollectionId dest) implements Op {}

    /** Creates the object if it does not exist. */
    record Touch(CollectionId coll, ObjectId oid) implements Op {}

    /**
     * Creates the object if needed; extends its size to {@code offset + lengthBytes()}. The data is
     * not copied: {@link Transaction#write(CollectionId, ObjectId, long, byte[])} copies a caller's
     * array, and the buffer form is for immutable payloads (a protobuf {@code ByteString}'s view).
     * Readers use {@link #data()}, a read-only view from position 0 of its own.
     */
    record Write(CollectionId coll, ObjectId oid, long offset, ByteBuffer data) implements Op {
        public Write {
            data = data.slice().asReadOnlyBuffer();
        }

        @Override
        public ByteBuffer data() {
            return data.duplicate();
        }

        public int lengthBytes() {
            return data.remaining();
        }
    }

    /** Makes a range read as zeros (creates the object if needed; may extend its size). */
    record Zero(CollectionId coll, ObjectId oid, long offset, long length) implements Op {}

    record Truncate(CollectionId coll, ObjectId oid, long sizeBytes) implements Op {}

    record Remove(CollectionId coll, ObjectId oid) implements Op {
        @Override
        public boolean freesOnly() {
            return true;
        }
    }

    record SetAttrs(CollectionId coll, ObjectId oid, SortedMap<String, byte[]> attrs) implements Op {
        public SetAttrs {
            attrs = copy(attrs);
        }
    }

    /** Names that are absent are ignored. */
    record RmAttrs(CollectionId coll, ObjectId oid, List<String> names) implements Op {
        public RmAttrs {
            names = List.copyOf(names);
        }

        @Override
        public boolean freesOnly() {
            return true;
        }
    }

    /** Replaces {@code dest} with a copy-on-write copy of {@code source}: data, attrs and omap. */
    record Clone(CollectionId coll, ObjectId source, ObjectId dest) implements Op {}

    /** Copies {@code length} bytes of {@code source} at {@code sourceOffset} into {@code dest}. */
    record CloneRange(CollectionId coll, ObjectId source, ObjectId dest, long sourceOffset, long length,
                      long destOffset) implements Op {}

    record OmapSetKeys(CollectionId coll, ObjectId oid, SortedMap<String, byte[]> entries) implements Op {
        public OmapSetKeys {
            entries = copy(entries);
        }
    }

    record OmapRmKeys(CollectionId coll, ObjectId oid, List<String> keys) implements Op {
        public OmapRmKeys {
            keys = List.copyOf(keys);
        }

        @Override
        public boolean freesOnly() {
            return true;
        }
    }

    /** Removes keys in {@code [first, last)}. */
    record OmapRmRange(CollectionId coll, ObjectId oid, String first, String last) implements Op {
        @Override
        public boolean freesOnly() {
            return true;
        }
    }

    record OmapClear(CollectionId coll, ObjectId oid) implements Op {
        @Override
        public boolean freesOnly() {
            return true;
        }
    }

    record OmapSetHeader(CollectionId coll, ObjectId oid, byte[] header) implements Op {
        public OmapSetHeader {
            header = header.clone();
        }
    }

    /** Moves an object to another collection (or name); {@code dest} must not exist. */
    record MoveRename(CollectionId sourceColl, ObjectId source, CollectionId destColl, ObjectId dest)
            implements Op {}

    private static SortedMap<String, byte[]> copy(Map<String, byte[]> in) {
        TreeMap<String, byte[]> out = new TreeMap<>(Utf8Order.COMPARATOR);
        in.forEach((k, v) -> out.put(k, v.clone()));
        return out;
    }
}
