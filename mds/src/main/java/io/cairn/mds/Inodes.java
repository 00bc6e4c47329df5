package io.cairn.mds;

import io.cairn.proto.v1.DentryData;
import io.cairn.proto.v1.FileLayoutData;
import io.cairn.proto.v1.InodeData;
import java.nio.charset.StandardCharsets;

/** File types and new inodes. */
final class Inodes {
    static final int S_IFMT = 0170000;
    static final int S_IFDIR = 0040000;
    static final int S_IFREG = 0100000;
    static final int S_IFLNK = 0120000;
    static final int PERMISSION_BITS = 07777;
    /** Ceph's default file layout: 4 MiB objects, one stripe. */
    static final int OBJECT_SIZE_BYTES = 4 << 20;

    private Inodes() {}

    static boolean isDir(InodeData i) {
        return (i.getMode() & S_IFMT) == S_IFDIR;
    }

    static boolean isFile(InodeData i) {
        return (i.getMode() & S_IFMT) == S_IFREG;
    }

    static boolean isSymlink(InodeData i) {
        return (i.getMode() & S_IFMT) == S_IFLNK;
    }

    static long inoOf(DentryData d) {
        return d.hasPrimary() ? d.getPrimary().getIno() : d.getRemoteIno();
    }

    static DentryData primary(InodeData i) {
        return DentryData.newBuilder().setPrimary(i).build();
    }

    static DentryData remote(long ino) {
        return DentryData.newBuilder().setRemoteIno(ino).build();
    }

    static FileLayoutData defaultLayout(long dataPoolId) {
        return FileLayoutData.newBuilder().setStripeUnit(OBJECT_SIZE_BYTES).setStripeCount(1)
                .setObjectSize(OBJECT_SIZE_BYTES).setPoolId(dataPoolId).build();
    }

    private static InodeData.Builder base(long ino, int type, int mode, int uid, int gid, long nowMs) {
        return InodeData.newBuilder().setIno(ino).setMode(type | (mode & PERMISSION_BITS)).setUid(uid).setGid(gid)
                .setAtimeMs(nowMs).setMtimeMs(nowMs).setCtimeMs(nowMs).setNlink(1).setVersion(1);
    }

    static InodeData newDir(long ino, int mode, int uid, int gid, long nowMs) {
        return base(ino, S_IFDIR, mode, uid, gid, nowMs).build();
    }

    static InodeData newFile(long ino, int mode, int uid, int gid, long nowMs, FileLayoutData layout) {
        return base(ino, S_IFREG, mode, uid, gid, nowMs).setLayout(layout).build();
    }

    static InodeData newSymlink(long ino, String target, int uid, int gid, long nowMs) {
        return base(ino, S_IFLNK, 0777, uid, gid, nowMs).setSymlinkTarget(target)
                .setSize(target.getBytes(StandardCharsets.UTF_8).length).build();
    }
}
