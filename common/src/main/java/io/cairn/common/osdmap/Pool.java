package io.cairn.common.osdmap;

/**
 * A pool: replicas (size, min_size), placement groups (pg_num, pgp_num), the CRUSH rule that
 * places them, flags and the snapshot sequence.
 */
public record Pool(long id, String name, int type, int size, int minSize, int pgNum, int pgpNum, int crushRule,
                   long flags, long snapSeq, int createdEpoch) {
    public static final int TYPE_REPLICATED = 1;
    /** Hash the placement seed with the pool id, so pools do not share PG layouts (Ceph's default). */
    public static final long FLAG_HASHPSPOOL = 1L;
    public static final int SIZE_MAX = 10;

    public Pool {
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
        return new Pool(id, newName, type, size, minSize, pgNum, pgpNum, crushRule, flags, snapSeq, createdEpoch);
    }

    public Pool withSize(int newSize, int newMinSize) {
        return new Pool(id, name, type, newSize, newMinSize, pgNum, pgpNum, crushRule, flags, snapSeq, createdEpoch);
    }

    public Pool withPgNum(int newPgNum, int newPgpNum) {
        return new Pool(id, name, type, size, minSize, newPgNum, newPgpNum, crushRule, flags, snapSeq, createdEpoch);
    }

    public Pool withCrushRule(int rule) {
        return new Pool(id, name, type, size, minSize, pgNum, pgpNum, rule, flags, snapSeq, createdEpoch);
    }
}
