package io.cairn.osd.snap;

import io.cairn.common.IntervalSet;
import io.cairn.common.Invariants;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The snapshot state of one object, kept with its head (Ceph's SnapSet): the newest snap seq the
 * head was written under, and the clones, oldest first, each with the snaps it serves (newest
 * first), the byte ranges it shares with the next newer clone or the head, and its size. A
 * whiteout head stands for an object removed while clones of it are still needed.
 *
 * <p>Pure: the OSD loads one from the head, asks it what a write must do and where a read at a
 * snap goes, and stores the one it returns.
 */
public record SnapSet(long seq, List<Clone> clones, boolean headWhiteout) {
    public static final SnapSet EMPTY = new SnapSet(0, List.of(), false);
    /** The head's id among clone ids (Ceph's CEPH_NOSNAP). */
    public static final long HEAD = -2L;

    public record Clone(long id, List<Long> snaps, IntervalSet overlap, long sizeBytes) {
        public Clone {
            snaps = List.copyOf(snaps);
            Invariants.check(!snaps.isEmpty(), "clone %s serves no snap", id);
            Invariants.check(overlap.isEmpty() || overlap.runs().lastKey() + overlap.runs().get(overlap.runs().lastKey())
                    <= sizeBytes, "clone %s overlap %s past its size %s", id, overlap, sizeBytes);
        }

        /** The oldest snap the clone serves. */
        long oldest() {
            return snaps.get(snaps.size() - 1);
        }

        /** Bytes the clone holds of its own: what the head no longer shares (Ceph's clone bytes). */
        public long ownBytes() {
            return sizeBytes - overlap.size();
        }
    }

    public SnapSet {
        clones = List.copyOf(clones);
        long prev = 0;
        for (Clone c : clones) {
            Invariants.check(Long.compareUnsigned(c.id(), prev) > 0 && Long.compareUnsigned(c.id(), seq) <= 0,
                    "clone ids must grow and stay at or below seq %s: %s", seq, clones);
            prev = c.id();
        }
        Invariants.check(!headWhiteout || !clones.isEmpty(), "a whiteout head needs clones");
    }

    public boolean isEmpty() {
        return seq == 0 && clones.isEmpty();
    }

    public Optional<Clone> clone(long id) {
        return clones.stream().filter(c -> c.id() == id).findFirst();
    }

    /** Bytes held by the clones of their own. */
    public long cloneBytes() {
        long n = 0;
        for (Clone c : clones) {
            n += c.ownBytes();
        }
        return n;
    }

    /**
     * Where a read at {@code snap} goes: {@link #HEAD}, a clone id, or empty when the object did
     * not exist at that snap (Ceph's find_object_context). {@code headExists}: the head is there
     * and not a whiteout.
     */
    public OptionalLong readTarget(long snap, boolean headExists) {
        if (snap == HEAD || Long.compareUnsigned(snap, seq) > 0) {
            return headExists ? OptionalLong.of(HEAD) : OptionalLong.empty();
        }
        for (Clone c : clones) {
            if (Long.compareUnsigned(c.id(), snap) >= 0) {
                // the first clone at or after the snap holds it, if the snap is within the clone's snaps
                return Long.compareUnsigned(c.oldest(), snap) <= 0 ? OptionalLong.of(c.id()) : OptionalLong.empty();
            }
        }
        // written under a seq at or after the snap, never cloned since: created after the snap
        return OptionalLong.empty();
    }

    /**
     * The clone a write under {@code snapc} must keep first (Ceph's make_writeable): when the head
     * exists and the context holds snaps newer than {@link #seq}, a clone named by the context's seq
     * serving those snaps, as large as the head and sharing all of it.
     */
    public Optional<Clone> cloneBeforeWrite(SnapContext snapc, boolean headExists, long headSizeBytes) {
        if (!headExists || snapc.snaps().isEmpty() || Long.compareUnsigned(snapc.snaps().get(0), seq) <= 0) {
            return Optional.empty();
        }
        List<Long> newer = new ArrayList<>();
        for (long s : snapc.snaps()) {
            if (Long.compareUnsigned(s, seq) <= 0) {
                break;
            }
            newer.add(s);
        }
        return Optional.of(new Clone(snapc.seq(), newer, IntervalSet.of(0, headSizeBytes), headSizeBytes));
    }

    /** With a new newest clone; seq becomes the clone's id (the context's seq it was made under). */
    public SnapSet withClone(Clone c) {
        List<Clone> out = new ArrayList<>(clones);
        out.add(c);
        return new SnapSet(Long.compareUnsigned(c.id(), seq) > 0 ? c.id() : seq, out, headWhiteout);
    }

    /** After a write under {@code snapc}: seq is the newest either knows. */
    public SnapSet seenSeq(long snapcSeq) {
        return Long.compareUnsigned(snapcSeq, seq) > 0 ? new SnapSet(snapcSeq, clones, headWhiteout) : this;
    }

    /** The head changed {@code modified}: the newest clone no longer shares those bytes with it. */
    public SnapSet headModified(IntervalSet modified) {
        if (clones.isEmpty() || modified.isEmpty()) {
            return this;
        }
        List<Clone> out = new ArrayList<>(clones);
        Clone newest = out.get(out.size() - 1);
        out.set(out.size() - 1, new Clone(newest.id(), newest.snaps(), newest.overlap().minus(modified),
                newest.sizeBytes()));
        return new SnapSet(seq, out, headWhiteout);
    }

    /**
     * The bytes of clone {@code id} the head still holds unchanged: its overlap intersected with
     * that of every newer clone (what a rollback to it need not rewrite).
     */
    public IntervalSet sharedWithHead(long id) {
        IntervalSet shared = null;
        for (Clone c : clones) {
            if (Long.compareUnsigned(c.id(), id) >= 0) {
                shared = shared == null ? c.overlap() : shared.intersect(c.overlap());
            }
        }
        return shared == null ? IntervalSet.EMPTY : shared;
    }

    public SnapSet withWhiteout(boolean whiteout) {
        return whiteout == headWhiteout ? this : new SnapSet(seq, clones, whiteout);
    }
}
