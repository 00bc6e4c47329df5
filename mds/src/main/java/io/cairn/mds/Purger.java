package io.cairn.mds;

import io.cairn.proto.v1.FileLayoutData;
import io.cairn.proto.v1.MdsPurgeItem;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Removes a deleted file's data objects: every object its size covers, then the ones after them
 * for as long as they exist, since a writer may have written past the size it last reported.
 */
final class Purger {
    /** Object removals in flight for one file. */
    static final int REMOVES_IN_FLIGHT_MAX = 8;
    /** Objects past the recorded size looked for at most (a writer's unreported tail). */
    static final int PROBE_OBJECTS_MAX = 4096;

    private final PoolIo data;

    Purger(PoolIo data) {
        this.data = data;
    }

    /** Objects holding bytes [0, size) under the layout: whole object sets, then the stripes of the last one used. */
    static long objectCount(long sizeBytes, FileLayoutData layout) {
        long unit = layout.getStripeUnit() > 0 ? layout.getStripeUnit() : Inodes.OBJECT_SIZE_BYTES;
        long count = Math.max(layout.getStripeCount(), 1);
        long objectSize = layout.getObjectSize() > 0 ? layout.getObjectSize() : Inodes.OBJECT_SIZE_BYTES;
        long period = objectSize * count;
        long full = sizeBytes / period;
        long rest = sizeBytes % period;
        long unitsInRest = (rest + unit - 1) / unit;
        return full * count + Math.min(count, unitsInRest);
    }

    CompletableFuture<Void> purge(MdsPurgeItem item) {
        long n = objectCount(item.getSize(), item.getLayout());
        List<Supplier<CompletableFuture<?>>> removes = new ArrayList<>();
        for (long i = 0; i < n; i++) {
            String oid = MdsObjects.dataObject(item.getIno(), i);
            removes.add(() -> data.remove(oid));
        }
        return Window.runAll(removes, REMOVES_IN_FLIGHT_MAX).thenCompose(v -> probe(item.getIno(), n, 0));
    }

    /** Removes the objects after the covered ones a batch at a time, until a batch finds one missing. */
    private CompletableFuture<Void> probe(long ino, long fromObject, int probed) {
        if (probed >= PROBE_OBJECTS_MAX) {
            return CompletableFuture.completedFuture(null);
        }
        List<CompletableFuture<Boolean>> batch = new ArrayList<>();
        for (int i = 0; i < REMOVES_IN_FLIGHT_MAX; i++) {
            batch.add(data.remove(MdsObjects.dataObject(ino, fromObject + i)));
        }
        return CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).thenCompose(v -> {
            boolean allExisted = batch.stream().allMatch(CompletableFuture::join);
            return allExisted ? probe(ino, fromObject + REMOVES_IN_FLIGHT_MAX, probed + REMOVES_IN_FLIGHT_MAX)
                    : CompletableFuture.completedFuture(null);
        });
    }
}
