package io.cairn.objectstore;

/**
 * Limits both stores enforce, so MemStore-backed tests reject what production would reject.
 * Defaults follow Ceph's options where there is one ({@code osd_max_object_size},
 * {@code osd_failsafe_full_ratio}); the name and size caps come from LMDB's 511-byte keys.
 */
public record StoreLimits(long objectSizeBytesMax, int attrNameBytesMax, int attrValueBytesMax,
                          int omapKeyBytesMax, int omapValueBytesMax, double failsafeFullRatio) {
    public static final long OSD_MAX_OBJECT_SIZE_DEFAULT = 128L << 20;
    public static final double OSD_FAILSAFE_FULL_RATIO_DEFAULT = 0.97;
    public static final StoreLimits DEFAULT = new StoreLimits(OSD_MAX_OBJECT_SIZE_DEFAULT, 128, 64 << 10,
            256, 1 << 20, OSD_FAILSAFE_FULL_RATIO_DEFAULT);

    public StoreLimits {
        if (objectSizeBytesMax <= 0 || attrNameBytesMax <= 0 || attrValueBytesMax < 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
        if (omapKeyBytesMax <= 0 || omapKeyBytesMax > 400 || omapValueBytesMax < 0) {
            throw new IllegalArgumentException("omap key max must be in 1..400 (LMDB key limit)");
        }
        if (!(failsafeFullRatio > 0 && failsafeFullRatio <= 1)) {
            throw new IllegalArgumentException("failsafe full ratio must be in (0, 1]");
        }
    }

    public StoreLimits withFailsafeFullRatio(double ratio) {
        return new StoreLimits(objectSizeBytesMax, attrNameBytesMax, attrValueBytesMax, omapKeyBytesMax,
                omapValueBytesMax, ratio);
    }
}
