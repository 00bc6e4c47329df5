package io.cairn.objectstore;

/**
 * The object hashes a collection covers: those whose low {@code bits} bits equal {@code value}.
 * A PG with {@code pg_num = 2^bits} covers one such range; splitting adds bits.
 */
public record HashRange(int bits, int value) {
    public static final int BITS_MAX = 32;
    /** Every hash: the range of a collection that has never split. */
    public static final HashRange ALL = new HashRange(0, 0);

    public HashRange {
        if (bits < 0 || bits > BITS_MAX) {
            throw new ObjectStoreException.InvalidArgument("hash bits " + bits + " outside 0.." + BITS_MAX);
        }
        if ((value & ~mask(bits)) != 0) {
            throw new ObjectStoreException.InvalidArgument("hash value " + Integer.toHexString(value)
                    + " has bits outside a " + bits + "-bit range");
        }
    }

    public boolean contains(int hash) {
        return (hash & mask(bits)) == value;
    }

    /** True when {@code child} is a sub-range of this range. */
    public boolean covers(HashRange child) {
        return child.bits >= bits && (child.value & mask(bits)) == value;
    }

    public static int mask(int bits) {
        return bits == 32 ? -1 : (1 << bits) - 1;
    }

    @Override
    public String toString() {
        return bits + ":" + Integer.toHexString(value);
    }
}
