package io.cairn.client.fs;

import io.cairn.proto.v1.InodeData;

/** What {@code stat} tells about a file, directory or symlink. Times in milliseconds since the epoch. */
public record FileStat(long ino, int mode, int uid, int gid, long sizeBytes, long atimeMs, long mtimeMs, long ctimeMs,
                       int nlink, long entries) {
    public static final int S_IFMT = 0170000;
    public static final int S_IFDIR = 0040000;
    public static final int S_IFREG = 0100000;
    public static final int S_IFLNK = 0120000;

    static FileStat of(InodeData i) {
        return new FileStat(i.getIno(), i.getMode(), i.getUid(), i.getGid(), i.getSize(), i.getAtimeMs(), i.getMtimeMs(),
                i.getCtimeMs(), i.getNlink(), i.getEntries());
    }

    public boolean isDirectory() {
        return (mode & S_IFMT) == S_IFDIR;
    }

    public boolean isFile() {
        return (mode & S_IFMT) == S_IFREG;
    }

    public boolean isSymlink() {
        return (mode & S_IFMT) == S_IFLNK;
    }

    /** The permission bits, as chmod takes them. */
    public int permissions() {
        return mode & 07777;
    }
}
