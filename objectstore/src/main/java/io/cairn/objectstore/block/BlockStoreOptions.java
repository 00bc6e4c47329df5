package io.cairn.objectstore.block;

import io.cairn.objectstore.StoreLimits;

/**
 * How a {@link BlockStore} runs (what mkfs fixed lives in the superblock instead).
 *
 * @param preferDeferredBytes writes of at most this many bytes are deferred ({@link DeferredWrites}); 0 = none
 * @param deferredRetireBytes deferred bytes committed since the last block-file sync past which the
 *                            next batch syncs it and drops their records (bounds a mount's replay)
 * @param deferredRetireIdleMs an idle committer syncs and drops them after this long without work
 */
public record BlockStoreOptions(StoreLimits limits, long metadataMapBytes, int preferDeferredBytes,
                                long deferredRetireBytes, long deferredRetireIdleMs) {
    public static final long METADATA_MAP_BYTES_DEFAULT = 4L << 30;
    public static final int PREFER_DEFERRED_BYTES_DEFAULT = 64 << 10;
    public static final long DEFERRED_RETIRE_BYTES_DEFAULT = 8L << 20;
    public static final long DEFERRED_RETIRE_IDLE_MS_DEFAULT = 50;
    public static final BlockStoreOptions DEFAULT = new BlockStoreOptions(StoreLimits.DEFAULT,
            METADATA_MAP_BYTES_DEFAULT, PREFER_DEFERRED_BYTES_DEFAULT, DEFERRED_RETIRE_BYTES_DEFAULT,
            DEFERRED_RETIRE_IDLE_MS_DEFAULT);

    public BlockStoreOptions {
        if (metadataMapBytes < (16L << 20)) {
            throw new IllegalArgumentException("metadata map must be at least 16 MiB");
        }
        if (preferDeferredBytes < 0 || preferDeferredBytes > DeferredWrites.RECORD_BYTES_MAX) {
            throw new IllegalArgumentException("deferred write size must be 0.." + DeferredWrites.RECORD_BYTES_MAX);
        }
        if (deferredRetireBytes < 0 || deferredRetireIdleMs < 0) {
            throw new IllegalArgumentException("deferred retirement bounds must not be negative");
        }
    }

    public BlockStoreOptions withLimits(StoreLimits newLimits) {
        return new BlockStoreOptions(newLimits, metadataMapBytes, preferDeferredBytes, deferredRetireBytes,
                deferredRetireIdleMs);
    }

    public BlockStoreOptions withPreferDeferredBytes(int bytes) {
        return new BlockStoreOptions(limits, metadataMapBytes, bytes, deferredRetireBytes, deferredRetireIdleMs);
    }

    public BlockStoreOptions withDeferredRetire(long bytes, long idleMs) {
        return new BlockStoreOptions(limits, metadataMapBytes, preferDeferredBytes, bytes, idleMs);
    }
}
