package io.cairn.osd.op;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.objectstore.CollectionId;
import io.cairn.objectstore.HashRange;
import io.cairn.objectstore.ObjectId;
import io.cairn.objectstore.Transaction;
import io.cairn.objectstore.mem.MemStore;
import io.cairn.osd.pg.PgCopies;
import io.cairn.osd.snap.SnapContext;
import io.cairn.osd.snap.SnapMapper;
import io.cairn.proto.v1.CloneInfo;
import io.cairn.proto.v1.OpAppend;
import io.cairn.proto.v1.OpGetXattrs;
import io.cairn.proto.v1.OpListSnaps;
import io.cairn.proto.v1.OpRead;
import io.cairn.proto.v1.OpRemove;
import io.cairn.proto.v1.OpRollback;
import io.cairn.proto.v1.OpSetXattr;
import io.cairn.proto.v1.OpSnapTrim;
import io.cairn.proto.v1.OpTruncate;
import io.cairn.proto.v1.OpWrite;
import io.cairn.proto.v1.OpWriteFull;
import io.cairn.proto.v1.OsdOp;
import io.cairn.proto.v1.SnapSetInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Snapshots at one OSD's store, as librados users see them: copy-on-write clones, reads at a snap,
 * rollback, whiteouts, list_snaps and its clone overlap, EOLDSNAPC; and a random workload against
 * a model that keeps the object as every snap saw it.
 */
class SnapshotOpsTest {
    private static final CollectionId COLL = CollectionId.of("1.0");
    private static final ObjectId OID = ObjectId.head("obj", 7);
    private MemStore store;
    private OpRunner runner;
    private PgCopies copies;
    private long version;
    private long objects;
    private long bytes;

    @BeforeEach
    void setUp() {
        store = new MemStore(256L << 20, 4096, io.cairn.objectstore.StoreLimits.DEFAULT);
        store.mount();
        store.queueTransactions(List.of(new Transaction().createCollection(COLL, HashRange.ALL))).join();
        runner = new OpRunner(store, 1 << 20, 256 << 10);
        copies = new PgCopies(store);
    }

    private static SnapContext snapc(long seq, long... snapsNewestFirst) {
        return new SnapContext(seq, Arrays.stream(snapsNewestFirst).boxed().toList());
    }

    private OpRunner.Mutated apply(SnapContext snapc, OsdOp... ops) {
        List<OsdOp> list = List.of(ops);
        runner.validate(list);
        runner.checkGuards(COLL, OID, list);
        if (!list.get(0).hasSnapTrim()) {
            runner.checkSnapContext(COLL, OID, snapc);
        }
        Transaction t = new Transaction();
        OpRunner.Mutated m = runner.mutate(t, COLL, OID, list, ++version, 1000 + version, Optional.of(snapc));
        store.queueTransactions(List.of(t)).join();
        objects += m.objectDelta();
        bytes += m.byteDelta();
        return m;
    }

    /** The object's bytes at a snap (0 = head), or null when it did not exist then. */
    private byte[] readAt(long snap) {
        Optional<ObjectId> target = runner.readTarget(COLL, OID, snap, true);
        if (target.isEmpty()) {
            return null;
        }
        OsdOp read = OsdOp.newBuilder().setRead(OpRead.getDefaultInstance()).build();
        return runner.read(COLL, OID, target, List.of(read), new LentBuffers()).get(0).getData().toByteArray();
    }

    private SnapSetInfo listSnaps() {
        OsdOp op = OsdOp.newBuilder().setListSnaps(OpListSnaps.getDefaultInstance()).build();
        return runner.read(COLL, OID, runner.readTarget(COLL, OID, 0, true), List.of(op), new LentBuffers())
                .get(0).getSnaps();
    }

    private static OsdOp write(long off, byte[] data) {
        return OsdOp.newBuilder().setWrite(OpWrite.newBuilder().setOffset(off).setData(ByteString.copyFrom(data))).build();
    }

    private static OsdOp append(byte[] data) {
        return OsdOp.newBuilder().setAppend(OpAppend.newBuilder().setData(ByteString.copyFrom(data))).build();
    }

    private static OsdOp remove() {
        return OsdOp.newBuilder().setRemove(OpRemove.getDefaultInstance()).build();
    }

    private static OsdOp rollback(long snap) {
        return OsdOp.newBuilder().setRollback(OpRollback.newBuilder().setSnapId(snap)).build();
    }

