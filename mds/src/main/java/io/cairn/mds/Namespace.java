package io.cairn.mds;

import io.cairn.common.Invariants;
import io.cairn.proto.v1.DentryData;
import io.cairn.proto.v1.InodeData;
import io.cairn.proto.v1.MdsDentryChange;
import io.cairn.proto.v1.MdsMetaBlob;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;

/**
 * The rank's cache of the namespace: the root inode, every directory's dentries (inodes live in
 * their primary dentry), where each inode's primary dentry is, and the next free inode number.
 * It changes only by {@link #apply}ing a journal event's blob, live or in replay, so replay
 * rebuilds exactly what the live rank had. It also remembers what changed since the last
 * writeback. Not thread-safe: the rank's thread owns it.
 */
final class Namespace implements DentryView {
    private InodeData root;
    private final Map<Long, DirFrag> dirs = new HashMap<>();
    /** Every inode but the root: its primary dentry (how getattr by ino and remote dentries resolve). */
    private final Map<Long, Location> primaryOf = new HashMap<>();
    private final Set<Long> dirtyDirs = new HashSet<>();
    private long nextIno;
    private boolean rootDirty;
    private boolean inoTableDirty;

    Namespace(InodeData root, long nextIno) {
        Invariants.check(root.getIno() == MdsObjects.ROOT_INO && Inodes.isDir(root), "root inode %s", root);
        this.root = root;
        this.nextIno = nextIno;
    }

    // ---- reading ----

    InodeData root() {
        return root;
    }

    @Override
    public InodeData rootInode() {
        return root;
    }

    @Override
    public Location primaryOf(long ino) {
        return primaryOf.get(ino);
    }

    DirFrag dir(long ino) {
        return dirs.get(ino);
    }

    /** The dentry, or null when the directory has no such name (or is not in the cache). */
    @Override
    public DentryData dentry(long dirIno, String name) {
        DirFrag d = dirs.get(dirIno);
        return d == null ? null : d.entries.get(name);
    }

    long nextIno() {
        return nextIno;
    }

    int inodeCount() {
        return primaryOf.size() + 1;
    }

    int dirCount() {
        return dirs.size();
    }

    int dirtyDirCount() {
        return dirtyDirs.size();
    }

    Collection<DirFrag> dirs() {
        return dirs.values();
    }

    // ---- loading ----

    boolean hasDir(long ino) {
        return dirs.containsKey(ino);
    }

    /** A directory as read from its object (or empty when it has none yet). */
    void installDir(long ino, SortedMap<String, DentryData> entries) {
        Invariants.check(!dirs.containsKey(ino), "directory %x loaded twice", ino);
        DirFrag d = new DirFrag(ino);
        d.entries.putAll(entries);
        dirs.put(ino, d);
    }

    /**
     * Rebuilds the primary-dentry index from the directories in the cache: after loading and
     * replay, where a directory read from its object may have held, for a while, a dentry that a
     * replayed event then moved.
     */
    void rebuildIndex() {
        primaryOf.clear();
        for (DirFrag d : dirs.values()) {
            for (Map.Entry<String, DentryData> e : d.entries.entrySet()) {
                if (e.getValue().hasPrimary()) {
                    Location prev = primaryOf.put(e.getValue().getPrimary().getIno(), new Location(d.ino, e.getKey()));
                    Invariants.check(prev == null, "inode %x has two primary dentries: %s and %x/%s",
                            e.getValue().getPrimary().getIno(), prev, d.ino, e.getKey());
                }
            }
        }
    }

    // ---- changing ----

    /** Applies one event's changes; the same on the live path and in replay. */
    void apply(MdsMetaBlob blob) {
        for (long ino : blob.getCreatedDirsList()) {
            DirFrag d = dirs.get(ino);
            if (d == null) {
                d = new DirFrag(ino);
                dirs.put(ino, d);
            }
            d.objectMissing = true;
            dirtyDirs.add(ino);
        }
        // unindex what is replaced first, so the index ends on the new places whatever the order
        for (MdsDentryChange c : blob.getDentriesList()) {
            DentryData old = dentry(c.getDirIno(), c.getName());
            if (old != null && old.hasPrimary()) {
                primaryOf.remove(old.getPrimary().getIno(), new Location(c.getDirIno(), c.getName()));
            }
        }
        for (MdsDentryChange c : blob.getDentriesList()) {
            DirFrag d = dirs.get(c.getDirIno());
            Invariants.check(d != null, "event changes %x/%s but directory %x is not in the cache", c.getDirIno(),
                    c.getName(), c.getDirIno());
            if (c.hasDentry()) {
                d.entries.put(c.getName(), c.getDentry());
                if (c.getDentry().hasPrimary()) {
                    primaryOf.put(c.getDentry().getPrimary().getIno(), new Location(d.ino, c.getName()));
                }
            } else {
                d.entries.remove(c.getName());
            }
            d.dirtyKeys.add(c.getName());
            dirtyDirs.add(d.ino);
        }
        for (long ino : blob.getRemovedDirsList()) {
            dirs.remove(ino);
            dirtyDirs.remove(ino);
        }
        if (blob.hasRoot()) {
            root = blob.getRoot();
            rootDirty = true;
        }
        for (long ino : blob.getAllocatedInosList()) {
            nextIno = Math.max(nextIno, ino + 1);
            inoTableDirty = true;
        }
    }

    // ---- writeback ----

    /** A directory's changes to send to its object. */
    record DirWrite(long ino, Map<String, byte[]> set, Set<String> removed, boolean create) {
        Set<String> keys() {
            Set<String> all = new HashSet<>(set.keySet());
            all.addAll(removed);
            return all;
        }
    }

    /** Takes a directory's changes (null when it has none, or is gone) and marks it clean. */
    DirWrite takeDirtyDir(long ino) {
        DirFrag d = dirs.get(ino);
        if (d == null || !d.dirty()) {
            return null;
        }
        Map<String, byte[]> set = new HashMap<>();
        Set<String> removed = new HashSet<>();
        for (String k : d.dirtyKeys) {
            DentryData v = d.entries.get(k);
            if (v == null) {
                removed.add(k);
            } else {
                set.put(k, v.toByteArray());
            }
        }
        DirWrite w = new DirWrite(ino, set, removed, d.objectMissing);
        d.dirtyKeys.clear();
        d.objectMissing = false;
        dirtyDirs.remove(ino);
        return w;
    }

    /** A writeback failed: its directory is dirty again (the journal still covers it). */
    void restoreDir(DirWrite w) {
        DirFrag d = dirs.get(w.ino());
        if (d == null) {
            return; // removed since: its removal is written instead
        }
        d.dirtyKeys.addAll(w.keys());
        d.objectMissing |= w.create();
        dirtyDirs.add(w.ino());
    }

    /** The root inode if it changed since the last writeback, marking it clean. */
    InodeData takeDirtyRoot() {
        if (!rootDirty) {
            return null;
        }
        rootDirty = false;
        return root;
    }

    void restoreRoot() {
        rootDirty = true;
    }

    /** The next free inode number if it moved since the last writeback (else -1), marking it clean. */
    long takeDirtyNextIno() {
        if (!inoTableDirty) {
            return -1;
        }
        inoTableDirty = false;
        return nextIno;
    }

    void restoreInoTable() {
        inoTableDirty = true;
    }
}
