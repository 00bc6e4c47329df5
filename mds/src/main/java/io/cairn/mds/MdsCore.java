package io.cairn.mds;

import io.cairn.client.ClusterStats;
import io.cairn.common.CairnException;
import io.cairn.proto.v1.InodeData;
import io.cairn.proto.v1.MdsEvent;
import io.cairn.proto.v1.MdsMetaBlob;
import io.cairn.proto.v1.MdsPurgeItem;
import io.cairn.proto.v1.MdsReply;
import io.cairn.proto.v1.MdsRequest;
import io.cairn.proto.v1.StatfsData;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * A rank's state and rules without threads or I/O: a request in gives a reply and, for a
 * mutation, the journal event to write first; a journaled event is then committed (the same
 * call replays it after a restart); writeback, purge and backtrace work is handed out as plans
 * and its completion reported back. Single-threaded: the rank's thread owns it.
 */
final class MdsCore {
    private final long dataPoolId;
    private final Namespace ns;
    private final SessionTable sessions;
    private final PurgeQueue purges = new PurgeQueue();
    private final BacktraceQueue backtraces = new BacktraceQueue();
    private final LogSegments segments;
    private final Mutations mutations;
    private final Reads reads;

    /** What a request comes to: the reply, and the event to journal before it may be sent (or null). */
    record Outcome(MdsReply reply, MdsEvent event) { }

    MdsCore(long dataPoolId, Namespace ns, MdsOptions opts) {
        this.dataPoolId = dataPoolId;
        this.ns = ns;
        this.sessions = new SessionTable(opts.completedRequestsMax());
        this.segments = new LogSegments(opts.eventsPerSegment());
        this.mutations = new Mutations(dataPoolId);
        this.reads = new Reads(ns);
    }

    Namespace namespace() {
        return ns;
    }

    SessionTable sessions() {
        return sessions;
    }

    PurgeQueue purges() {
        return purges;
    }

    int segmentCount() {
        return segments.count();
    }

    int backtracesPending() {
        return backtraces.size();
    }

    /** Works a request out against the cache; changes nothing. */
    Outcome step(MdsRequest req, long nowMs, ClusterStats space) {
        if (req.getTid() != 0) {
            MdsReply done = sessions.completed(req.getClientId(), req.getTid());
            if (done != null) {
                return new Outcome(done, null);
            }
        }
        try {
            return switch (req.getOpCase()) {
                case LOOKUP -> read(req, reads.lookup(req.getLookup().getParent(), req.getLookup().getName()));
                case GETATTR -> read(req, reads.getattr(req.getGetattr().getIno()));
                case READLINK -> read(req, reads.readlink(req.getReadlink().getIno()));
                case READDIR -> new Outcome(reads.readdir(req.getReaddir().getIno(), req.getReaddir().getAfter(),
                        req.getReaddir().getMax()).setTid(req.getTid()).build(), null);
                case PATH -> new Outcome(MdsReply.newBuilder().setTid(req.getTid()).setInode(
                        reads.getattr(req.getPath().getIno())).setPath(reads.path(req.getPath().getIno())).build(), null);
                case STATFS -> new Outcome(MdsReply.newBuilder().setTid(req.getTid()).setStatfs(statfs(space)).build(),
                        null);
                case SETATTR -> mutate(req, nowMs, t -> mutations.setattr(t, req.getSetattr()));
                case MKDIR -> mutate(req, nowMs, t -> mutations.mkdir(t, req.getMkdir()));
                case RMDIR -> mutate(req, nowMs, t -> mutations.rmdir(t, req.getRmdir()));
                case CREATE -> mutate(req, nowMs, t -> mutations.create(t, req.getCreate()));
                case OPEN -> mutate(req, nowMs, t -> mutations.open(t, req.getOpen()));
                case UNLINK -> mutate(req, nowMs, t -> mutations.unlink(t, req.getUnlink()));
                case RENAME -> mutate(req, nowMs, t -> mutations.rename(t, req.getRename()));
                case LINK -> mutate(req, nowMs, t -> mutations.link(t, req.getLink()));
                case SYMLINK -> mutate(req, nowMs, t -> mutations.symlink(t, req.getSymlink()));
                case OP_NOT_SET -> throw CairnException.invalid("request without an operation");
                // the daemon's session hub answers these; one reaching the rank is a client's mistake
                case SESSION, CAP, LEASE_ACK -> throw CairnException.invalid("a session, cap or lease message is not a "
                        + "request");
            };
        } catch (CairnException e) {
            return new Outcome(MdsReply.newBuilder().setTid(req.getTid()).setCode(e.code().code())
                    .setMessage(e.getMessage()).build(), null);
        }
    }

    private static Outcome read(MdsRequest req, InodeData inode) {
        return new Outcome(MdsReply.newBuilder().setTid(req.getTid()).setInode(inode).build(), null);
    }