    private static byte[] block(char c, int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) c);
        return b;
    }

    private static byte[] concat(byte[]... parts) {
        int n = Arrays.stream(parts).mapToInt(p -> p.length).sum();
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    @Test
    void theOverlapCaseCephChecks() {
        // three 128-byte blocks, a snap, the middle block overwritten and a fourth appended
        apply(snapc(0), write(0, block('a', 128)), write(128, block('b', 128)), write(256, block('c', 128)));
        long snap = 2;
        apply(snapc(snap, snap), write(128, block('x', 128)));
        apply(snapc(snap, snap), append(block('d', 128)));

        SnapSetInfo ss = listSnaps();
        assertEquals(2, ss.getClonesCount(), "one clone and the head");
        CloneInfo clone = ss.getClones(0);
        assertEquals(snap, clone.getId());
        assertEquals(List.of(snap), clone.getSnapsList());
        assertEquals(384, clone.getSize());
        assertEquals(2, clone.getOverlapCount());
        assertEquals(0, clone.getOverlap(0).getOffset());
        assertEquals(128, clone.getOverlap(0).getLength());
        assertEquals(256, clone.getOverlap(1).getOffset());
        assertEquals(128, clone.getOverlap(1).getLength());
        CloneInfo head = ss.getClones(1);
        assertEquals(-2L, head.getId());
        assertEquals(512, head.getSize());
        assertEquals(snap, ss.getSeq());

        byte[] old = concat(block('a', 128), block('b', 128), block('c', 128));
        assertArrayEquals(old, readAt(snap), "a read at the snap gives the old bytes");
        apply(snapc(snap, snap), rollback(snap));
        assertArrayEquals(old, readAt(0), "rollback restores the 384 bytes");
    }

    @Test
    void anOlderSnapContextIsRefused() {
        apply(snapc(3, 3, 2), write(0, block('a', 10)));
        CairnException e = assertThrows(CairnException.class, () -> apply(snapc(2, 2), write(0, block('b', 10))));
        assertEquals(ErrorCode.EOLDSNAPC, e.code());
        assertArrayEquals(block('a', 10), readAt(0), "nothing changed");
    }

    @Test
    void aBadSnapContextIsRefused() {
        assertEquals(ErrorCode.EINVAL, assertThrows(CairnException.class, () -> snapc(3, 2, 3).checked()).code(),
                "snaps must be newest first");
        assertEquals(ErrorCode.EINVAL, assertThrows(CairnException.class, () -> snapc(3, 4).checked()).code(),
                "no snap newer than seq");
    }

    @Test
    void removingAHeadWithClonesLeavesAWhiteout() {
        apply(snapc(0), write(0, block('a', 100)), OsdOp.newBuilder().setSetxattr(OpSetXattr.newBuilder()
                .setName("owner").setValue(ByteString.copyFromUtf8("me"))).build());
        apply(snapc(2, 2), remove());
        assertFalse(runner.visible(COLL, OID), "a client sees no object");
        assertTrue(store.exists(COLL, OID), "the head stays as a whiteout");
        assertEquals(null, readAt(0));
        assertArrayEquals(block('a', 100), readAt(2));
        OsdOp xattrs = OsdOp.newBuilder().setGetxattrs(OpGetXattrs.getDefaultInstance()).build();
        assertEquals("me", runner.read(COLL, OID, runner.readTarget(COLL, OID, 2, true), List.of(xattrs),
                new LentBuffers()).get(0).getXattrsMap().get("owner").toStringUtf8(), "the clone kept the xattrs");
        SnapSetInfo ss = listSnaps();
        assertEquals(1, ss.getClonesCount(), "no head entry for a whiteout");
        assertEquals(ErrorCode.ENOENT, assertThrows(CairnException.class, () -> runner.checkGuards(COLL, OID,
                List.of(remove()))).code(), "removing a whiteout is ENOENT");
        assertEquals(1, objects, "the clone is the one object left");
        assertEquals(100, bytes);

        // writing again brings the head back with nothing of the old one
        apply(snapc(2, 2), write(0, block('n', 5)));
        assertArrayEquals(block('n', 5), readAt(0));
        assertEquals(2, objects);
        apply(snapc(2, 2), rollback(2));
        assertArrayEquals(block('a', 100), readAt(0), "rolled back from the whiteout era's clone");
    }

    @Test
    void anObjectMadeAfterASnapDidNotExistAtIt() {
        apply(snapc(4, 4, 3), write(0, block('a', 10)));
        assertEquals(null, readAt(3));
        assertEquals(null, readAt(4));
        apply(snapc(5, 5, 4, 3), write(0, block('b', 10)));
        assertArrayEquals(block('a', 10), readAt(5), "snap 5 was taken after the first write");
        assertEquals(null, readAt(4), "still nothing at 4");
        apply(snapc(5, 5, 4, 3), rollback(4));
        assertFalse(runner.visible(COLL, OID), "rolling back to before the object existed removes it");
    }

    @Test
    void recoveryCopiesTheHeadWithItsClones() {
        apply(snapc(0), write(0, block('a', 50)));
        apply(snapc(2, 2), write(0, block('b', 50)));
        apply(snapc(3, 3, 2), remove());
        var state = copies.read(COLL, OID);
        assertEquals(2, state.getClonesCount());

        CollectionId other = CollectionId.of("1.1");
        store.queueTransactions(List.of(new Transaction().createCollection(other, HashRange.ALL))).join();
        Transaction t = new Transaction();
        copies.write(t, other, OID, state);
        store.queueTransactions(List.of(t)).join();
        assertEquals(List.of(OID.withSnap(2), OID.withSnap(3)), copies.clonesOf(other, OID));
        assertArrayEquals(block('b', 50), store.read(other, OID.withSnap(3), 0, 50));
        assertEquals(runner.snapSet(COLL, OID), runner.snapSet(other, OID));
        // again onto a member that holds an older copy with one of the clones and one trimmed since
        Transaction older = new Transaction();
        older.write(other, OID.withSnap(1), 0, block('x', 10));
        older.write(other, OID.withSnap(3), 0, block('y', 10));
        store.queueTransactions(List.of(older)).join();
        Transaction again = new Transaction();
        copies.write(again, other, OID, state);
        store.queueTransactions(List.of(again)).join();
        assertEquals(List.of(OID.withSnap(2), OID.withSnap(3)), copies.clonesOf(other, OID));
        assertArrayEquals(block('b', 50), store.read(other, OID.withSnap(3), 0, 50));
        assertEquals(objects, copies.counts(COLL)[0], "the scan counts what the writes counted");
        assertEquals(bytes, copies.counts(COLL)[1]);
    }

    /** Every byte a clone says it shares with the next newer clone (or the head) is the same in both. */
    private void checkOverlapsHold(int step) {
        if (!store.exists(COLL, OID)) {
            return;
        }
        List<CloneInfo> clones = listSnaps().getClonesList();
        if (!runner.visible(COLL, OID)) {
            assertEquals(0, clones.get(clones.size() - 1).getOverlapCount(), "step " + step
                    + ": the newest clone shares nothing with a whiteout");
        }
        for (int i = 0; i < clones.size() - 1; i++) {
            CloneInfo c = clones.get(i);
            CloneInfo next = clones.get(i + 1);
            ObjectId mine = OID.withSnap(c.getId());
            ObjectId theirs = OID.withSnap(next.getId());
            for (var e : c.getOverlapList()) {
                assertArrayEquals(store.read(COLL, mine, e.getOffset(), e.getLength()),
                        store.read(COLL, theirs, e.getOffset(), e.getLength()),
                        "step " + step + ": clone " + c.getId() + " overlap " + e.getOffset() + "~" + e.getLength());
            }
        }
    }

    /**
     * Random writes, appends, truncates, removes, snaps and rollbacks on one object: a read at every
     * snap gives what the model kept for it, and the counts match a full scan.
     */
    @Test
    void everySnapReadsWhatTheModelKept() {
        Random rnd = new Random(16);
        TreeMap<Long, byte[]> atSnap = new TreeMap<>(); // null value: no object at that snap
        byte[] head = null;
        long seq = 0;
        List<Long> live = new ArrayList<>();
        for (int step = 0; step < 600; step++) {
            int what = rnd.nextInt(10);
            SnapContext ctx = new SnapContext(seq, live.reversed());
            if (what == 0) {
                seq++;
                live.add(seq);
                atSnap.put(seq, head);
            } else if (what == 1 && !live.isEmpty()) {
                // a removed snap leaves the context (the trimmer frees its clones later)
                long gone = live.remove(rnd.nextInt(live.size()));
                atSnap.remove(gone);
            } else if (what == 2 && head != null) {
                apply(ctx, remove());
                head = null;
            } else if (what == 3 && !live.isEmpty()) {
                long to = live.get(rnd.nextInt(live.size()));
                apply(ctx, rollback(to));
                head = atSnap.get(to) == null ? null : atSnap.get(to).clone();
            } else if (what == 4 && head != null) {
                int size = rnd.nextInt(head.length + 1);
                apply(ctx, OsdOp.newBuilder().setTruncate(OpTruncate.newBuilder().setSize(size)).build());
                head = Arrays.copyOf(head, size);
            } else if (what == 5) {
                byte[] data = block((char) ('a' + rnd.nextInt(26)), 1 + rnd.nextInt(300));
                apply(ctx, OsdOp.newBuilder().setWriteFull(OpWriteFull.newBuilder().setData(ByteString.copyFrom(data)))
                        .build());
                head = data;
            } else {
                int off = rnd.nextInt(head == null ? 1 : head.length + 64);
                byte[] data = block((char) ('a' + rnd.nextInt(26)), 1 + rnd.nextInt(200));
                apply(ctx, write(off, data));
                byte[] next = Arrays.copyOf(head == null ? new byte[0] : head, Math.max(off + data.length,
                        head == null ? 0 : head.length));
                System.arraycopy(data, 0, next, off, data.length);
                head = next;
            }
            assertArrayEquals(head, readAt(0), "head at step " + step);
            checkOverlapsHold(step);
            for (long s : live) {
                assertArrayEquals(atSnap.get(s), readAt(s), "snap " + s + " at step " + step);
            }
        }
        long[] scanned = copies.counts(COLL);
        assertEquals(objects, scanned[0]);
        assertEquals(bytes, scanned[1]);

        // the trimmer's op for every removed snap: the live snaps still read the same, the index
        // names only live snaps, and the counts still match a scan
        java.util.Set<Long> removed = new java.util.HashSet<>();
        for (long snap = 1; snap <= seq; snap++) {
            if (!live.contains(snap)) {
                removed.add(snap);
            }
        }
        apply(SnapContext.EMPTY, trim(removed));
        for (long snap : live) {
            assertArrayEquals(atSnap.get(snap), readAt(snap), "snap " + snap + " after trimming");
        }
        for (long snap : removed) {
            assertEquals(List.of(), SnapMapper.heads(store, COLL, snap, 10), "index entry left for removed snap " + snap);
        }
        checkOverlapsHold(-1);
        assertEquals(objects, copies.counts(COLL)[0]);
        assertEquals(bytes, copies.counts(COLL)[1]);

        // and with every snap gone, only the head is left, with its own bytes
        for (long snap : live) {
            removed.add(snap);
        }
        apply(SnapContext.EMPTY, trim(removed));
        assertEquals(List.of(), copies.clonesOf(COLL, OID));
        assertEquals(head == null ? 0 : 1, objects);
        assertEquals(head == null ? 0 : head.length, bytes);
        assertEquals(head != null, store.exists(COLL, OID), "a whiteout goes with its last clone");
    }

    private static OsdOp trim(java.util.Collection<Long> snaps) {
        return OsdOp.newBuilder().setSnapTrim(OpSnapTrim.newBuilder().addAllSnaps(snaps)).build();
    }

    @Test
    void trimmingAMiddleCloneKeepsTheOlderOnesOverlapExact() {
        assertEquals(0, apply(snapc(0), write(0, block('a', 300))).cloneMade());
        assertEquals(2, apply(snapc(2, 2), write(0, block('b', 100))).cloneMade()); // clone 2 shares [100~200] with 3
        apply(snapc(3, 3, 2), write(200, block('c', 100))); // clone 3 shares [0~200] with the head
        assertEquals(List.of(OID), SnapMapper.heads(store, COLL, 3, 10));
        OpRunner.Mutated trimmed = apply(SnapContext.EMPTY, trim(List.of(3L)));
        assertEquals(List.of(3L), trimmed.clonesRemoved(), "what the log entry names");
        assertEquals(0, trimmed.cloneMade());
        io.cairn.osd.peering.LogEntry logged = new io.cairn.osd.peering.LogEntry(new io.cairn.osd.peering.Eversion(1, 9),
                new io.cairn.osd.peering.ObjectName("", "obj", ""), false, "", 0, trimmed.clonesRemoved());
        assertEquals(logged, PgCopies.fromProto(PgCopies.toProto(1, logged)), "log entries keep it across peers");
        assertEquals(List.of(OID.withSnap(2)), copies.clonesOf(COLL, OID));
        CloneInfo two = listSnaps().getClones(0);
        assertEquals(1, two.getOverlapCount(), "clone 2 now shares with the head only [100~100]");
        assertEquals(100, two.getOverlap(0).getOffset());
        assertEquals(100, two.getOverlap(0).getLength());
        assertArrayEquals(block('a', 300), readAt(2));
        assertEquals(List.of(), SnapMapper.heads(store, COLL, 3, 10));
        assertEquals(List.of(OID), SnapMapper.heads(store, COLL, 2, 10));
        assertEquals(copies.counts(COLL)[1], bytes);
    }
}
