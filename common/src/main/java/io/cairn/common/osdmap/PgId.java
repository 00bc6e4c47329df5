package io.cairn.common.osdmap;

import java.util.Locale;

/** A placement group: its pool and its seed, written as Ceph writes it ({@code 1.6a}: seed in hex). */
public record PgId(long pool, int seed) implements Comparable<PgId> {
    public PgId {
        if (pool < 0 || seed < 0) {
            throw new IllegalArgumentException("bad pg id " + pool + "." + seed);
        }
    }

    public static PgId parse(String text) {
        int dot = text.indexOf('.');
        if (dot <= 0 || dot == text.length() - 1) {
            throw new IllegalArgumentException("bad pg id '" + text + "' (expected POOL.SEED, e.g. 1.6a)");
        }
        try {
            return new PgId(Long.parseLong(text.substring(0, dot)), Integer.parseInt(text.substring(dot + 1), 16));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad pg id '" + text + "' (expected POOL.SEED, e.g. 1.6a)");
        }
    }

    @Override
    public String toString() {
        return pool + "." + Integer.toHexString(seed).toLowerCase(Locale.ROOT);
    }

    @Override
    public int compareTo(PgId o) {
        int c = Long.compare(pool, o.pool);
        return c != 0 ? c : Integer.compare(seed, o.seed);
    }
}
