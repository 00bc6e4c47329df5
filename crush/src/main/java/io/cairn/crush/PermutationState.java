package io.cairn.crush;

/**
 * Per-bucket scratch for permutation choice: the x the permutation was built for, how many
 * leading positions are settled, and the permutation itself. One per bucket per workspace,
 * reset at the start of every mapping, so the immutable map needs no lock.
 */
final class PermutationState {
    /** permN value meaning "only perm[0] is known, from the r = 0 shortcut". */
    static final int FIRST_ONLY = 0xffff;

    int permX;
    int permN;
    final int[] perm;

    PermutationState(int size) {
        perm = new int[size];
    }

    void reset() {
        permX = 0;
        permN = 0;
    }
}
