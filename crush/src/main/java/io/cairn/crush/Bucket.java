package io.cairn.crush;

import java.util.Arrays;

/**
 * One compiled bucket: its items, their 16.16 weights, and whatever the bucket's algorithm
 * precomputes to choose among them. Immutable; the only per-call state (the uniform permutation)
 * lives in a {@link PermutationState} owned by the caller's workspace.
 *
 * <p>Weights are unsigned 32-bit values held in {@code int}s, as in Ceph's {@code __u32}.
 */
public abstract sealed class Bucket
        permits Bucket.Uniform, Bucket.ListBucket, Bucket.Tree, Bucket.Straw, Bucket.Straw2 {

    private final int id;
    private final int typeId;
    private final int hash;
    final int[] items;
    final int[] itemWeights;
    private final int weight;

    private Bucket(int id, int typeId, int hash, int[] items, int[] itemWeights, int weight) {
        if (id >= 0) {
            throw new IllegalArgumentException("bucket id must be negative: " + id);
        }
        if (items.length != itemWeights.length) {
            throw new IllegalArgumentException("items and weights differ in length");
        }
        this.id = id;
        this.typeId = typeId;
        this.hash = hash;
        this.items = items;
        this.itemWeights = itemWeights;
        this.weight = weight;
    }

    /**
     * Builds a bucket of the given algorithm over items and their 16.16 weights, as Ceph's
     * {@code crush_make_bucket} does. {@code strawCalcVersion} only matters for straw (v1).
     */
    public static Bucket create(BucketAlgorithm alg, int id, int typeId, int hash, int[] items,
                                int[] weights, int strawCalcVersion) {
        int[] its = items.clone();
        int[] ws = weights.clone();
        return switch (alg) {
            case UNIFORM -> new Uniform(id, typeId, hash, its, ws.length == 0 ? 0 : ws[0]);
            case LIST -> new ListBucket(id, typeId, hash, its, ws);
            case TREE -> new Tree(id, typeId, hash, its, ws);
            case STRAW -> new Straw(id, typeId, hash, its, ws, strawCalcVersion);
            case STRAW2 -> new Straw2(id, typeId, hash, its, ws);
        };
    }

    public int id() {
        return id;
    }

    public int typeId() {
        return typeId;
    }

    public int hash() {
        return hash;
    }

    public int size() {
        return items.length;
    }

    public int item(int pos) {
        return items[pos];
    }

    /** The 16.16 weight of the item at {@code pos} (unsigned, in an int). */
    public int itemWeight(int pos) {
        return itemWeights[pos];
    }

    /** Sum of the item weights, wrapping at 32 bits as Ceph's does. */
    public int weight() {
        return weight;
    }

    public int[] items() {
        return items.clone();
    }

    public int[] itemWeights() {
        return itemWeights.clone();
    }

    public abstract BucketAlgorithm algorithm();

    /** Picks one item for input x and replica rank r. {@code perm} is this bucket's scratch. */
    abstract int choose(int x, int r, PermutationState perm);

    private static int sum(int[] weights) {
        int total = 0;
        for (int w : weights) {
            total += w;
        }
        return total;
    }

    /**
     * Chooses by a pseudo-random permutation of the items, built lazily up to rank r and cached
     * for the same x: uniform buckets always choose this way, and every bucket falls back to it
     * after too many local collisions.
     */
    static int permutationChoose(Bucket b, PermutationState work, int x, int r) {
        int size = b.items.length;
        int pr = Integer.remainderUnsigned(r, size);
        if (work.permX != x || work.permN == 0) {
            work.permX = x;
            if (pr == 0) {
                // the common r = 0 case needs only the first element of the permutation
                int s = Integer.remainderUnsigned(CrushHash.hash32(x, b.id, 0), size);
                work.perm[0] = s;
                work.permN = PermutationState.FIRST_ONLY;
                return b.items[s];
            }
            for (int i = 0; i < size; i++) {
                work.perm[i] = i;
            }
            work.permN = 0;
        } else if (work.permN == PermutationState.FIRST_ONLY) {
            // expand the r = 0 shortcut into a real prefix of length 1
            for (int i = 1; i < size; i++) {
                work.perm[i] = i;
            }
            work.perm[work.perm[0]] = 0;
            work.permN = 1;
        }
        while (work.permN <= pr) {
            int p = work.permN;
            if (p < size - 1) {
                int i = Integer.remainderUnsigned(CrushHash.hash32(x, b.id, p), size - p);
                if (i != 0) {
                    int t = work.perm[p + i];
                    work.perm[p + i] = work.perm[p];
                    work.perm[p] = t;
                }
            }
            work.permN++;
        }
        return b.items[work.perm[pr]];
    }

    /** All items weigh the same; choice is a permutation of positions. */
    public static final class Uniform extends Bucket {
        private final int itemWeight;

        Uniform(int id, int typeId, int hash, int[] items, int itemWeight) {
            super(id, typeId, hash, items, filled(items.length, itemWeight), items.length * itemWeight);
            this.itemWeight = itemWeight;
        }

        private static int[] filled(int n, int w) {
            int[] a = new int[n];
            Arrays.fill(a, w);
            return a;
        }

        public int uniformItemWeight() {
            return itemWeight;
        }

        @Override
        public BucketAlgorithm algorithm() {
            return BucketAlgorithm.UNIFORM;
        }

        @Override
        int choose(int x, int r, PermutationState perm) {
            return permutationChoose(this, perm, x, r);
        }
    }

    /** Items are tried from the newest back, each against the weight of those before it. */
    public static final class ListBucket extends Bucket {
        private final int[] sumWeights;

        ListBucket(int id, int typeId, int hash, int[] items, int[] weights) {
            super(id, typeId, hash, items, weights, sum(weights));
            sumWeights = new int[weights.length];
            int running = 0;
            for (int i = 0; i < weights.length; i++) {
                running += weights[i];
                sumWeights[i] = running;
            }
        }

        @Override
        public BucketAlgorithm algorithm() {
            return BucketAlgorithm.LIST;
        }

        @Override
        int choose(int x, int r, PermutationState perm) {
            for (int i = items.length - 1; i >= 0; i--) {
                long w = CrushHash.hash32(x, items[i], r, id()) & 0xffffL;
                w = (w * Integer.toUnsignedLong(sumWeights[i])) >>> 16;
                if (w < Integer.toUnsignedLong(itemWeights[i])) {
                    return items[i];
                }
            }
            return items[0];
        }
    }

    /**
     * A binary tree over the items: leaves at odd node numbers, each inner node holding the sum of
     * its subtree, so a choice descends log2(size) levels.
     */
    public static final class Tree extends Bucket {
        private final int[] nodeWeights;

        Tree(int id, int typeId, int hash, int[] items, int[] weights) {
            super(id, typeId, hash, items, weights, sum(weights));
            int depth = depth(items.length);
            nodeWeights = new int[items.length == 0 ? 0 : 1 << depth];
            for (int i = 0; i < items.length; i++) {
                int node = leafNode(i);
                nodeWeights[node] = weights[i];
                for (int j = 1; j < depth; j++) {
                    node = parent(node);
                    nodeWeights[node] += weights[i];
                }
            }
        }

        private static int depth(int size) {
            if (size == 0) {
                return 0;
            }
            int depth = 1;
            for (int t = size - 1; t != 0; t >>>= 1) {
                depth++;
            }
            return depth;
        }

        static int leafNode(int pos) {
            return ((pos + 1) << 1) - 1;
        }

        private static int height(int n) {
            return Integer.numberOfTrailingZeros(n);
        }

        private static int parent(int n) {
            int h = height(n);
            return (n & (1 << (h + 1))) != 0 ? n - (1 << h) : n + (1 << h);
        }

        int[] nodeWeights() {
            return nodeWeights.clone();
        }

        @Override
        public BucketAlgorithm algorithm() {
            return BucketAlgorithm.TREE;
        }

        @Override
        int choose(int x, int r, PermutationState perm) {
            int n = nodeWeights.length >> 1;
            while ((n & 1) == 0) {
                long w = Integer.toUnsignedLong(nodeWeights[n]);
                long t = (Integer.toUnsignedLong(CrushHash.hash32(x, n, r, id())) * w) >>> 32;
                int half = 1 << (height(n) - 1);
                int left = n - half;
                n = t < Integer.toUnsignedLong(nodeWeights[left]) ? left : n + half;
            }
            // Every item weighing zero (reached through the permutation fallback, which ignores
            // weights) walks right into the padding past the last item. Ceph's C reads past its
            // items array there; answering "no such item" makes the mapper skip this replica.
            return (n >> 1) < items.length ? items[n >> 1] : CrushMap.ITEM_NONE;
        }
    }

    /** Straw (v1): each item draws a hash scaled by a precomputed straw length; longest wins. */
    public static final class Straw extends Bucket {
        private final int[] straws;

        Straw(int id, int typeId, int hash, int[] items, int[] weights, int strawCalcVersion) {
            super(id, typeId, hash, items, weights, sum(weights));
            straws = StrawLengths.compute(weights, strawCalcVersion);
        }

        int[] straws() {
            return straws.clone();
        }

        @Override
        public BucketAlgorithm algorithm() {
            return BucketAlgorithm.STRAW;
        }

        @Override
        int choose(int x, int r, PermutationState perm) {
            int high = 0;
            long highDraw = 0;
            for (int i = 0; i < items.length; i++) {
                long draw = (CrushHash.hash32(x, items[i], r) & 0xffffL) * Integer.toUnsignedLong(straws[i]);
                if (i == 0 || draw > highDraw) {
                    high = i;
                    highDraw = draw;
                }
            }
            return items[high];
        }
    }

    /**
     * Straw2: each item draws ln(uniform)/weight, an exponential variable, and the highest wins;
     * changing one item's weight moves data only to or from that item.
     */
    public static final class Straw2 extends Bucket {
        Straw2(int id, int typeId, int hash, int[] items, int[] weights) {
            super(id, typeId, hash, items, weights, sum(weights));
        }

        @Override
        public BucketAlgorithm algorithm() {
            return BucketAlgorithm.STRAW2;
        }

        @Override
        int choose(int x, int r, PermutationState perm) {
            int high = 0;
            long highDraw = 0;
            for (int i = 0; i < items.length; i++) {
                long draw;
                int w = itemWeights[i];
                if (w != 0) {
                    int u = CrushHash.hash32(x, items[i], r) & 0xffff;
                    // the weight divides as a signed 32-bit value, as in Ceph (pacific)
                    draw = (CrushLn.ln(u) - 0x1000000000000L) / w;
                } else {
                    draw = Long.MIN_VALUE;
                }
                if (i == 0 || draw > highDraw) {
                    high = i;
                    highDraw = draw;
                }
            }
            return items[high];
        }
    }
}
