package io.cairn.objectstore;

import io.cairn.common.Invariants;

/** What {@code stat} tells about one object: its size, and the space its data holds. */
public record ObjectStat(long sizeBytes, long allocatedBytes) {
    public ObjectStat {
        Invariants.check(sizeBytes >= 0 && allocatedBytes >= 0, "object stat must not be negative");
    }
}
