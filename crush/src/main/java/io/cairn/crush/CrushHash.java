package io.cairn.crush;

/**
 * Robert Jenkins' 32-bit mixing hash as CRUSH uses it (CRUSH_HASH_RJENKINS1, id 0), over 1 to 5
 * inputs. All arithmetic is unsigned 32-bit: Java's {@code int} wraps the same way, and every
 * right shift is logical ({@code >>>}).
 */
public final class CrushHash {
    /** The only hash CRUSH defines; bucket text says {@code hash 0 # rjenkins1}. */
    public static final int RJENKINS1 = 0;

    private static final int SEED = 1315423911;
    private static final int X0 = 231232;
    private static final int Y0 = 1232;

    private CrushHash() {}

    /*
     * One mix updates three words in place, nine steps of two kinds. Java has no
     * pass-by-reference, so each function spells its mixes out over its own locals with these
     * two pure steps; the steps, not the locals, carry the algorithm.
     */
    private static int stepA(int a, int b, int c, int shift) {
        return (a - b - c) ^ (c >>> shift);
    }

    private static int stepB(int b, int c, int a, int shift) {
        return (b - c - a) ^ (a << shift);
    }

    public static int hash32(int a) {
        int h = SEED ^ a;
        int b = a;
        int x = X0;
        int y = Y0;
        // mix(b, x, h)
        b = stepA(b, x, h, 13); x = stepB(x, h, b, 8); h = stepA(h, b, x, 13);
        b = stepA(b, x, h, 12); x = stepB(x, h, b, 16); h = stepA(h, b, x, 5);
        b = stepA(b, x, h, 3); x = stepB(x, h, b, 10); h = stepA(h, b, x, 15);
        // mix(y, a, h)
        y = stepA(y, a, h, 13); a = stepB(a, h, y, 8); h = stepA(h, y, a, 13);
        y = stepA(y, a, h, 12); a = stepB(a, h, y, 16); h = stepA(h, y, a, 5);
        y = stepA(y, a, h, 3); a = stepB(a, h, y, 10); h = stepA(h, y, a, 15);
        return h;
    }

    public static int hash32(int a, int b) {
        int h = SEED ^ a ^ b;
        int x = X0;
        int y = Y0;
        // mix(a, b, h)
        a = stepA(a, b, h, 13); b = stepB(b, h, a, 8); h = stepA(h, a, b, 13);
        a = stepA(a, b, h, 12); b = stepB(b, h, a, 16); h = stepA(h, a, b, 5);
        a = stepA(a, b, h, 3); b = stepB(b, h, a, 10); h = stepA(h, a, b, 15);
        // mix(x, a, h)
        x = stepA(x, a, h, 13); a = stepB(a, h, x, 8); h = stepA(h, x, a, 13);
        x = stepA(x, a, h, 12); a = stepB(a, h, x, 16); h = stepA(h, x, a, 5);
        x = stepA(x, a, h, 3); a = stepB(a, h, x, 10); h = stepA(h, x, a, 15);
        // mix(b, y, h)
        b = stepA(b, y, h, 13); y = stepB(y, h, b, 8); h = stepA(h, b, y, 13);
        b = stepA(b, y, h, 12); y = stepB(y, h, b, 16); h = stepA(h, b, y, 5);
        b = stepA(b, y, h, 3); y = stepB(y, h, b, 10); h = stepA(h, b, y, 15);
        return h;
    }

