package io.cairn.common.osdmap;

import io.cairn.crush.CrushMap;

/**
 * The pure arithmetic of placement, as Ceph does it: object name to PG seed
 * ({@code ceph_str_hash_rjenkins} and {@code ceph_stable_mod}) and PG to CRUSH input (the
 * placement seed, hashed with the pool id).
 */
public final class Placement {
    private Placement() {}

    /** {@code (1 << bits(n - 1)) - 1}: the smallest all-ones mask covering 0..n-1. */
    public static int mask(int n) {
        if (n <= 1) {
            return 0;
        }
        return (int) ((1L << (32 - Integer.numberOfLeadingZeros(n - 1))) - 1);
    }

    /**
     * Ceph's stable modulo: like {@code x mod b}, but when b grows only the inputs that must move
     * to the new buckets change (PG splitting keeps the rest in place).
     */
    public static int stableMod(int x, int b, int bmask) {
        return (x & bmask) < b ? x & bmask : x & (bmask >>> 1);
    }

    /** The full 32-bit hash of an object's key in a namespace (locator overrides the name). */
    public static int objectHash(String name, String namespace, String locator) {
        String key = locator != null && !locator.isEmpty() ? locator : name;
        if (namespace != null && !namespace.isEmpty()) {
            return CephStrHash.hash(namespace + '\037' + key);
        }
        return CephStrHash.hash(key);
    }

    /** The PG an object belongs to in a pool. */
    public static PgId objectPg(Pool pool, String name, String namespace, String locator) {
        int ps = objectHash(name, namespace, locator);
        return new PgId(pool.id(), stableMod(ps, pool.pgNum(), pool.pgNumMask()));
    }

    /** The CRUSH input for a PG: its seed folded to pgp_num, hashed with the pool id. */
    public static int placementSeed(Pool pool, int seed) {
        int folded = stableMod(seed, pool.pgpNum(), pool.pgpNumMask());
        if ((pool.flags() & Pool.FLAG_HASHPSPOOL) != 0) {
            return CrushMap.poolInput(folded, (int) pool.id());
        }
        return folded + (int) pool.id();
    }
}
