package io.cairn.osd.snap;

import io.cairn.common.IntervalSet;
import io.cairn.objectstore.CollectionId;
import io.cairn.objectstore.ObjectId;
import io.cairn.objectstore.ObjectStore;
import io.cairn.objectstore.Transaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/** Test objects with clones, stored as the write path leaves them: head, SnapSet, clones, snap index. */
public final class SnapObjects {
    private SnapObjects() {}

    /**
     * Stores {@code head} with {@code headBytes} of random data and clones {@code id -> bytes}, each
     * clone serving snaps id - 1 and id; attrs and omap carry {@code tag}.
     */
    public static void put(ObjectStore store, CollectionId coll, ObjectId head, int headBytes, Map<Long, Integer> clones,
                           String tag, Random random) {
        List<SnapSet.Clone> list = new ArrayList<>();
        Transaction t = new Transaction();
        for (var c : new TreeMap<>(clones).entrySet()) {
            list.add(new SnapSet.Clone(c.getKey(), List.of(c.getKey(), c.getKey() - 1),
                    IntervalSet.of(0, c.getValue() / 2), c.getValue()));
            ObjectId oid = head.withSnap(c.getKey());
            if (store.exists(coll, oid)) {
                t.remove(coll, oid);
            }
            t.touch(coll, oid).write(coll, oid, 0, bytes(random, c.getValue())).setAttr(coll, oid, "_", tag.getBytes());
        }
        SnapSet ss = new SnapSet(clones.keySet().stream().mapToLong(Long::longValue).max().orElse(0), list, false);
        SnapSet before = SnapSetCodec.load(store, coll, head);
        if (store.exists(coll, head)) {
            t.remove(coll, head);
        }
        t.touch(coll, head).write(coll, head, 0, bytes(random, headBytes))
                .setAttrs(coll, head, Map.of(SnapSetCodec.ATTR, SnapSetCodec.encode(ss), "_", tag.getBytes()))
                .omapSetKeys(coll, head, Map.of("a", bytes(random, 10), "b-" + tag, bytes(random, 300)))
                .omapSetHeader(coll, head, tag.getBytes());
        SnapMapper.update(t, coll, head, before, ss);
        store.queueTransactions(List.of(t)).join();
    }

    private static byte[] bytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
