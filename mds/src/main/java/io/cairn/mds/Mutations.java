package io.cairn.mds;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.Invariants;
import io.cairn.proto.v1.CreateOp;
import io.cairn.proto.v1.DentryData;
import io.cairn.proto.v1.InodeData;
import io.cairn.proto.v1.LinkOp;
import io.cairn.proto.v1.LinkRef;
import io.cairn.proto.v1.MkdirOp;
import io.cairn.proto.v1.OpenOp;
import io.cairn.proto.v1.RenameOp;
import io.cairn.proto.v1.RmdirOp;
import io.cairn.proto.v1.SetattrOp;
import io.cairn.proto.v1.SymlinkOp;
import io.cairn.proto.v1.UnlinkOp;

/**
 * The namespace operations that change something, each with POSIX's checks: worked out on a
 * {@link Txn}, returning the inode the reply carries, or throwing a {@link CairnException} with
 * the errno. Nothing here touches the cache itself.
 */
final class Mutations {
    static final int MASK_MODE = 1;
    static final int MASK_UID = 2;
    static final int MASK_GID = 4;
    static final int MASK_SIZE = 8;
    static final int MASK_ATIME = 16;
    static final int MASK_MTIME = 32;
    /** Deeper than any directory tree the cache can hold: bounds the walk up to the root. */
    private static final int DEPTH_MAX = 1 << 20;

    private final long dataPoolId;

    Mutations(long dataPoolId) {
        this.dataPoolId = dataPoolId;
    }

    static InodeData requireInode(Txn t, long ino) {
        InodeData i = t.inode(ino);
        if (i == null) {
            throw CairnException.notFound("no inode " + Long.toHexString(ino));
        }
        return i;
    }

    static InodeData requireDir(Txn t, long ino) {
        InodeData i = requireInode(t, ino);
        if (!Inodes.isDir(i)) {
            throw new CairnException(ErrorCode.ENOTDIR, "inode " + Long.toHexString(ino) + " is not a directory");
        }
        return i;
    }

    private static DentryData requireDentry(Txn t, long dirIno, String name) {
        DentryData d = t.dentry(dirIno, name);
        if (d == null) {
            throw CairnException.notFound("no '" + name + "' in directory " + Long.toHexString(dirIno));
        }
        return d;
    }

    private static void requireAbsent(Txn t, long dirIno, String name) {
        if (t.dentry(dirIno, name) != null) {
            throw CairnException.exists("'" + name + "' exists in directory " + Long.toHexString(dirIno));
        }
    }

    InodeData mkdir(Txn t, MkdirOp op) {
        Names.check(op.getName());
        requireDir(t, op.getParent());
        requireAbsent(t, op.getParent(), op.getName());
        long ino = t.allocIno();
        t.setPrimary(op.getParent(), op.getName(), Inodes.newDir(ino, op.getMode(), op.getUid(), op.getGid(), t.nowMs()));
        t.createdDir(ino);
        t.dirChanged(op.getParent(), 1);
        return t.inode(ino);
    }

    InodeData rmdir(Txn t, RmdirOp op) {
        Names.check(op.getName());
        requireDir(t, op.getParent());
        DentryData d = requireDentry(t, op.getParent(), op.getName());
        InodeData dir = t.resolve(d);
        if (!Inodes.isDir(dir)) {
            throw new CairnException(ErrorCode.ENOTDIR, "'" + op.getName() + "' is not a directory");
        }
        if (dir.getEntries() > 0) {
            throw new CairnException(ErrorCode.ENOTEMPTY, "directory '" + op.getName() + "' holds " + dir.getEntries()
                    + " entries");
        }
        dropLink(t, op.getParent(), op.getName(), d);
        t.dirChanged(op.getParent(), -1);
        return t.inode(op.getParent());
    }

    InodeData create(Txn t, CreateOp op) {
        Names.check(op.getName());
        requireDir(t, op.getParent());
        DentryData d = t.dentry(op.getParent(), op.getName());
        if (d != null) {
            if (op.getExclusive()) {
                throw CairnException.exists("'" + op.getName() + "' exists");
            }
            InodeData existing = t.resolve(d);
            if (Inodes.isDir(existing)) {
                throw new CairnException(ErrorCode.EISDIR, "'" + op.getName() + "' is a directory");
            }
            if (!Inodes.isFile(existing)) {
                throw CairnException.invalid("'" + op.getName() + "' is a symlink: the client resolves it first");
            }
            return existing;
        }
        long ino = t.allocIno();
        t.setPrimary(op.getParent(), op.getName(), Inodes.newFile(ino, op.getMode(), op.getUid(), op.getGid(), t.nowMs(),
                Inodes.defaultLayout(dataPoolId)));
        t.dirChanged(op.getParent(), 1);
        t.backtrace(ino);
        return t.inode(ino);
    }

