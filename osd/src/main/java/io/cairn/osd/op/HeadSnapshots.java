package io.cairn.osd.op;

import io.cairn.common.IntervalSet;
import io.cairn.objectstore.CollectionId;
import io.cairn.objectstore.ObjectId;
import io.cairn.objectstore.Transaction;
import io.cairn.osd.snap.SnapContext;
import io.cairn.osd.snap.SnapMapper;
import io.cairn.osd.snap.SnapSet;
import io.cairn.osd.snap.SnapSetCodec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The snapshot half of a mutation, on the {@link HeadShape} the other ops share: the clone a write
 * under a newer snap context keeps first, rollback, the trimmer's op, and the SnapSet (and snap
 * index) the mutation leaves. Every member runs the same steps on the same prior state.
 */
final class HeadSnapshots {
    private HeadSnapshots() {}

    /**
     * Before any op changes the head: if the context holds snaps newer than the SnapSet's seq, the
     * head as those snaps saw it becomes a clone (a copy-on-write store clone, without the SnapSet).
     */
    static void cloneBeforeWrite(Transaction txn, CollectionId coll, ObjectId oid, SnapContext snapc, HeadShape shape) {
        Optional<SnapSet.Clone> clone = shape.snaps.cloneBeforeWrite(snapc, shape.exists, shape.size);
        if (clone.isPresent()) {
            ObjectId cloneOid = oid.withSnap(clone.get().id());
            txn.clone(coll, oid, cloneOid);
            txn.rmAttr(coll, cloneOid, SnapSetCodec.ATTR);
            shape.snaps = shape.snaps.withClone(clone.get());
        }
    }

    /**
     * The head becomes the object as it was at {@code snap}: a copy of the clone that holds it
     * (data, xattrs, omap and size), itself if the snap is newer than every clone, or removed if
     * the object did not exist then. Only the bytes the head no longer shares with that clone count
     * as changed.
     */
    static void rollback(Transaction txn, CollectionId coll, ObjectId oid, long snap, HeadShape shape) {
        OptionalLong target = shape.snaps.readTarget(snap == 0 ? SnapSet.HEAD : snap, shape.exists);
        if (target.isEmpty()) {
            if (shape.exists) {
                shape.remove(txn, coll, oid);
            }
            return;
        }
        if (target.getAsLong() == SnapSet.HEAD) {
            return;
        }
        SnapSet.Clone clone = shape.snaps.clone(target.getAsLong()).orElseThrow();
        shape.modified = shape.modified.union(IntervalSet.of(0, shape.size).minus(shape.snaps.sharedWithHead(clone.id())));
        if (shape.inStore) {
            txn.remove(coll, oid);
        }
        txn.clone(coll, oid.withSnap(clone.id()), oid);
        shape.exists = true;
        shape.inStore = true;
        shape.size = clone.sizeBytes();
    }

    /**
     * The snap trimmer's op: {@code removed} leave every clone's snaps; a clone left serving none is
     * removed, and the next older clone now shares with what came after it only what both shared.
     */
    static void trimClones(Transaction txn, CollectionId coll, ObjectId oid, List<Long> removed, HeadShape shape) {
        Set<Long> drop = new HashSet<>(removed);
        List<SnapSet.Clone> kept = new ArrayList<>();
        for (SnapSet.Clone c : shape.snaps.clones()) {
            List<Long> snaps = c.snaps().stream().filter(s -> !drop.contains(s)).toList();
            if (!snaps.isEmpty()) {
                kept.add(new SnapSet.Clone(c.id(), snaps, c.overlap(), c.sizeBytes()));
                continue;
            }
            txn.remove(coll, oid.withSnap(c.id()));
            if (!kept.isEmpty()) {
                SnapSet.Clone older = kept.remove(kept.size() - 1);
                kept.add(new SnapSet.Clone(older.id(), older.snaps(), older.overlap().intersect(c.overlap()),
                        older.sizeBytes()));
            }
        }
        shape.snaps = new SnapSet(shape.snaps.seq(), kept, shape.snaps.headWhiteout() && !kept.isEmpty());
    }

    /**
     * The head's SnapSet after the ops: the newest clone no longer shares what they changed, seq is
     * the context's when newer, and a head removed while clones remain stays as a whiteout (stamped
     * with {@code version} unless it is 0); one whose last clone went is removed. The PG's snap
     * index follows, from {@code before}.
     */
    static void keepSnapSet(Transaction txn, CollectionId coll, ObjectId oid, HeadShape shape, SnapContext snapc,
                            long version, SnapSet before) {
        SnapSet after = shape.snaps.headModified(shape.modified).seenSeq(snapc.seq());
        boolean whiteout = !shape.exists && !after.clones().isEmpty();
        after = after.withWhiteout(whiteout);
        shape.snaps = after;
        SnapMapper.update(txn, coll, oid, before, after);
        if (!shape.exists && !whiteout) {
            if (shape.inStore) {
                txn.remove(coll, oid);
                shape.inStore = false;
            }
            return;
        }
        if (!shape.inStore) {
            txn.touch(coll, oid);
            shape.inStore = true;
        }
        txn.setAttr(coll, oid, SnapSetCodec.ATTR, SnapSetCodec.encode(after));
        if (whiteout && version > 0) {
            txn.setAttr(coll, oid, OpRunner.VERSION_ATTR, OpRunner.encodeLong(version));
        }
    }
}
