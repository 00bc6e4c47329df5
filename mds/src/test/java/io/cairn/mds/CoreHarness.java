package io.cairn.mds;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cairn.client.ClusterStats;
import io.cairn.common.ErrorCode;
import io.cairn.proto.v1.CreateOp;
import io.cairn.proto.v1.DentryData;
import io.cairn.proto.v1.GetattrOp;
import io.cairn.proto.v1.InodeData;
import io.cairn.proto.v1.LinkOp;
import io.cairn.proto.v1.LookupOp;
import io.cairn.proto.v1.MdsEvent;
import io.cairn.proto.v1.MdsReply;
import io.cairn.proto.v1.MdsRequest;
import io.cairn.proto.v1.MkdirOp;
import io.cairn.proto.v1.OpenOp;
import io.cairn.proto.v1.PathOp;
import io.cairn.proto.v1.ReaddirOp;
import io.cairn.proto.v1.ReadlinkOp;
import io.cairn.proto.v1.RenameOp;
import io.cairn.proto.v1.RmdirOp;
import io.cairn.proto.v1.SetattrOp;
import io.cairn.proto.v1.SymlinkOp;
import io.cairn.proto.v1.UnlinkOp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A rank's core without threads or I/O, for tests of the namespace rules: requests go through
 * {@link MdsCore#step}, events are committed at once, kept for replay, and the namespace's
 * invariants are checked after every request.
 */
final class CoreHarness {
    static final long ROOT = MdsObjects.ROOT_INO;
    static final ClusterStats SPACE = new ClusterStats(1000, 100, 900, 5);

    final MdsCore core;
    final List<MdsEvent> events = new ArrayList<>();
    long nowMs = 1_700_000_000_000L;
    long clientId = 42;
    long tid;
    long pos;
    /** Check the namespace's invariants after every request (off for tests of thousands of entries). */
    boolean verifyEachCall = true;

    CoreHarness() {
        this(MdsOptions.defaults());
    }

    CoreHarness(MdsOptions opts) {
        core = new MdsCore(2, emptyNamespace(), opts);
    }

    static Namespace emptyNamespace() {
        Namespace ns = new Namespace(Inodes.newDir(ROOT, 0755, 0, 0, 1), MdsObjects.firstIno(0));
        ns.installDir(ROOT, new TreeMap<>(Names.ORDER));
        return ns;
    }

    Namespace ns() {
        return core.namespace();
    }

    MdsReply call(MdsRequest.Builder req) {
        if (req.getTid() == 0) {
            req.setTid(++tid);
        }
        MdsRequest r = req.setClientId(clientId).build();
        MdsCore.Outcome o = core.step(r, nowMs, SPACE);
        if (o.event() != null) {
            events.add(o.event());
            core.commit(o.event(), pos, pos + 1);
            pos++;
        }
        if (verifyEachCall) {
            NamespaceCheck.verify(core.namespace());
        }
        nowMs += 1;
        return o.reply();
    }

    InodeData ok(MdsRequest.Builder req) {
        MdsReply r = call(req);
        assertEquals(0, r.getCode(), r.getMessage());
        return r.getInode();
    }

    void fails(ErrorCode code, MdsRequest.Builder req) {
        MdsReply r = call(req);
        assertEquals(code.code(), r.getCode(), "expected " + code + ", got " + r);
    }

    // ---- request builders ----

    static MdsRequest.Builder mkdir(long parent, String name) {
        return MdsRequest.newBuilder().setMkdir(MkdirOp.newBuilder().setParent(parent).setName(name).setMode(0755));
    }

    static MdsRequest.Builder rmdir(long parent, String name) {
        return MdsRequest.newBuilder().setRmdir(RmdirOp.newBuilder().setParent(parent).setName(name));
    }

    static MdsRequest.Builder create(long parent, String name, boolean exclusive) {
        return MdsRequest.newBuilder().setCreate(CreateOp.newBuilder().setParent(parent).setName(name).setMode(0644)
                .setUid(1000).setGid(1000).setExclusive(exclusive));
    }

    static MdsRequest.Builder create(long parent, String name) {
        return create(parent, name, true);
    }

    static MdsRequest.Builder unlink(long parent, String name) {
        return MdsRequest.newBuilder().setUnlink(UnlinkOp.newBuilder().setParent(parent).setName(name));
    }

    static MdsRequest.Builder rename(long sp, String sn, long dp, String dn) {
        return MdsRequest.newBuilder().setRename(RenameOp.newBuilder().setSrcParent(sp).setSrcName(sn).setDstParent(dp)
                .setDstName(dn));
    }

    static MdsRequest.Builder link(long ino, long parent, String name) {
        return MdsRequest.newBuilder().setLink(LinkOp.newBuilder().setIno(ino).setParent(parent).setName(name));
    }

    static MdsRequest.Builder symlink(long parent, String name, String target) {
        return MdsRequest.newBuilder().setSymlink(SymlinkOp.newBuilder().setParent(parent).setName(name).setTarget(target));
    }

    static MdsRequest.Builder lookup(long parent, String name) {
        return MdsRequest.newBuilder().setLookup(LookupOp.newBuilder().setParent(parent).setName(name));
    }

    static MdsRequest.Builder getattr(long ino) {
        return MdsRequest.newBuilder().setGetattr(GetattrOp.newBuilder().setIno(ino));
    }

    static MdsRequest.Builder readlink(long ino) {
        return MdsRequest.newBuilder().setReadlink(ReadlinkOp.newBuilder().setIno(ino));
    }

    static MdsRequest.Builder open(long ino, boolean truncate) {
        return MdsRequest.newBuilder().setOpen(OpenOp.newBuilder().setIno(ino).setTruncate(truncate));
    }

    static MdsRequest.Builder readdir(long ino, String after, int max) {
        return MdsRequest.newBuilder().setReaddir(ReaddirOp.newBuilder().setIno(ino).setAfter(after).setMax(max));
    }

    static MdsRequest.Builder path(long ino) {
        return MdsRequest.newBuilder().setPath(PathOp.newBuilder().setIno(ino));
    }

    static MdsRequest.Builder setattr(SetattrOp.Builder op) {
        return MdsRequest.newBuilder().setSetattr(op);
    }

    /** Every name in a directory, by listing it. */
    TreeSet<String> names(long dir) {
        TreeSet<String> out = new TreeSet<>();
        MdsReply r = call(readdir(dir, "", 0));
        r.getEntriesList().forEach(e -> out.add(e.getName()));
        return out;
    }

    /** The namespace as comparable text: every dentry, the root, the next inode number. */
    static Map<String, String> dump(Namespace ns) {
        Map<String, String> out = new TreeMap<>();
        out.put("root", ns.root().toString());
        out.put("next_ino", Long.toHexString(ns.nextIno()));
        for (DirFrag d : ns.dirs()) {
            for (Map.Entry<String, DentryData> e : d.entries.entrySet()) {
                out.put(Long.toHexString(d.ino) + "/" + e.getKey(), e.getValue().toString());
            }
            out.put(Long.toHexString(d.ino) + "/", "dir");
        }
        return out;
    }

    /** A fresh core with the same events committed: what a replay on an empty pool rebuilds. */
    MdsCore replayed() {
        Namespace ns = emptyNamespace();
        MdsCore fresh = new MdsCore(2, ns, MdsOptions.defaults());
        long p = 0;
        for (MdsEvent e : events) {
            fresh.commit(e, p, p + 1);
            p++;
        }
        ns.rebuildIndex();
        NamespaceCheck.verify(ns);
        return fresh;
    }
}
