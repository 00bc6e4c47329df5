package io.cairn.mds;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.Invariants;
import io.cairn.proto.v1.DentryData;
import io.cairn.proto.v1.DirEntry;
import io.cairn.proto.v1.InodeData;
import io.cairn.proto.v1.MdsReply;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.SortedMap;

/** The namespace operations that only look: answered from the cache, with POSIX's errors. */
final class Reads {
    /** Entries a readdir returns when the request asks for any number (max 0), and at most. */
    static final int READDIR_DEFAULT = 1024;
    static final int READDIR_MAX = 4096;
    private static final int DEPTH_MAX = 1 << 20;

    private final Namespace ns;

    Reads(Namespace ns) {
        this.ns = ns;
    }

    InodeData getattr(long ino) {
        InodeData i = ns.inode(ino);
        if (i == null) {
            throw CairnException.notFound("no inode " + Long.toHexString(ino));
        }
        return i;
    }

    private InodeData dir(long ino) {
        InodeData i = getattr(ino);
        if (!Inodes.isDir(i)) {
            throw new CairnException(ErrorCode.ENOTDIR, "inode " + Long.toHexString(ino) + " is not a directory");
        }
        return i;
    }

    /** The inode under {@code name}; "." is the directory itself and ".." its parent (the root's is the root). */
    InodeData lookup(long parent, String name) {
        InodeData p = dir(parent);
        if (name.equals(".")) {
            return p;
        }
        if (name.equals("..")) {
            Location up = ns.primaryOf(parent);
            return up == null ? p : getattr(up.dirIno());
        }
        Names.check(name);
        DentryData d = ns.dentry(parent, name);
        if (d == null) {
            throw CairnException.notFound("no '" + name + "' in directory " + Long.toHexString(parent));
        }
        return ns.resolve(d);
    }

    InodeData readlink(long ino) {
        InodeData i = getattr(ino);
        if (!Inodes.isSymlink(i)) {
            throw CairnException.invalid("inode " + Long.toHexString(ino) + " is not a symlink");
        }
        return i;
    }

    /**
     * Entries after {@code after} in name order, at most {@code max}: a cursor is a name, so a
     * listing in pages sees every name that stays, once, whatever is created meanwhile.
     */
    MdsReply.Builder readdir(long ino, String after, int max) {
        InodeData d = dir(ino);
        DirFrag frag = ns.dir(ino);
        Invariants.check(frag != null, "directory %x is not in the cache", ino);
        int limit = max <= 0 ? READDIR_DEFAULT : Math.min(max, READDIR_MAX);
        SortedMap<String, DentryData> tail = after.isEmpty() ? frag.entries : frag.entries.tailMap(after, false);
        MdsReply.Builder r = MdsReply.newBuilder().setInode(d).setEnd(true);
        for (Map.Entry<String, DentryData> e : tail.entrySet()) {
            if (r.getEntriesCount() == limit) {
                r.setEnd(false);
                break;
            }
            r.addEntries(DirEntry.newBuilder().setName(e.getKey()).setInode(ns.resolve(e.getValue())));
        }
        return r;
    }

    /** The inode's path from the root, through its primary dentry and those above it. */
    String path(long ino) {
        getattr(ino);
        Deque<String> names = new ArrayDeque<>();
        long at = ino;
        for (int depth = 0; depth < DEPTH_MAX && at != MdsObjects.ROOT_INO; depth++) {
            Location up = ns.primaryOf(at);
            Invariants.check(up != null, "inode %x has no primary dentry", at);
            names.addFirst(up.name());
            at = up.dirIno();
        }
        Invariants.check(at == MdsObjects.ROOT_INO, "no way up to the root from %x", ino);
        return names.isEmpty() ? "/" : "/" + String.join("/", names);
    }
}