    /** Open; with truncate the size goes to 0 (the client removes or cuts the data objects above it). */
    InodeData open(Txn t, OpenOp op) {
        InodeData i = requireInode(t, op.getIno());
        if (!op.getTruncate()) {
            return i;
        }
        if (Inodes.isDir(i)) {
            throw new CairnException(ErrorCode.EISDIR, "inode " + Long.toHexString(op.getIno()) + " is a directory");
        }
        if (!Inodes.isFile(i)) {
            throw CairnException.invalid("only a regular file can be truncated");
        }
        if (i.getSize() == 0) {
            return i;
        }
        return t.update(op.getIno(), b -> b.setSize(0).setMtimeMs(t.nowMs()).setCtimeMs(t.nowMs()));
    }

    InodeData setattr(Txn t, SetattrOp op) {
        InodeData cur = requireInode(t, op.getIno());
        int mask = op.getMask();
        if ((mask & MASK_SIZE) != 0) {
            if (Inodes.isDir(cur)) {
                throw new CairnException(ErrorCode.EISDIR, "a directory has no size to set");
            }
            if (!Inodes.isFile(cur)) {
                throw CairnException.invalid("only a regular file has a size to set");
            }
        }
        InodeData.Builder b = cur.toBuilder();
        if ((mask & MASK_MODE) != 0) {
            b.setMode((cur.getMode() & Inodes.S_IFMT) | (op.getMode() & Inodes.PERMISSION_BITS));
        }
        if ((mask & MASK_UID) != 0) {
            b.setUid(op.getUid());
        }
        if ((mask & MASK_GID) != 0) {
            b.setGid(op.getGid());
        }
        if ((mask & MASK_SIZE) != 0) {
            // a writer reports how far it wrote: a late report never shrinks what another grew
            b.setSize(op.getFromWriter() ? Math.max(cur.getSize(), op.getSize()) : op.getSize());
        }
        if ((mask & MASK_ATIME) != 0) {
            b.setAtimeMs(op.getAtimeMs());
        }
        if ((mask & MASK_MTIME) != 0) {
            b.setMtimeMs(op.getFromWriter() ? Math.max(cur.getMtimeMs(), op.getMtimeMs()) : op.getMtimeMs());
        }
        InodeData wanted = b.build();
        if (wanted.equals(cur)) {
            return cur;
        }
        return t.update(op.getIno(), x -> wanted.toBuilder().setCtimeMs(t.nowMs()));
    }

    InodeData unlink(Txn t, UnlinkOp op) {
        Names.check(op.getName());
        requireDir(t, op.getParent());
        DentryData d = requireDentry(t, op.getParent(), op.getName());
        if (Inodes.isDir(t.resolve(d))) {
            throw new CairnException(ErrorCode.EISDIR, "'" + op.getName() + "' is a directory: rmdir it");
        }
        dropLink(t, op.getParent(), op.getName(), d);
        t.dirChanged(op.getParent(), -1);
        return t.inode(op.getParent());
    }

    InodeData link(Txn t, LinkOp op) {
        Names.check(op.getName());
        InodeData target = requireInode(t, op.getIno());
        if (Inodes.isDir(target)) {
            throw new CairnException(ErrorCode.EPERM, "no hard links to directories");
        }
        requireDir(t, op.getParent());
        requireAbsent(t, op.getParent(), op.getName());
        t.setRemote(op.getParent(), op.getName(), op.getIno());
        LinkRef ref = LinkRef.newBuilder().setParentIno(op.getParent()).setName(op.getName()).build();
        t.update(op.getIno(), b -> b.addRemoteLinks(ref).setNlink(b.getNlink() + 1).setCtimeMs(t.nowMs()));
        t.dirChanged(op.getParent(), 1);
        return t.inode(op.getIno());
    }

    InodeData symlink(Txn t, SymlinkOp op) {
        Names.check(op.getName());
        Names.checkSymlinkTarget(op.getTarget());
        requireDir(t, op.getParent());
        requireAbsent(t, op.getParent(), op.getName());
        long ino = t.allocIno();
        t.setPrimary(op.getParent(), op.getName(), Inodes.newSymlink(ino, op.getTarget(), op.getUid(), op.getGid(),
                t.nowMs()));
        t.dirChanged(op.getParent(), 1);
        return t.inode(ino);
    }

