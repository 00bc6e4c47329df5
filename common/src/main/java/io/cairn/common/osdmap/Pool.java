package io.cairn.common.osdmap;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A pool: replicas (size, min_size), placement groups (pg_num, pgp_num), the CRUSH rule that
 * places them, flags, and its snapshots: the snap sequence every new snap id comes from, the pool
 * snaps by id, the removed snaps whose clones are still to be trimmed (Ceph's
 * {@code removed_snaps_queue}) and those every PG has trimmed (purged: never to be written under again). A pool is in one snap mode at most: pool snaps or self-managed.
 */
public record Pool(long id, String name, int type, int size, int minSize, int pgNum, int pgpNum, int crushRule,
                   long flags, long snapSeq, int createdEpoch, SortedMap<Long, PoolSnap> snaps,
                   SnapIntervals removedSnapsQueue, SnapIntervals purgedSnaps) {
    public static final int TYPE_REPLICATED = 1;
    /** Hash the placement seed with the pool id, so pools do not share PG layouts (Ceph's default). */
    public static final long FLAG_HASHPSPOOL = 1L;
    /** Ceph's FLAG_POOL_SNAPS: the pool has had pool snaps (osd pool mksnap). */
    public static final long FLAG_POOL_SNAPS = 1L << 14;
    /** Ceph's FLAG_SELFMANAGED_SNAPS: clients allocate and remove the snaps (RBD, CephFS). */
    public static final long FLAG_SELFMANAGED_SNAPS = 1L << 13;
    public static final int SIZE_MAX = 10;

    /** A pool without snapshots. */
    public Pool(long id, String name, int type, int size, int minSize, int pgNum, int pgpNum, int crushRule,
                long flags, long snapSeq, int createdEpoch) {
        this(id, name, type, size, minSize, pgNum, pgpNum, crushRule, flags, snapSeq, createdEpoch, new TreeMap<>(),
                SnapIntervals.EMPTY, SnapIntervals.EMPTY);
    }

    public Pool {
        snaps = Collections.unmodifiableSortedMap(new TreeMap<>(snaps));
        removedSnapsQueue = removedSnapsQueue == null ? SnapIntervals.EMPTY : removedSnapsQueue;
        purgedSnaps = purgedSnaps == null ? SnapIntervals.EMPTY : purgedSnaps;
        if (snapSeq < 0 || (!snaps.isEmpty() && snaps.lastKey() > snapSeq)) {
            throw new IllegalArgumentException("pool " + name + ": snap ids come from snap_seq " + snapSeq);
        }
        if (id < 0) {
            throw new IllegalArgumentException("pool id must be >= 0");
        }
        if (size < 1 || size > SIZE_MAX || minSize < 1 || minSize > size) {
            throw new IllegalArgumentException("pool " + name + ": need 1 <= min_size <= size <= " + SIZE_MAX);
        }
        if (pgNum < 1 || pgpNum < 1 || pgpNum > pgNum) {
            throw new IllegalArgumentException("pool " + name + ": need 1 <= pgp_num <= pg_num");
        }
    }

    public String typeName() {
        return type == TYPE_REPLICATED ? "replicated" : "erasure";
    }

    public int pgNumMask() {
        return Placement.mask(pgNum);
    }

    public int pgpNumMask() {
        return Placement.mask(pgpNum);
    }

    public Pool withName(String newName) {
        return new Pool(id, newName, type, size, minSize, pgNum, pgpNum, crushRule, flags, snapSeq, createdEpoch, snaps,
                removedSnapsQueue, purgedSnaps);
    }

    public Pool withSize(int newSize, int newMinSize) {
        return new Pool(id, name, type, newSize, newMinSize, pgNum, pgpNum, crushRule, flags, snapSeq, createdEpoch, snaps,
                removedSnapsQueue, purgedSnaps);
    }

    public Pool withPgNum(int newPgNum, int newPgpNum) {
        return new Pool(id, name, type, size, minSize, newPgNum, newPgpNum, crushRule, flags, snapSeq, createdEpoch, snaps,
                removedSnapsQueue, purgedSnaps);
    }

    public Pool withCrushRule(int rule) {
        return new Pool(id, name, type, size, minSize, pgNum, pgpNum, rule, flags, snapSeq, createdEpoch, snaps,
                removedSnapsQueue, purgedSnaps);
    }

    public boolean isPoolSnapsMode() {
        return (flags & FLAG_POOL_SNAPS) != 0 || !snaps.isEmpty();
    }

    public boolean isSelfManagedSnapsMode() {
        return (flags & FLAG_SELFMANAGED_SNAPS) != 0;
    }

    /** The pool snap of that name, or null. */
    public PoolSnap snap(String snapName) {
        for (PoolSnap s : snaps.values()) {
            if (s.name().equals(snapName)) {
                return s;
            }
        }
        return null;
    }

    /** With a new pool snap, its id the next of snap_seq. */
    public Pool withPoolSnap(String snapName, long stampMs) {
        long next = snapSeq + 1;
        TreeMap<Long, PoolSnap> s = new TreeMap<>(snaps);
        s.put(next, new PoolSnap(next, snapName, stampMs));
        return new Pool(id, name, type, size, minSize, pgNum, pgpNum, crushRule, flags | FLAG_POOL_SNAPS, next,
                createdEpoch, s, removedSnapsQueue, purgedSnaps);
    }

    /**
     * With a new self-managed snap: ids start at 2 (Ceph reserves 1 as the mark of a self-managed
     * pool) and come from snap_seq. The new id is the returned pool's {@link #snapSeq()}.
     */
    public Pool withSelfManagedSnap() {
        long next = Math.max(snapSeq, 1) + 1;
        return new Pool(id, name, type, size, minSize, pgNum, pgpNum, crushRule, flags | FLAG_SELFMANAGED_SNAPS, next,
                createdEpoch, snaps, removedSnapsQueue, purgedSnaps);
    }

    /**
     * Without snap {@code snapId} (a pool snap or a self-managed one): it joins the queue of removed
     * snaps to trim, and snap_seq moves on so writers' snap contexts become newer than it.
     */
    public Pool withSnapRemoved(long snapId) {
        TreeMap<Long, PoolSnap> s = new TreeMap<>(snaps);
        s.remove(snapId);
        return new Pool(id, name, type, size, minSize, pgNum, pgpNum, crushRule, flags, snapSeq + 1, createdEpoch, s,
                removedSnapsQueue.with(snapId), purgedSnaps);
    }

    /** Whether snap {@code snapId} was removed (queued for trimming or already purged). */
    public boolean isSnapRemoved(long snapId) {
        return removedSnapsQueue.contains(snapId) || purgedSnaps.contains(snapId);
    }

    /** With {@code done} (snaps every PG has trimmed) moved from the removed queue to the purged snaps. */
    public Pool withSnapsPurged(SnapIntervals done) {
        SnapIntervals moved = done.intersect(removedSnapsQueue);
        return new Pool(id, name, type, size, minSize, pgNum, pgpNum, crushRule, flags, snapSeq, createdEpoch, snaps,
                removedSnapsQueue.minus(moved), purgedSnaps.union(moved));
    }
}
