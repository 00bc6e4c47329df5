package io.cairn.objectstore.block;

import java.util.ArrayList;
import java.util.List;

/**
 * What one submitted unit of transactions did outside its LMDB child transaction: units it
 * allocated and freed, and its change to the stored byte count. Enough to book its space and,
 * if it fails, to undo it exactly.
 */
final class TxnEffects {
    final List<AuRun> allocated = new ArrayList<>();
    final List<AuRun> freed = new ArrayList<>();
    long storedDelta;
    /** Bytes written to the block file directly, which the batch must sync before it commits. */
    long directBytes;
    /** Bytes written as deferred records ({@link DeferredWrites}). */
    long deferredBytes;

    long allocatedUnits() {
        return allocated.stream().mapToLong(AuRun::count).sum();
    }

    long freedUnits() {
        return freed.stream().mapToLong(AuRun::count).sum();
    }

    /** Puts the allocator back as it was before this unit ran; frees first, as a unit may be in both. */
    void rollback(Allocator allocator) {
        for (int i = freed.size() - 1; i >= 0; i--) {
            allocator.unfree(freed.get(i));
        }
        for (int i = allocated.size() - 1; i >= 0; i--) {
            allocator.unallocate(allocated.get(i));
        }
        allocated.clear();
        freed.clear();
        storedDelta = 0;
        directBytes = 0;
        deferredBytes = 0;
    }
}
