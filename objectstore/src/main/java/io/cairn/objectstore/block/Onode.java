package io.cairn.objectstore.block;

import io.cairn.common.Invariants;
import io.cairn.common.Utf8Order;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An object's metadata record: its node id (the key of its extents and omap, so a rename moves
 * only this record), its size and its xattrs.
 */
record Onode(long nid, long sizeBytes, SortedMap<String, byte[]> attrs) {
    Onode {
        Invariants.check(nid > 0 && sizeBytes >= 0, "onode nid %d size %d", nid, sizeBytes);
    }

    static Onode empty(long nid) {
        return new Onode(nid, 0, new TreeMap<>(Utf8Order.COMPARATOR));
    }

    Onode withSize(long newSize) {
        return new Onode(nid, newSize, attrs);
    }

    Onode withAttrs(SortedMap<String, byte[]> newAttrs) {
        return new Onode(nid, sizeBytes, newAttrs);
    }

    Onode withNid(long newNid) {
        return new Onode(newNid, sizeBytes, attrs);
    }

    byte[] encode() {
        int len = 8 + 8 + 4;
        for (Map.Entry<String, byte[]> e : attrs.entrySet()) {
            len += 2 + e.getKey().getBytes(StandardCharsets.UTF_8).length + 4 + e.getValue().length;
        }
        ByteBuffer b = ByteBuffer.allocate(len).putLong(nid).putLong(sizeBytes).putInt(attrs.size());
        for (Map.Entry<String, byte[]> e : attrs.entrySet()) {
            byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
            b.putShort((short) name.length).put(name).putInt(e.getValue().length).put(e.getValue());
        }
        return b.array();
    }

    static Onode decode(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        long nid = b.getLong();
        long size = b.getLong();
        int n = b.getInt();
        TreeMap<String, byte[]> attrs = new TreeMap<>(Utf8Order.COMPARATOR);
        for (int i = 0; i < n; i++) {
            byte[] name = new byte[b.getShort() & 0xffff];
            b.get(name);
            byte[] value = new byte[b.getInt()];
            b.get(value);
            attrs.put(new String(name, StandardCharsets.UTF_8), value);
        }
        Invariants.check(!b.hasRemaining(), "onode record has trailing bytes");
        return new Onode(nid, size, attrs);
    }
}
