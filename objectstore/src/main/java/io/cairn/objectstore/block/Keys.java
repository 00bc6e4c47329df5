package io.cairn.objectstore.block;

import io.cairn.objectstore.CollectionId;
import io.cairn.objectstore.ObjectId;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Key encodings for the metadata B+tree. LMDB orders keys as unsigned bytes, so each encoding
 * is chosen to sort the way the store lists: onodes by collection, then hash (big-endian), then
 * namespace, name (NUL-terminated so a prefix sorts first) and snap id.
 */
final class Keys {
    static final byte OMAP_HEADER = 0;
    static final byte OMAP_ENTRY = 1;

    private Keys() {}

    static byte[] coll(CollectionId c) {
        return c.name().getBytes(StandardCharsets.UTF_8);
    }

    /** All onode keys of {@code c} start with this. */
    static byte[] onodePrefix(CollectionId c) {
        byte[] name = coll(c);
        byte[] out = Arrays.copyOf(name, name.length + 1);
        out[name.length] = 0;
        return out;
    }

    static byte[] onode(CollectionId c, ObjectId o) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(96);
        out.writeBytes(onodePrefix(c));
        out.writeBytes(ByteBuffer.allocate(4).putInt(o.hash()).array());
        out.writeBytes(o.namespace().getBytes(StandardCharsets.UTF_8));
        out.write(0);
        out.writeBytes(o.name().getBytes(StandardCharsets.UTF_8));
        out.write(0);
        out.writeBytes(ByteBuffer.allocate(8).putLong(o.snap()).array());
        return out.toByteArray();
    }

    /** Decodes the object part of an onode key of collection {@code c}. */
    static ObjectId objectOf(CollectionId c, byte[] key) {
        int p = onodePrefix(c).length;
        int hash = ByteBuffer.wrap(key, p, 4).getInt();
        p += 4;
        int nsEnd = indexOf(key, p);
        String ns = new String(key, p, nsEnd - p, StandardCharsets.UTF_8);
        int nameEnd = indexOf(key, nsEnd + 1);
        String name = new String(key, nsEnd + 1, nameEnd - nsEnd - 1, StandardCharsets.UTF_8);
        long snap = ByteBuffer.wrap(key, nameEnd + 1, 8).getLong();
        return new ObjectId(name, ns, snap, hash);
    }

    /** The collection an onode key belongs to (the bytes before the first NUL). */
    static CollectionId collOf(byte[] onodeKey) {
        return new CollectionId(new String(onodeKey, 0, indexOf(onodeKey, 0), StandardCharsets.UTF_8));
    }

    private static int indexOf(byte[] key, int from) {
        for (int i = from; i < key.length; i++) {
            if (key[i] == 0) {
                return i;
            }
        }
        throw new IllegalStateException("invariant violated: malformed onode key");
    }

    static byte[] extent(long nid, long logicalOffset) {
        return ByteBuffer.allocate(16).putLong(nid).putLong(logicalOffset).array();
    }

    static long extentNid(byte[] key) {
        return ByteBuffer.wrap(key).getLong(0);
    }

    static long extentOffset(byte[] key) {
        return ByteBuffer.wrap(key).getLong(8);
    }

    static byte[] omapHeader(long nid) {
        return ByteBuffer.allocate(9).putLong(nid).put(OMAP_HEADER).array();
    }

    static byte[] omapEntry(long nid, String key) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(9 + k.length).putLong(nid).put(OMAP_ENTRY).put(k).array();
    }

    static byte[] nidPrefix(long nid) {
        return ByteBuffer.allocate(8).putLong(nid).array();
    }

    static String omapKeyOf(byte[] key) {
        return new String(key, 9, key.length - 9, StandardCharsets.UTF_8);
    }

    static byte[] longKey(long v) {
        return ByteBuffer.allocate(8).putLong(v).array();
    }

    static long longOf(byte[] b) {
        return ByteBuffer.wrap(b).getLong();
    }

    /** The smallest key greater than every key starting with {@code prefix}. */
    static byte[] prefixEnd(byte[] prefix) {
        byte[] end = prefix.clone();
        for (int i = end.length - 1; i >= 0; i--) {
            if (end[i] != (byte) 0xff) {
                end[i]++;
                return Arrays.copyOf(end, i + 1);
            }
        }
        throw new IllegalStateException("invariant violated: prefix of 0xff bytes has no end");
    }

    static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }
}
