package io.cairn.mds;

import java.util.Locale;

/**
 * The names of what a rank keeps in the pools, Ceph's where Ceph has one: a directory's object
 * {@code <ino hex>.00000000} (fragment 0: directories are not fragmented yet), the root inode's
 * own object, the rank's tables and journal, and a file's data objects {@code <ino hex>.<8 hex>}.
 */
public final class MdsObjects {
    public static final long ROOT_INO = 1;
    /** The xattr on a file's first data object that holds its backtrace. */
    public static final String BACKTRACE_XATTR = "parent";

    private MdsObjects() {}

    /** The first inode number rank {@code rank} hands out (Ceph's: each rank has its own range of 2^40). */
    public static long firstIno(int rank) {
        return (long) (rank + 1) << 40;
    }

    public static String dir(long ino) {
        return String.format(Locale.ROOT, "%x.%08x", ino, 0);
    }

    public static String rootInode() {
        return dir(ROOT_INO) + ".inode";
    }

    public static String journal(int rank) {
        return "mds" + rank + "_journal";
    }

    public static String inoTable(int rank) {
        return "mds" + rank + "_inotable";
    }

    public static String sessionMap(int rank) {
        return "mds" + rank + "_sessionmap";
    }

    public static String purgeQueue(int rank) {
        return "mds" + rank + "_purge_queue";
    }

    public static String dataObject(long ino, long objectNo) {
        return String.format(Locale.ROOT, "%x.%08x", ino, objectNo);
    }

    /** An inode number as an omap key: fixed width, so keys sort as numbers. */
    static String inoKey(long ino) {
        return String.format(Locale.ROOT, "%016x", ino);
    }

    static long inoOfKey(String key) {
        return Long.parseUnsignedLong(key, 16);
    }
}