    private Outcome mutate(MdsRequest req, long nowMs, Function<Txn, InodeData> op) {
        Txn t = new Txn(ns, nowMs);
        InodeData result = op.apply(t);
        MdsReply reply = MdsReply.newBuilder().setTid(req.getTid()).setInode(result).build();
        if (t.isEmpty()) {
            return new Outcome(reply, null);
        }
        MdsEvent e = MdsEvent.newBuilder().setStampMs(nowMs).setClientId(req.getClientId()).setTid(req.getTid())
                .setOldestClientTid(req.getOldestClientTid()).setBlob(t.build()).setReply(reply).build();
        return new Outcome(reply, e);
    }

    private StatfsData statfs(ClusterStats space) {
        return StatfsData.newBuilder().setTotalBytes(space.totalBytes()).setUsedBytes(space.usedBytes())
                .setAvailBytes(space.availBytes()).setFiles(ns.inodeCount()).build();
    }

    /**
     * Applies an event that is in the journal, starting at {@code pos}; its data work may start once
     * the journal is durable to {@code endPos}. Live and in replay alike.
     */
    void commit(MdsEvent e, long pos, long endPos) {
        MdsMetaBlob blob = e.getBlob();
        ns.apply(blob);
        sessions.record(e);
        for (MdsPurgeItem p : blob.getPurgesList()) {
            purges.add(p, endPos);
            backtraces.drop(p.getIno());
        }
        for (long ino : blob.getBacktracesList()) {
            backtraces.add(ino, endPos);
        }
        segments.onEvent(pos, blob);
    }

    // ---- writeback ----

    /**
     * The next writeback round: the segments beyond {@code keepSegments} (or, with {@code everything},
     * all of them, the current one closed first); null when there is nothing to do.
     */
    WritebackPlan planWriteback(boolean everything, int keepSegments, long appendPos) {
        if (everything) {
            segments.closeCurrent();
        }
        int n = everything ? segments.closedCount() : segments.overflow(keepSegments);
        if (n == 0 && !everything) {
            return null;
        }
        Set<Long> dirInos = new LinkedHashSet<>();
        Set<Long> removed = new LinkedHashSet<>();
        for (LogSegments.Segment s : segments.oldest(n)) {
            dirInos.addAll(s.dirtyDirs);
            removed.addAll(s.removedDirs);
        }
        List<Namespace.DirWrite> dirs = new ArrayList<>();
        for (long ino : dirInos) {
            Namespace.DirWrite w = ns.takeDirtyDir(ino);
            if (w != null) {
                dirs.add(w);
            }
        }
        long expireTo = segments.startAfter(n, appendPos);
        WritebackPlan plan = new WritebackPlan(n, expireTo, dirs, removed, ns.takeDirtyRoot(), ns.takeDirtyNextIno(),
                sessions.takeDirty(), purges.takeDirty(), takeBacktraces(expireTo, Integer.MAX_VALUE));
        return plan.isEmpty() ? null : plan;
    }

    /** The round is on the pool: its segments are no longer needed. */
    void writebackDone(WritebackPlan plan) {
        segments.dropOldest(plan.segments());
        plan.backtraces().forEach(b -> backtraces.done(b.ino()));
    }

    /** The round failed: everything it took is dirty again, and its segments stay. */
    void writebackFailed(WritebackPlan plan) {
        plan.dirs().forEach(ns::restoreDir);
        if (plan.root() != null) {
            ns.restoreRoot();
        }
        if (plan.nextIno() >= 0) {
            ns.restoreInoTable();
        }
        sessions.restoreDirty(plan.sessions().keySet());
        purges.restoreDirty(plan.purges().keySet());
        plan.backtraces().forEach(b -> backtraces.failed(b.ino()));
    }

    // ---- data pool work ----

    /** Backtraces whose events are durable up to {@code pos}, at most {@code max}, marked in flight. */
    List<WritebackPlan.BacktraceWrite> takeBacktraces(long pos, int max) {
        List<WritebackPlan.BacktraceWrite> out = new ArrayList<>();
        for (long ino : backtraces.take(pos, max)) {
            InodeData i = ns.inode(ino);
            if (i == null || !Inodes.isFile(i)) {
                backtraces.done(ino); // gone since: its purge removes the object instead
                continue;
            }
            out.add(new WritebackPlan.BacktraceWrite(ino, Backtraces.of(ns, ino, dataPoolId).toByteArray()));
        }
        return out;
    }

    void backtraceDone(long ino) {
        backtraces.done(ino);
    }

    void backtraceFailed(long ino) {
        backtraces.failed(ino);
    }

    /** Purges that may start now; a file whose backtrace is being written waits for that write. */
    List<MdsPurgeItem> startPurges(long safePos, int inFlightMax) {
        return purges.start(safePos, inFlightMax, new HashSet<>(backtraces.writing()));
    }

    void purgeDone(long ino) {
        purges.done(ino);
    }

    void purgeFailed(long ino) {
        purges.failed(ino);
    }

    int backtracesWriting() {
        return backtraces.writing().size();
    }
}
