package io.cairn.osd.scrub;

/**
 * Why one member's copy of an object is bad, named as Ceph's list-inconsistent-obj names
 * them. The mismatches are against the authoritative copy (Ceph compares with the object info's
 * digests and prints {@code *_info}; Cairn keeps no digests in object info, so it says which copy
 * differs from the one the others agree with).
 */
public enum ShardError {
    MISSING, READ_ERROR, SIZE_MISMATCH, DATA_DIGEST_MISMATCH, OMAP_DIGEST_MISMATCH, ATTR_NAME_MISMATCH,
    ATTR_VALUE_MISMATCH,
    /** The head's SnapSet (its clones, their snaps and overlaps) differs from the authoritative copy's. */
    SNAPSET_INCONSISTENCY;

    public String cephName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Missing and unreadable copies are the shard's own fault; the rest say the copies disagree. */
    boolean isDisagreement() {
        return this != MISSING && this != READ_ERROR;
    }
}
