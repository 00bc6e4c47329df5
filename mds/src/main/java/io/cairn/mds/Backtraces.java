package io.cairn.mds;

import com.google.protobuf.InvalidProtocolBufferException;
import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.Invariants;
import io.cairn.proto.v1.MdsBacktrace;
import io.cairn.proto.v1.MdsBacktraceLink;
import java.util.ArrayList;
import java.util.List;

/**
 * A file's backtrace, the xattr {@code parent} on its first data object: the (parent ino, name)
 * chain from the file to the root, so the file can be found from its data (Ceph's
 * inode_backtrace_t). It may lag a rename of a directory above the file: it is rewritten when
 * the file itself moves.
 */
public final class Backtraces {
    private static final int DEPTH_MAX = 1 << 20;

    private Backtraces() {}

    /** The backtrace of inode {@code ino} as the cache has it. */
    static MdsBacktrace of(Namespace ns, long ino, long poolId) {
        MdsBacktrace.Builder b = MdsBacktrace.newBuilder().setIno(ino).setPoolId(poolId);
        long at = ino;
        for (int depth = 0; depth < DEPTH_MAX && at != MdsObjects.ROOT_INO; depth++) {
            Location up = ns.primaryOf(at);
            Invariants.check(up != null, "inode %x has no primary dentry", at);
            b.addAncestors(MdsBacktraceLink.newBuilder().setParentIno(up.dirIno()).setName(up.name()));
            at = up.dirIno();
        }
        return b.build();
    }

    public static MdsBacktrace decode(byte[] xattr) {
        try {
            return MdsBacktrace.parseFrom(xattr);
        } catch (InvalidProtocolBufferException e) {
            throw new CairnException(ErrorCode.EIO, "undecodable backtrace: " + e.getMessage());
        }
    }

    /** The path a backtrace names, "/a/b/file". */
    public static String path(MdsBacktrace bt) {
        List<String> names = new ArrayList<>();
        for (int i = bt.getAncestorsCount() - 1; i >= 0; i--) {
            names.add(bt.getAncestors(i).getName());
        }
        return "/" + String.join("/", names);
    }
}
