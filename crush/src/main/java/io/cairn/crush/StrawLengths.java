package io.cairn.crush;

/**
 * Straw (v1) lengths, computed when a straw bucket is built, as Ceph's {@code crush_calc_straw}
 * does for straw_calc_version 0 (the original, which mishandles duplicate and zero weights) and 1
 * (the fix). The arithmetic is IEEE double throughout, like the C, so the lengths agree bit for bit.
 */
final class StrawLengths {
    private StrawLengths() {}

    static int[] compute(int[] weights, int version) {
        int size = weights.length;
        int[] straws = new int[size];
        int[] order = ascendingOrder(weights);
        int numLeft = size;
        double straw = 1.0;
        double wBelow = 0;
        double lastW = 0;
        int i = 0;
        while (i < size) {
            int cur = order[i];
            if (weights[cur] == 0) {
                // zero-weight items get zero-length straws
                straws[cur] = 0;
                i++;
                if (version >= 1) {
                    numLeft--;
                }
                continue;
            }
            straws[cur] = toUnsigned32(straw * 0x10000);
            i++;
            if (i == size) {
                break;
            }
            long prevW = Integer.toUnsignedLong(weights[order[i - 1]]);
            long nextW = Integer.toUnsignedLong(weights[order[i]]);
            if (version == 0) {
                if (nextW == prevW) {
                    continue;
                }
                wBelow += ((double) prevW - lastW) * numLeft;
                for (int j = i; j < size && weights[order[j]] == weights[order[i]]; j++) {
                    numLeft--;
                }
            } else {
                wBelow += ((double) prevW - lastW) * numLeft;
                numLeft--;
            }
            // C computes numleft * (w_i - w_{i-1}) in unsigned 32-bit arithmetic
            double wNext = Integer.toUnsignedLong(numLeft * (int) (nextW - prevW));
            double pBelow = wBelow / (wBelow + wNext);
            straw *= StrictMath.pow(1.0 / pBelow, 1.0 / numLeft);
            lastW = prevW;
        }
        return straws;
    }

    /** Item indexes sorted by ascending weight, ties in original order (an insertion sort, as Ceph). */
    private static int[] ascendingOrder(int[] weights) {
        int size = weights.length;
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            int j = 0;
            while (j < i && Integer.compareUnsigned(weights[i], weights[order[j]]) >= 0) {
                j++;
            }
            System.arraycopy(order, j, order, j + 1, i - j);
            order[j] = i;
        }
        return order;
    }

    /** C's conversion of a non-negative double to __u32 (truncation). */
    private static int toUnsigned32(double v) {
        return (int) (long) v;
    }
}
