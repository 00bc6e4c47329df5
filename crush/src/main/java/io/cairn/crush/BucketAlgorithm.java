package io.cairn.crush;

import java.util.Locale;

/** The five bucket algorithms, with Ceph's numeric ids (CRUSH_BUCKET_*). */
public enum BucketAlgorithm {
    UNIFORM(1),
    LIST(2),
    TREE(3),
    STRAW(4),
    STRAW2(5);

    private final int id;

    BucketAlgorithm(int id) {
        this.id = id;
    }

    public int id() {
        return id;
    }

    /** The name in the text map ({@code alg straw2}). */
    public String textName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The bit this algorithm has in {@code allowed_bucket_algs}. */
    public int allowedBit() {
        return 1 << id;
    }

    public static BucketAlgorithm fromText(String name) {
        for (BucketAlgorithm a : values()) {
            if (a.textName().equals(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown bucket algorithm '" + name
                + "' (uniform, list, tree, straw, straw2)");
    }
}