    public static int hash32(int a, int b, int c) {
        int h = SEED ^ a ^ b ^ c;
        int x = X0;
        int y = Y0;
        // mix(a, b, h)
        a = stepA(a, b, h, 13); b = stepB(b, h, a, 8); h = stepA(h, a, b, 13);
        a = stepA(a, b, h, 12); b = stepB(b, h, a, 16); h = stepA(h, a, b, 5);
        a = stepA(a, b, h, 3); b = stepB(b, h, a, 10); h = stepA(h, a, b, 15);
        // mix(c, x, h)
        c = stepA(c, x, h, 13); x = stepB(x, h, c, 8); h = stepA(h, c, x, 13);
        c = stepA(c, x, h, 12); x = stepB(x, h, c, 16); h = stepA(h, c, x, 5);
        c = stepA(c, x, h, 3); x = stepB(x, h, c, 10); h = stepA(h, c, x, 15);
        // mix(y, a, h)
        y = stepA(y, a, h, 13); a = stepB(a, h, y, 8); h = stepA(h, y, a, 13);
        y = stepA(y, a, h, 12); a = stepB(a, h, y, 16); h = stepA(h, y, a, 5);
        y = stepA(y, a, h, 3); a = stepB(a, h, y, 10); h = stepA(h, y, a, 15);
        // mix(b, x, h)
        b = stepA(b, x, h, 13); x = stepB(x, h, b, 8); h = stepA(h, b, x, 13);
        b = stepA(b, x, h, 12); x = stepB(x, h, b, 16); h = stepA(h, b, x, 5);
        b = stepA(b, x, h, 3); x = stepB(x, h, b, 10); h = stepA(h, b, x, 15);
        // mix(y, c, h)
        y = stepA(y, c, h, 13); c = stepB(c, h, y, 8); h = stepA(h, y, c, 13);
        y = stepA(y, c, h, 12); c = stepB(c, h, y, 16); h = stepA(h, y, c, 5);
        y = stepA(y, c, h, 3); c = stepB(c, h, y, 10); h = stepA(h, y, c, 15);
        return h;
    }

    public static int hash32(int a, int b, int c, int d) {
        int h = SEED ^ a ^ b ^ c ^ d;
        int x = X0;
        int y = Y0;
        // mix(a, b, h)
        a = stepA(a, b, h, 13); b = stepB(b, h, a, 8); h = stepA(h, a, b, 13);
        a = stepA(a, b, h, 12); b = stepB(b, h, a, 16); h = stepA(h, a, b, 5);
        a = stepA(a, b, h, 3); b = stepB(b, h, a, 10); h = stepA(h, a, b, 15);
        // mix(c, d, h)
        c = stepA(c, d, h, 13); d = stepB(d, h, c, 8); h = stepA(h, c, d, 13);
        c = stepA(c, d, h, 12); d = stepB(d, h, c, 16); h = stepA(h, c, d, 5);
        c = stepA(c, d, h, 3); d = stepB(d, h, c, 10); h = stepA(h, c, d, 15);
        // mix(a, x, h)
        a = stepA(a, x, h, 13); x = stepB(x, h, a, 8); h = stepA(h, a, x, 13);
        a = stepA(a, x, h, 12); x = stepB(x, h, a, 16); h = stepA(h, a, x, 5);
        a = stepA(a, x, h, 3); x = stepB(x, h, a, 10); h = stepA(h, a, x, 15);
        // mix(y, b, h)
        y = stepA(y, b, h, 13); b = stepB(b, h, y, 8); h = stepA(h, y, b, 13);
        y = stepA(y, b, h, 12); b = stepB(b, h, y, 16); h = stepA(h, y, b, 5);
        y = stepA(y, b, h, 3); b = stepB(b, h, y, 10); h = stepA(h, y, b, 15);
        // mix(c, x, h)
        c = stepA(c, x, h, 13); x = stepB(x, h, c, 8); h = stepA(h, c, x, 13);
        c = stepA(c, x, h, 12); x = stepB(x, h, c, 16); h = stepA(h, c, x, 5);
        c = stepA(c, x, h, 3); x = stepB(x, h, c, 10); h = stepA(h, c, x, 15);
        // mix(y, d, h)
        y = stepA(y, d, h, 13); d = stepB(d, h, y, 8); h = stepA(h, y, d, 13);
        y = stepA(y, d, h, 12); d = stepB(d, h, y, 16); h = stepA(h, y, d, 5);
        y = stepA(y, d, h, 3); d = stepB(d, h, y, 10); h = stepA(h, y, d, 15);
        return h;
    }
}
