package io.cairn.objectstore.block;

import io.cairn.objectstore.StoreLimits;

/** How a {@link BlockStore} runs (what mkfs fixed lives in the superblock instead). */
public record BlockStoreOptions(StoreLimits limits, long metadataMapBytes) {
    public static final long METADATA_MAP_BYTES_DEFAULT = 4L << 30;
    public static final BlockStoreOptions DEFAULT = new BlockStoreOptions(StoreLimits.DEFAULT, METADATA_MAP_BYTES_DEFAULT);

    public BlockStoreOptions {
        if (metadataMapBytes < (16L << 20)) {
            throw new IllegalArgumentException("metadata map must be at least 16 MiB");
        }
    }

    public BlockStoreOptions withLimits(StoreLimits newLimits) {
        return new BlockStoreOptions(newLimits, metadataMapBytes);
    }
}
