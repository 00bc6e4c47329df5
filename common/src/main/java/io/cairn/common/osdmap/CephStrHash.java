package io.cairn.common.osdmap;

import java.nio.charset.StandardCharsets;

/**
 * Ceph's object-name hash ({@code ceph_str_hash_rjenkins}): Bob Jenkins' lookup2 over the
 * name's bytes, 12 at a time, little-endian words, seeded with the golden ratio. Unsigned 32-bit
 * arithmetic in Java ints.
 */
public final class CephStrHash {
    private CephStrHash() {}

    public static int hash(String name) {
        return hash(name.getBytes(StandardCharsets.UTF_8));
    }

    public static int hash(byte[] k) {
        Mix m = new Mix(0x9e3779b9, 0x9e3779b9, 0);
        int off = 0;
        int len = k.length;
        while (len >= 12) {
            m.a += word(k, off);
            m.b += word(k, off + 4);
            m.c += word(k, off + 8);
            m.mix();
            off += 12;
            len -= 12;
        }
        m.c += k.length;
        // the tail: c's low byte is the length, so its bytes start at bit 8
        for (int i = len - 1; i >= 0; i--) {
            int v = k[off + i] & 0xff;
            if (i >= 8) {
                m.c += v << (8 * (i - 7));
            } else if (i >= 4) {
                m.b += v << (8 * (i - 4));
            } else {
                m.a += v << (8 * i);
            }
        }
        m.mix();
        return m.c;
    }

    private static int word(byte[] k, int off) {
        return (k[off] & 0xff) | (k[off + 1] & 0xff) << 8 | (k[off + 2] & 0xff) << 16 | (k[off + 3] & 0xff) << 24;
    }

    /** The three-word state of the hash and its mixing step. */
    private static final class Mix {
        int a;
        int b;
        int c;

        Mix(int a, int b, int c) {
            this.a = a;
            this.b = b;
            this.c = c;
        }

        void mix() {
            a -= b; a -= c; a ^= c >>> 13;
            b -= c; b -= a; b ^= a << 8;
            c -= a; c -= b; c ^= b >>> 13;
            a -= b; a -= c; a ^= c >>> 12;
            b -= c; b -= a; b ^= a << 16;
            c -= a; c -= b; c ^= b >>> 5;
            a -= b; a -= c; a ^= c >>> 3;
            b -= c; b -= a; b ^= a << 10;
            c -= a; c -= b; c ^= b >>> 15;
        }
    }
}
