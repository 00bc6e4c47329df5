package io.cairn.osd.op;

import io.cairn.common.IntervalSet;
import io.cairn.objectstore.CollectionId;
import io.cairn.objectstore.ObjectId;
import io.cairn.objectstore.Transaction;
import io.cairn.osd.snap.SnapSet;

/**
 * An object's head as the ops of one mutation applied so far leave it: whether it exists for
 * clients and its size, whether the store holds it (perhaps as a whiteout), its SnapSet and the
 * byte ranges the ops changed (which the newest clone no longer shares).
 */
final class HeadShape {
    boolean exists;
    long size;
    boolean inStore;
    SnapSet snaps;
    IntervalSet modified = IntervalSet.EMPTY;

    HeadShape(boolean exists, long size, boolean inStore, SnapSet snaps) {
        this.exists = exists;
        this.size = size;
        this.inStore = inStore;
        this.snaps = snaps;
    }

    /** The op makes the object exist: touched first if it did not. */
    void ensure(Transaction txn, CollectionId coll, ObjectId oid) {
        if (!exists) {
            txn.touch(coll, oid);
        }
        exists = true;
        inStore = true;
    }

    void changed(long offset, long length) {
        modified = modified.with(offset, length);
    }

    /** The head goes (its clones stay; whether it remains as a whiteout is decided at the end). */
    void remove(Transaction txn, CollectionId coll, ObjectId oid) {
        if (inStore) {
            txn.remove(coll, oid);
        }
        changed(0, size);
        exists = false;
        inStore = false;
        size = 0;
    }
}
