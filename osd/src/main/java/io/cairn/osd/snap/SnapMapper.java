package io.cairn.osd.snap;

import io.cairn.objectstore.CollectionId;
import io.cairn.objectstore.ObjectId;
import io.cairn.objectstore.ObjectStore;
import io.cairn.objectstore.OmapPage;
import io.cairn.objectstore.OmapQuery;
import io.cairn.objectstore.Transaction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Each PG's index from a snap to the heads that have a clone serving it (Ceph's SnapMapper), in the
 * omap of one object of the PG's collection, keyed by snap first so a snap's heads list in one
 * prefix scan: the trimmer never scans the whole PG. Changed in the same
 * transaction as the SnapSet it follows, on every member.
 */
public final class SnapMapper {
    public static final ObjectId OBJECT = new ObjectId("snapmapper", ".cairn", ObjectId.HEAD, 0);

    private SnapMapper() {}

    static String prefix(long snap) {
        return String.format("%016x/", snap);
    }

    /**
     * The entry's key: the snap, the head's hash, and a digest of its namespace and name (a name
     * can be longer than an omap key may be); the value spells the namespace and name out.
     */
    static String key(long snap, ObjectId head) {
        return prefix(snap) + String.format("%08x/", head.hash()) + HexFormat.of().formatHex(digest(head));
    }

    private static byte[] digest(ObjectId head) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(head.namespace().getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(head.name().getBytes(StandardCharsets.UTF_8));
            return Arrays.copyOf(md.digest(), 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    static byte[] value(ObjectId head) {
        return (head.namespace().length() + "/" + head.namespace() + head.name()).getBytes(StandardCharsets.UTF_8);
    }

    static ObjectId parse(String key, byte[] value) {
        String[] parts = key.split("/", 3);
        String v = new String(value, StandardCharsets.UTF_8);
        int slash = v.indexOf('/');
        if (parts.length != 3 || slash < 0) {
            throw new IllegalStateException("corrupt snap mapper entry '" + key + "'");
        }
        int hash = Integer.parseUnsignedInt(parts[1], 16);
        int nsLength = Integer.parseInt(v.substring(0, slash));
        String rest = v.substring(slash + 1);
        return new ObjectId(rest.substring(nsLength), rest.substring(0, nsLength), ObjectId.HEAD, hash);
    }

    private static Set<Long> snaps(SnapSet ss) {
        Set<Long> out = new HashSet<>();
        for (SnapSet.Clone c : ss.clones()) {
            out.addAll(c.snaps());
        }
        return out;
    }

    /** Adds to {@code txn} the index changes for {@code head}'s SnapSet going from {@code before} to {@code after}. */
    public static void update(Transaction txn, CollectionId coll, ObjectId head, SnapSet before, SnapSet after) {
        Set<Long> old = snaps(before);
        Set<Long> now = snaps(after);
        List<String> gone = old.stream().filter(k -> !now.contains(k)).map(k -> key(k, head)).sorted().toList();
        Map<String, byte[]> added = new HashMap<>();
        now.stream().filter(k -> !old.contains(k)).forEach(k -> added.put(key(k, head), value(head)));
        if (gone.isEmpty() && added.isEmpty()) {
            return;
        }
        txn.touch(coll, OBJECT);
        if (!gone.isEmpty()) {
            txn.omapRmKeys(coll, OBJECT, gone);
        }
        if (!added.isEmpty()) {
            txn.omapSetKeys(coll, OBJECT, added);
        }
    }

    /** Drops one entry (the head it names no longer has such a clone here). */
    public static void forget(Transaction txn, CollectionId coll, long snap, ObjectId head) {
        txn.touch(coll, OBJECT);
        txn.omapRmKeys(coll, OBJECT, List.of(key(snap, head)));
    }

    /** Up to {@code max} heads with a clone serving {@code snap}, in index order. */
    public static List<ObjectId> heads(ObjectStore store, CollectionId coll, long snap, int max) {
        List<ObjectId> out = new ArrayList<>();
        if (!store.collectionExists(coll) || !store.exists(coll, OBJECT)) {
            return out;
        }
        OmapPage page = store.omapGetValues(coll, OBJECT, new OmapQuery(Optional.empty(), prefix(snap),
                Math.min(max, OmapQuery.LIMIT_MAX)));
        page.entries().forEach((k, v) -> out.add(parse(k, v)));
        return out;
    }
}
