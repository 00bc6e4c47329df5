package io.cairn.objectstore.block;

import io.cairn.common.Invariants;

/** A run of allocation units in the block file: {@code count} units from unit {@code start}. */
record AuRun(long start, long count) {
    AuRun {
        Invariants.check(start >= 0 && count > 0, "bad AU run %d+%d", start, count);
    }

    long end() {
        return start + count;
    }
}
