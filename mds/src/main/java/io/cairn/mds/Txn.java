package io.cairn.mds;

import io.cairn.common.Invariants;
import io.cairn.proto.v1.DentryData;
import io.cairn.proto.v1.InodeData;
import io.cairn.proto.v1.MdsDentryChange;
import io.cairn.proto.v1.MdsMetaBlob;
import io.cairn.proto.v1.MdsPurgeItem;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * One mutation being worked out: changes staged over the namespace without touching it, read
 * back through the stage (so several changes to one inode compose), and then turned into the
 * event's blob. Nothing changes in the cache until the event is journaled and applied.
 */
final class Txn implements DentryView {
    private final Namespace ns;
    private final long nowMs;
    /** Each dentry changed, with its final value (null: removed). */
    private final LinkedHashMap<Location, DentryData> dentries = new LinkedHashMap<>();
    /** Inodes whose primary dentry moved in this transaction (null: it has none now). */
    private final Map<Long, Location> moved = new HashMap<>();
    private InodeData root;
    private final Set<Long> createdDirs = new LinkedHashSet<>();
    private final Set<Long> removedDirs = new LinkedHashSet<>();
    private final Set<Long> allocated = new LinkedHashSet<>();
    private final Map<Long, MdsPurgeItem> purges = new LinkedHashMap<>();
    private final Set<Long> backtraces = new LinkedHashSet<>();

    Txn(Namespace ns, long nowMs) {
        this.ns = ns;
        this.nowMs = nowMs;
    }

    long nowMs() {
        return nowMs;
    }

    @Override
    public DentryData dentry(long dirIno, String name) {
        Location at = new Location(dirIno, name);
        return dentries.containsKey(at) ? dentries.get(at) : ns.dentry(dirIno, name);
    }

    @Override
    public Location primaryOf(long ino) {
        return moved.containsKey(ino) ? moved.get(ino) : ns.primaryOf(ino);
    }

    @Override
    public InodeData rootInode() {
        return root != null ? root : ns.root();
    }

    long allocIno() {
        long ino = ns.nextIno() + allocated.size();
        allocated.add(ino);
        return ino;
    }

    /** Puts the inode in a dentry of its own (made, or moved there). */
    void setPrimary(long dirIno, String name, InodeData inode) {
        Location at = new Location(dirIno, name);
        dentries.put(at, Inodes.primary(inode));
        moved.put(inode.getIno(), at);
    }

    void setRemote(long dirIno, String name, long ino) {
        dentries.put(new Location(dirIno, name), Inodes.remote(ino));
    }

    void remove(long dirIno, String name) {
        Location at = new Location(dirIno, name);
        DentryData old = dentry(dirIno, name);
        Invariants.check(old != null, "removing %s, which does not exist", at);
        if (old.hasPrimary() && at.equals(primaryOf(old.getPrimary().getIno()))) {
            moved.put(old.getPrimary().getIno(), null);
        }
        dentries.put(at, null);
    }

    /** Changes an inode where it lives (its primary dentry, or the root); its version grows. */
    InodeData update(long ino, UnaryOperator<InodeData.Builder> change) {
        InodeData cur = inode(ino);
        Invariants.check(cur != null, "updating inode %x, which does not exist", ino);
        InodeData next = change.apply(cur.toBuilder()).setVersion(cur.getVersion() + 1).build();
        Invariants.check(next.getIno() == ino, "an update may not change the inode number (%x)", ino);
        if (ino == MdsObjects.ROOT_INO) {
            root = next;
        } else {
            Location at = primaryOf(ino);
            dentries.put(at, Inodes.primary(next));
        }
        return next;
    }

    /** A directory gained or lost entries (or had one replaced): its count and times follow. */
    void dirChanged(long dirIno, int deltaEntries) {
        update(dirIno, b -> {
            long entries = b.getEntries() + deltaEntries;
            Invariants.check(entries >= 0, "directory %x would hold %d entries", dirIno, entries);
            return b.setEntries(entries).setMtimeMs(nowMs).setCtimeMs(nowMs);
        });
    }

    void createdDir(long ino) {
        createdDirs.add(ino);
    }

    void removedDir(long ino) {
        removedDirs.add(ino);
        createdDirs.remove(ino);
    }

    void purge(InodeData inode) {
        purges.put(inode.getIno(), MdsPurgeItem.newBuilder().setIno(inode.getIno()).setSize(inode.getSize())
                .setLayout(inode.getLayout()).build());
        backtraces.remove(inode.getIno());
    }

    void backtrace(long ino) {
        if (!purges.containsKey(ino)) {
            backtraces.add(ino);
        }
    }

    boolean isEmpty() {
        return dentries.isEmpty() && root == null && createdDirs.isEmpty() && removedDirs.isEmpty()
                && allocated.isEmpty() && purges.isEmpty();
    }

    MdsMetaBlob build() {
        MdsMetaBlob.Builder b = MdsMetaBlob.newBuilder();
        dentries.forEach((at, d) -> {
            MdsDentryChange.Builder c = MdsDentryChange.newBuilder().setDirIno(at.dirIno()).setName(at.name());
            if (d != null) {
                c.setDentry(d);
            }
            b.addDentries(c);
        });
        if (root != null) {
            b.setRoot(root);
        }
        b.addAllCreatedDirs(createdDirs).addAllRemovedDirs(removedDirs).addAllAllocatedInos(allocated)
                .addAllPurges(purges.values()).addAllBacktraces(backtraces);
        return b.build();
    }
}
