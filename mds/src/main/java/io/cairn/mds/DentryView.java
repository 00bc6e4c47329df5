package io.cairn.mds;

import io.cairn.common.Invariants;
import io.cairn.proto.v1.DentryData;
import io.cairn.proto.v1.InodeData;

/**
 * The lookups the cache and a staged mutation answer alike: an inode is found through its primary
 * dentry (the root has none), a remote dentry through the inode it names.
 */
interface DentryView {
    /** The root inode as this view has it. */
    InodeData rootInode();

    /** The primary dentry of an inode (null for the root and for unknown inodes). */
    Location primaryOf(long ino);

    /** The dentry, or null when the directory has no such name. */
    DentryData dentry(long dirIno, String name);

    /** The inode, or null when there is none of that number. */
    default InodeData inode(long ino) {
        if (ino == MdsObjects.ROOT_INO) {
            return rootInode();
        }
        Location at = primaryOf(ino);
        if (at == null) {
            return null;
        }
        DentryData d = dentry(at.dirIno(), at.name());
        Invariants.check(d != null && d.hasPrimary() && d.getPrimary().getIno() == ino,
                "inode %x indexed at %s, which holds %s", ino, at, d);
        return d.getPrimary();
    }

    /** The inode a dentry names: its own, or the one a remote dentry points to. */
    default InodeData resolve(DentryData d) {
        if (d.hasPrimary()) {
            return d.getPrimary();
        }
        InodeData i = inode(d.getRemoteIno());
        Invariants.check(i != null, "remote dentry to inode %x, which does not exist", d.getRemoteIno());
        return i;
    }
}
