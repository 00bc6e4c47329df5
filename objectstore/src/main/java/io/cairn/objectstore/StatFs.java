package io.cairn.objectstore;

import io.cairn.common.Invariants;

/**
 * Space in a store. {@code allocatedBytes} is space held by object data (in allocation units,
 * shared clone extents counted once); {@code storedBytes} is the sum of object sizes;
 * {@code availableBytes = totalBytes - allocatedBytes - reservedBytes}.
 */
public record StatFs(long totalBytes, long availableBytes, long allocatedBytes, long storedBytes,
                     long reservedBytes) {
    public StatFs {
        Invariants.check(totalBytes >= 0 && allocatedBytes >= 0 && storedBytes >= 0 && reservedBytes >= 0,
                "statfs values must not be negative");
        Invariants.check(availableBytes == totalBytes - allocatedBytes - reservedBytes,
                "available %d != total %d - allocated %d - reserved %d", availableBytes, totalBytes,
                allocatedBytes, reservedBytes);
    }

    public double usedRatio() {
        return totalBytes == 0 ? 1.0 : (double) allocatedBytes / totalBytes;
    }
}
