package io.cairn.osd.snap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.common.IntervalSet;
import io.cairn.objectstore.CollectionId;
import io.cairn.objectstore.HashRange;
import io.cairn.objectstore.ObjectId;
import io.cairn.objectstore.StoreLimits;
import io.cairn.objectstore.Transaction;
import io.cairn.objectstore.mem.MemStore;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The OSD's offline snapshot check: clean on what the write path leaves, and names each kind of damage. */
class SnapFsckTest {
    private static final CollectionId COLL = CollectionId.of("2.7");
    private static final ObjectId A = new ObjectId("a", "", ObjectId.HEAD, 0x17);
    private static final ObjectId B = new ObjectId("b", "ns", ObjectId.HEAD, 0x27);

    private final Random random = new Random(3);
    private MemStore store;

    @BeforeEach
    void setUp() {
        store = new MemStore(64L << 20, 4096, StoreLimits.DEFAULT);
        store.mount();
        store.queueTransactions(List.of(new Transaction().createCollection(COLL, HashRange.ALL))).join();
        SnapObjects.put(store, COLL, A, 8000, Map.of(3L, 5000, 6L, 7000), "a", random);
        SnapObjects.put(store, COLL, B, 100, Map.of(), "b", random);
    }

    private void apply(Transaction t) {
        store.queueTransactions(List.of(t)).join();
    }

    private SnapFsck.Report check() {
        return SnapFsck.check(store);
    }

    @Test
    void objectsAsTheWritePathLeavesThemAreClean() {
        SnapFsck.Report r = check();
        assertEquals(List.of(), r.errors());
        assertEquals(2, r.heads());
        assertEquals(2, r.clones());
        assertTrue(r.clean());
    }

    @Test
    void aMissingCloneAndACloneWithoutHeadOrSnapSetEntryAreNamed() {
        apply(new Transaction().remove(COLL, A.withSnap(3)).touch(COLL, B.withSnap(4))
                .touch(COLL, new ObjectId("gone", "", 9, 0x99)));
        List<String> errors = check().errors();
        assertEquals(List.of(
                "2.7: a#00000017: clone 3 in its SnapSet is missing",
                "2.7: ns/b#00000027: clone 4 is not in its SnapSet",
                "2.7: clone gone@9#00000099 has no head").stream().sorted().toList(),
                errors.stream().sorted().toList());
    }

    @Test
    void aCloneOfTheWrongSizeAndAStaleOrMissingIndexEntryAreNamed() {
        apply(new Transaction().truncate(COLL, A.withSnap(6), 10));
        SnapSet ss = SnapSetCodec.load(store, COLL, A);
        Transaction t = new Transaction();
        SnapMapper.update(t, COLL, B, SnapSet.EMPTY, new SnapSet(9, List.of(new SnapSet.Clone(9, List.of(9L),
                IntervalSet.of(0, 0), 0)), false));
        SnapMapper.forget(t, COLL, 5, A);
        apply(t);
        List<String> errors = check().errors();
        assertEquals(List.of(
                "2.7: a#00000017: clone 6 is 10 bytes, its SnapSet says 7000",
                "2.7: the snap index lacks a#00000017 at snap 5",
                "2.7: the snap index names ns/b#00000027 at snap 9, which no clone serves"),
                errors.stream().sorted().toList(), "SnapSet " + ss);
    }

    @Test
    void anUnreadableOrInconsistentSnapSetIsNamed() {
        apply(new Transaction().setAttr(COLL, B, SnapSetCodec.ATTR, new byte[] {7, 7, 7}));
        // clone 6 claims snap 2, which clone 3 (the one before it) should serve
        SnapSet bad = new SnapSet(6, List.of(new SnapSet.Clone(3, List.of(3L), IntervalSet.of(0, 0), 5000),
                new SnapSet.Clone(6, List.of(6L, 2L), IntervalSet.of(0, 0), 7000)), false);
        apply(new Transaction().setAttr(COLL, A, SnapSetCodec.ATTR, SnapSetCodec.encode(bad)));
        List<String> errors = check().errors();
        assertTrue(errors.stream().anyMatch(e -> e.startsWith("2.7: the SnapSet of ns/b#00000027 is unreadable")),
                errors.toString());
        assertTrue(errors.contains("2.7: a#00000017: clone 6 serves snap 2, outside (3, 6]"), errors.toString());
    }
}