    /**
     * POSIX rename: atomic, across directories, replacing an existing target of a compatible kind;
     * two names of one inode make it a no-op; a directory never moves into its own subtree.
     */
    InodeData rename(Txn t, RenameOp op) {
        Names.check(op.getSrcName());
        Names.check(op.getDstName());
        long sp = op.getSrcParent();
        long dp = op.getDstParent();
        requireDir(t, sp);
        requireDir(t, dp);
        DentryData src = requireDentry(t, sp, op.getSrcName());
        long ino = Inodes.inoOf(src);
        InodeData moving = t.resolve(src);
        DentryData dst = t.dentry(dp, op.getDstName());
        if (dst != null && Inodes.inoOf(dst) == ino) {
            return moving;
        }
        if (Inodes.isDir(moving) && (dp == ino || isAncestor(t, ino, dp))) {
            throw CairnException.invalid("cannot move a directory into itself");
        }
        if (dst != null) {
            InodeData replaced = t.resolve(dst);
            if (Inodes.isDir(moving) && !Inodes.isDir(replaced)) {
                throw new CairnException(ErrorCode.ENOTDIR, "'" + op.getDstName() + "' is not a directory");
            }
            if (!Inodes.isDir(moving) && Inodes.isDir(replaced)) {
                throw new CairnException(ErrorCode.EISDIR, "'" + op.getDstName() + "' is a directory");
            }
            if (Inodes.isDir(replaced) && replaced.getEntries() > 0) {
                throw new CairnException(ErrorCode.ENOTEMPTY, "directory '" + op.getDstName() + "' is not empty");
            }
            dropLink(t, dp, op.getDstName(), dst);
            t.dirChanged(dp, 0);
        } else {
            t.dirChanged(dp, 1);
        }
        if (src.hasPrimary()) {
            InodeData cur = t.inode(ino);
            t.remove(sp, op.getSrcName());
            t.setPrimary(dp, op.getDstName(), cur.toBuilder().setCtimeMs(t.nowMs()).setVersion(cur.getVersion() + 1)
                    .build());
            if (Inodes.isFile(cur)) {
                t.backtrace(ino);
            }
        } else {
            t.remove(sp, op.getSrcName());
            t.setRemote(dp, op.getDstName(), ino);
            LinkRef from = LinkRef.newBuilder().setParentIno(sp).setName(op.getSrcName()).build();
            LinkRef to = LinkRef.newBuilder().setParentIno(dp).setName(op.getDstName()).build();
            t.update(ino, b -> replaceLink(b, from, to).setCtimeMs(t.nowMs()));
        }
        t.dirChanged(sp, -1);
        return t.inode(ino);
    }

    /** Whether {@code ancestor} is above {@code ino} on its way to the root. */
    private static boolean isAncestor(Txn t, long ancestor, long ino) {
        long at = ino;
        for (int depth = 0; depth < DEPTH_MAX && at != MdsObjects.ROOT_INO; depth++) {
            Location up = t.primaryOf(at);
            Invariants.check(up != null, "directory %x has no primary dentry", at);
            if (up.dirIno() == ancestor) {
                return true;
            }
            at = up.dirIno();
        }
        Invariants.check(at == MdsObjects.ROOT_INO, "no way up to the root from %x within %d levels", ino, DEPTH_MAX);
        return false;
    }

    /**
     * Removes one name of an inode. A remote name just leaves the inode's link list. The primary
     * name of an inode that has other links hands the inode to one of them, which becomes its
     * primary dentry; the last name of a regular file queues its data for purging.
     */
    static void dropLink(Txn t, long dirIno, String name, DentryData d) {
        long ino = Inodes.inoOf(d);
        if (!d.hasPrimary()) {
            t.remove(dirIno, name);
            LinkRef gone = LinkRef.newBuilder().setParentIno(dirIno).setName(name).build();
            t.update(ino, b -> removeLink(b, gone).setNlink(b.getNlink() - 1).setCtimeMs(t.nowMs()));
            return;
        }
        InodeData inode = t.inode(ino);
        t.remove(dirIno, name);
        if (Inodes.isDir(inode)) {
            t.removedDir(ino);
        } else if (inode.getRemoteLinksCount() > 0) {
            LinkRef heir = inode.getRemoteLinks(0);
            InodeData.Builder b = inode.toBuilder().removeRemoteLinks(0).setNlink(inode.getNlink() - 1)
                    .setCtimeMs(t.nowMs()).setVersion(inode.getVersion() + 1);
            t.setPrimary(heir.getParentIno(), heir.getName(), b.build());
            if (Inodes.isFile(inode)) {
                t.backtrace(ino);
            }
        } else if (Inodes.isFile(inode)) {
            t.purge(inode);
        }
    }

    private static InodeData.Builder removeLink(InodeData.Builder b, LinkRef gone) {
        for (int i = 0; i < b.getRemoteLinksCount(); i++) {
            if (b.getRemoteLinks(i).equals(gone)) {
                return b.removeRemoteLinks(i);
            }
        }
        throw new IllegalStateException("invariant violated: inode " + Long.toHexString(b.getIno())
                + " has no link " + gone);
    }

    private static InodeData.Builder replaceLink(InodeData.Builder b, LinkRef from, LinkRef to) {
        for (int i = 0; i < b.getRemoteLinksCount(); i++) {
            if (b.getRemoteLinks(i).equals(from)) {
                return b.setRemoteLinks(i, to);
            }
        }
        throw new IllegalStateException("invariant violated: inode " + Long.toHexString(b.getIno())
                + " has no link " + from);
    }
}
