package io.cairn.objectstore;

import io.cairn.common.Utf8Order;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;

/**
 * An object within a collection: name, namespace, snapshot id and placement hash (computed by
 * the caller; the store only orders and filters by it). Objects list in hash order, then
 * namespace, name and snap id, each compared unsigned.
 */
public record ObjectId(String name, String namespace, long snap, int hash) implements Comparable<ObjectId> {
    /** The snap id of the head (writable) version, as Ceph's CEPH_NOSNAP. */
    public static final long HEAD = -2L;
    /** Names are keys in the metadata B+tree, whose keys are at most 511 bytes. */
    public static final int NAME_BYTES_MAX = 256;
    public static final int NAMESPACE_BYTES_MAX = 64;

    public static final Comparator<ObjectId> ORDER = Comparator
            .comparing((ObjectId o) -> o.hash, Integer::compareUnsigned)
            .thenComparing(ObjectId::namespace, Utf8Order.COMPARATOR)
            .thenComparing(ObjectId::name, Utf8Order.COMPARATOR)
            .thenComparing((ObjectId o) -> o.snap, Long::compareUnsigned);

    public ObjectId {
        checkText("object name", name, NAME_BYTES_MAX, false);
        checkText("namespace", namespace, NAMESPACE_BYTES_MAX, true);
    }

    public static ObjectId head(String name, int hash) {
        return new ObjectId(name, "", HEAD, hash);
    }

    public ObjectId withSnap(long newSnap) {
        return new ObjectId(name, namespace, newSnap, hash);
    }

    private static void checkText(String what, String text, int bytesMax, boolean emptyOk) {
        if (text == null || (!emptyOk && text.isEmpty())) {
            throw new ObjectStoreException.InvalidArgument(what + " is empty");
        }
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > bytesMax) {
            throw new ObjectStoreException.InvalidArgument(what + " is " + bytes + " bytes, max " + bytesMax);
        }
        if (text.indexOf('\0') >= 0) {
            throw new ObjectStoreException.InvalidArgument(what + " contains NUL");
        }
    }

    @Override
    public int compareTo(ObjectId o) {
        return ORDER.compare(this, o);
    }

    @Override
    public String toString() {
        String s = namespace.isEmpty() ? name : namespace + "/" + name;
        return s + (snap == HEAD ? "" : "@" + Long.toUnsignedString(snap)) + "#" + String.format("%08x", hash);
    }
}
