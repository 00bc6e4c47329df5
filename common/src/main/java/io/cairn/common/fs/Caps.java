package io.cairn.common.fs;

/**
 * File-system capabilities as Ceph numbers and writes them: {@code p} (pin), then per lock —
 * {@code A}uth (mode, owner), {@code L}ink, {@code X}attr, {@code F}ile — the generic bits
 * {@code s} shared, {@code x} exclusive, {@code c} cache, {@code r} read, {@code w} write,
 * {@code b} buffer, {@code a} write-extend, {@code l} lazy I/O. {@code pAsLsXsFscr} is a reader's
 * set. The bit values are Ceph's (a lock's generic bits shifted by the lock's shift), so a set
 * prints the same here as in a Ceph cluster's {@code session ls}.
 */
public final class Caps {
    public static final int PIN = 1;

    private static final int GEN_SHARED = 1;
    private static final int GEN_EXCL = 2;
    private static final int GEN_CACHE = 4;
    private static final int GEN_RD = 8;
    private static final int GEN_WR = 16;
    private static final int GEN_BUFFER = 32;
    private static final int GEN_WREXTEND = 64;
    private static final int GEN_LAZYIO = 128;
    private static final String GEN_LETTERS = "sxcrwbal";

    private static final int SHIFT_AUTH = 2;
    private static final int SHIFT_LINK = 4;
    private static final int SHIFT_XATTR = 6;
    private static final int SHIFT_FILE = 8;

    public static final int AUTH_SHARED = GEN_SHARED << SHIFT_AUTH;
    public static final int AUTH_EXCL = GEN_EXCL << SHIFT_AUTH;
    public static final int LINK_SHARED = GEN_SHARED << SHIFT_LINK;
    public static final int LINK_EXCL = GEN_EXCL << SHIFT_LINK;
    public static final int XATTR_SHARED = GEN_SHARED << SHIFT_XATTR;
    public static final int XATTR_EXCL = GEN_EXCL << SHIFT_XATTR;
    public static final int FILE_SHARED = GEN_SHARED << SHIFT_FILE;
    public static final int FILE_EXCL = GEN_EXCL << SHIFT_FILE;
    public static final int FILE_CACHE = GEN_CACHE << SHIFT_FILE;
    public static final int FILE_RD = GEN_RD << SHIFT_FILE;
    public static final int FILE_WR = GEN_WR << SHIFT_FILE;
    public static final int FILE_BUFFER = GEN_BUFFER << SHIFT_FILE;
    public static final int FILE_WREXTEND = GEN_WREXTEND << SHIFT_FILE;
    public static final int FILE_LAZYIO = GEN_LAZYIO << SHIFT_FILE;

    /** Every bit of the file lock. */
    public static final int FILE_ANY = 0xff << SHIFT_FILE;

    /** What an open for reading asks for: Ceph's {@code pFscr}. */
    public static final int WANT_READ = PIN | FILE_SHARED | FILE_RD | FILE_CACHE;
    /** What an open for writing asks for: {@code pAsAxXsXxFxwb}. */
    public static final int WANT_WRITE = PIN | FILE_EXCL | FILE_WR | FILE_BUFFER | AUTH_SHARED | AUTH_EXCL
            | XATTR_SHARED | XATTR_EXCL;

    private Caps() {}

    /** Ceph's text for a set: {@code p} first, then each lock's letter and its bits, {@code -} for none. */
    public static String toString(int caps) {
        StringBuilder sb = new StringBuilder();
        if ((caps & PIN) != 0) {
            sb.append('p');
        }
        lock(sb, 'A', caps >>> SHIFT_AUTH & 0x3);
        lock(sb, 'L', caps >>> SHIFT_LINK & 0x3);
        lock(sb, 'X', caps >>> SHIFT_XATTR & 0x3);
        lock(sb, 'F', caps >>> SHIFT_FILE & 0xff);
        return sb.isEmpty() ? "-" : sb.toString();
    }

    private static void lock(StringBuilder sb, char name, int gen) {
        if (gen == 0) {
            return;
        }
        sb.append(name);
        for (int i = 0; i < GEN_LETTERS.length(); i++) {
            if ((gen & (1 << i)) != 0) {
                sb.append(GEN_LETTERS.charAt(i));
            }
        }
    }

    /** The set a text names; IllegalArgumentException for a text Ceph would not write. */
    public static int parse(String text) {
        if (text.equals("-")) {
            return 0;
        }
        int caps = 0;
        int shift = -1;
        int bound = SHIFT_FILE + 8;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case 'p' -> caps |= PIN;
                case 'A' -> {
                    shift = SHIFT_AUTH;
                    bound = SHIFT_LINK;
                }
                case 'L' -> {
                    shift = SHIFT_LINK;
                    bound = SHIFT_XATTR;
                }
                case 'X' -> {
                    shift = SHIFT_XATTR;
                    bound = SHIFT_FILE;
                }
                case 'F' -> {
                    shift = SHIFT_FILE;
                    bound = SHIFT_FILE + 8;
                }
                default -> {
                    int gen = GEN_LETTERS.indexOf(c);
                    if (gen < 0 || shift < 0 || shift + gen >= bound) {
                        throw new IllegalArgumentException("not a caps text: " + text);
                    }
                    caps |= 1 << (shift + gen);
                }
            }
        }
        return caps;
    }

    /** True when every bit of {@code sub} is in {@code caps}. */
    public static boolean has(int caps, int sub) {
        return (caps & sub) == sub;
    }
}
