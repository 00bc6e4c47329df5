package io.cairn.mds;

import com.google.protobuf.InvalidProtocolBufferException;
import io.cairn.client.ClusterStats;
import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.time.Clock;
import io.cairn.proto.v1.MdsEvent;
import io.cairn.proto.v1.MdsHealthMetric;
import io.cairn.proto.v1.MdsPurgeItem;
import io.cairn.proto.v1.MdsReply;
import io.cairn.proto.v1.MdsRequest;
import io.cairn.proto.v1.MdsSessionChange;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One active MDS rank: it takes the rank's journal (fencing the previous holder), loads the
 * namespace and replays the journal, then answers requests. Every request runs on the rank's
 * one thread, in arrival order, against the cache; a mutation is appended to the journal and
 * applied, and every reply (reads too, which may have seen such a change) is sent only once the
 * journal is durable past it, so a client never sees what a crash could undo. {@link #tick}
 * drives writeback of old journal segments, trimming, purges and backtraces. Nothing here
 * blocks the caller's thread except {@link #open} and {@link #close}.
 */
public final class MdsRank implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MdsRank.class);
    /** Requests accepted but not yet started; beyond it a request is refused with EBUSY. */
    static final int REQUESTS_QUEUED_MAX = 4096;
    static final int BACKTRACES_IN_FLIGHT_MAX = 256;
    /**
     * A backtrace is written once its event has been safe this long (writeback of its segment
     * writes it sooner): most files a burst of creates makes and unlinks again never need one, and
     * the writes stay out of the way of the burst. Ceph defers them to segment expiry altogether.
     */
    static final long BACKTRACE_DELAY_MS = 5_000;
    static final long SPACE_REFRESH_MS = 5_000;
    static final long CLOSE_WAIT_MS = 30_000;
    /** Tasks on the rank's thread: requests (bounded above) plus a few per tick and completion. */
    private static final int TASKS_QUEUED_MAX = REQUESTS_QUEUED_MAX * 4;

    private final int rank;
    private final MdsOptions opts;
    private final Clock clock;
    private final MdsBackend backend;
    private final MdsLog log;
    private final MdsCore core;
    private final Purger purger;
    private final WritebackIo writeback;
    private final MdsMetrics metrics;
    private final RequestTracker tracker = new RequestTracker();
    private final ThreadPoolExecutor exec;
    private final ExecutorService spaceExec;
    private final Semaphore queued = new Semaphore(REQUESTS_QUEUED_MAX);
    private final CompletableFuture<Throwable> failure = new CompletableFuture<>();
    private volatile boolean closed;
    private volatile ClusterStats space;
    private volatile MdsMetrics.Counters counters = MdsMetrics.Counters.ZERO;
    // the rank's thread only
    private CompletableFuture<Void> writebackRound;
    /** (monotonic ms, journal safe position) at each tick of the last {@link #BACKTRACE_DELAY_MS}; rank thread. */
    private final ArrayDeque<long[]> safeMarks = new ArrayDeque<>();
    private static final int SAFE_MARKS_MAX = 1024;
    /** Backtraces of events that ended at or before this position are due; rank thread. */
    private long backtracePos;
    /** Backtrace writes started by ticks, not yet known to have ended. */
    private final List<CompletableFuture<Void>> backtraceWrites = new ArrayList<>();
    private boolean spaceRefreshing;
    private long spaceRefreshedMs;

    private MdsRank(int rank, MdsOptions opts, Clock clock, MdsBackend backend, MdsLog log, MdsCore core,
            MeterRegistry registry, ClusterStats space) {
        this.rank = rank;
        this.opts = opts;
        this.clock = clock;
        this.backend = backend;
        this.log = log;
        this.core = core;
        this.space = space;
        this.purger = new Purger(backend.data());
        this.writeback = new WritebackIo(backend.metadata(), backend.data(), rank);
        this.exec = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(TASKS_QUEUED_MAX),
                r -> daemon(r, "mds-rank" + rank));
        this.spaceExec = Executors.newSingleThreadExecutor(r -> daemon(r, "mds-rank" + rank + "-statfs"));
        this.spaceRefreshedMs = clock.monotonicMs();
        refreshCounters();
        this.metrics = new MdsMetrics(registry, rank, () -> counters,
                () -> tracker.slow(clock.monotonicMs(), opts.opComplaintTimeMs()));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * Takes rank {@code rank} of the file system whose pools {@code backend} reaches: the journal
     * {@code mds<rank>_journal} is opened as its only writer (an older holder is fenced before
     * anything is read), the file system is created if the metadata pool is empty, the tables
     * and the namespace are loaded, every journal entry from the expire position is replayed,
     * and the namespace is checked. Blocking, for a thread of the daemon's (up:replay); returns
     * a rank ready to serve (up:active). Fails with EIO (message starting MDS_DAMAGE) when the
     * journal or the namespace does not hold together. Its meters stay in {@code registry}
     * until {@link #close}: close one rank before opening the next over the same registry.
     */
    public static MdsRank open(MdsBackend backend, int rank, MdsOptions opts, Clock clock, MeterRegistry registry) {
        MdsLog log = backend.openLog(MdsObjects.journal(rank));
        try {
            RankLoader loader = new RankLoader(backend.metadata(), rank);
            Namespace ns = loader.loadOrCreate(clock.wallMs());
            MdsCore core = new MdsCore(backend.data().poolId(), ns, opts);
            loader.loadSessions(core.sessions());
            loader.loadPurges(core.purges());
            int[] replayed = {0};
            log.replay((pos, payload) -> {
                MdsEvent e = decode(pos, payload);
                loader.ensureDirs(ns, e.getBlob());
                core.commit(e, pos, pos + 1);
                replayed[0]++;
            });
            loader.loadReachable(ns);
            ns.rebuildIndex();
            NamespaceCheck.verify(ns);
            LOG.info("mds rank {}: replayed {} journal events; {} inodes in {} directories, {} segments", rank,
                    replayed[0], ns.inodeCount(), ns.dirCount(), core.segmentCount());
            return new MdsRank(rank, opts, clock, backend, log, core, registry, firstSpace(backend));
        } catch (IllegalStateException broken) {
            // what the pool and the journal hold does not make a namespace: refuse to serve it
            closeQuietly(log, broken);
            throw new CairnException(ErrorCode.EIO, "MDS_DAMAGE: rank " + rank + ": " + broken.getMessage());
        } catch (RuntimeException e) {
            closeQuietly(log, e);
            throw e;
        }
    }

    private static void closeQuietly(MdsLog log, RuntimeException failure) {
        try {
            log.close();
        } catch (RuntimeException closing) {
            failure.addSuppressed(closing);
        }
    }

    private static MdsEvent decode(long pos, byte[] payload) {
        try {
            return MdsEvent.parseFrom(payload);
        } catch (InvalidProtocolBufferException e) {
            throw new CairnException(ErrorCode.EIO, "MDS_DAMAGE: journal entry at " + pos + " is not an event: "
                    + e.getMessage());
        }
    }

    private static ClusterStats firstSpace(MdsBackend backend) {
        try {
            return backend.clusterStats();
        } catch (RuntimeException e) {
            LOG.warn("cluster space unknown until the next refresh: {}", e.getMessage());
            return new ClusterStats(0, 0, 0, 0);
        }
    }

    public int rank() {
        return rank;
    }

    /**
     * Answers a request; never blocks. The reply completes once the journal is durable past
     * whatever the request saw or did ({@code safe} set), or with EAGAIN once this rank no longer
     * serves (fenced, failed or closing: the client asks the FsMap for the rank's new holder), or
     * EBUSY while too many requests wait. Completions run on journal I/O threads: callbacks must
     * not block.
     */
    public CompletableFuture<MdsReply> handle(MdsRequest req) {
        return handle(req, early -> { });
    }

    /**
     * As {@link #handle(MdsRequest)}, and a change is also answered early: {@code early} hears the
     * reply (not {@code safe}) on the rank's thread as soon as the event is applied and appended,
     * before the journal flush the returned future waits for. A client may go on from there, but
     * must keep the request to resend until the safe reply: a crash before the flush loses it.
     */
    public CompletableFuture<MdsReply> handle(MdsRequest req, Consumer<MdsReply> early) {
        long startNanos = System.nanoTime();
        CompletableFuture<MdsReply> out = new CompletableFuture<>();
        if (closed || failure.isDone()) {
            out.complete(notActive(req));
        } else if (!queued.tryAcquire()) {
            out.complete(error(req, ErrorCode.EBUSY, "mds rank " + rank + ": " + REQUESTS_QUEUED_MAX
                    + " requests waiting; try again"));
        } else {
            long id = tracker.start(clock.monotonicMs());
            out.whenComplete((r, t) -> tracker.end(id));
            try {
                exec.execute(() -> {
                    queued.release();
                    process(req, out, early);
                });
            } catch (RejectedExecutionException e) {
                queued.release();
                out.complete(notActive(req));
            }
        }
        return out.whenComplete((r, t) -> metrics.replied(req.getOpCase(), System.nanoTime() - startNanos,
                r == null ? ErrorCode.EIO.code() : r.getCode()));
    }

    private void process(MdsRequest req, CompletableFuture<MdsReply> out, Consumer<MdsReply> early) {
        if (failure.isDone()) {
            out.complete(notActive(req));
            return;
        }
        MdsCore.Outcome o;
        try {
            o = core.step(req, clock.wallMs(), space);
            if (o.event() != null) {
                long pos = log.append(o.event().toByteArray());
                core.commit(o.event(), pos, log.appendPos());
                metrics.journaled();
            }
        } catch (RuntimeException e) {
            // fenced by a newer holder, a journal that failed, or a broken invariant: stop serving
            fail(e);
            out.complete(notActive(req));
            return;
        }
        refreshCounters();
        if (o.event() != null && o.reply().getCode() == 0) {
            early.accept(o.reply().toBuilder().setSafe(false).build());
        }
        MdsReply reply = o.reply().toBuilder().setSafe(true).build();
        log.flush().whenComplete((v, t) -> {
            if (t != null) {
                fail(t);
                out.complete(notActive(req));
            } else {
                out.complete(reply);
            }
        });
    }

    /**
     * Journals that a client's session opened (from {@code addr}) or ended; completes once the
     * event is flushed, so the rank's next holder knows whom to wait for in up:reconnect.
     */
    public CompletableFuture<Void> journalSession(long clientId, String addr, boolean open) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            exec.execute(() -> {
                if (closed || failure.isDone()) {
                    done.completeExceptionally(new CairnException(ErrorCode.EAGAIN, "mds rank " + rank + " is not serving"));
                    return;
                }
                MdsEvent e = MdsEvent.newBuilder().setStampMs(clock.wallMs()).setClientId(clientId)
                        .setSession(MdsSessionChange.newBuilder().setOpen(open).setAddr(addr)).build();
                try {
                    long pos = log.append(e.toByteArray());
                    core.commit(e, pos, log.appendPos());
                } catch (RuntimeException ex) {
                    fail(ex);
                    done.completeExceptionally(ex);
                    return;
                }
                log.flush().whenComplete((v, t) -> complete(done, t));
            });
        } catch (RejectedExecutionException e) {
            done.completeExceptionally(new CairnException(ErrorCode.EAGAIN, "mds rank " + rank + " is closing"));
        }
        return done;
    }

    /** The clients whose sessions the journal and session map say are open, with their addresses. */
    public CompletableFuture<Map<Long, String>> openSessions() {
        CompletableFuture<Map<Long, String>> out = new CompletableFuture<>();
        try {
            exec.execute(() -> out.complete(core.sessions().openSessions()));
        } catch (RejectedExecutionException e) {
            out.completeExceptionally(new CairnException(ErrorCode.EAGAIN, "mds rank " + rank + " is closing"));
        }
        return out;
    }

    /**
     * Background work, started on the rank's thread without waiting for it: write back the
     * oldest segments beyond mds_log_max_segments and expire and trim the journal behind them,
     * write pending backtraces, purge deleted files, refresh the space figures. The future
     * completes when the work this tick started is done (failures are logged and retried later).
     */
    public CompletableFuture<Void> tick() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            exec.execute(() -> {
                if (closed || failure.isDone()) {
                    done.complete(null);
                    return;
                }
                List<CompletableFuture<?>> work = new ArrayList<>();
                work.add(startWriteback(false));
                noteSafePos();
                work.add(pumpBacktraces());
                work.add(pumpPurges());
                refreshSpace();
                CompletableFuture.allOf(work.toArray(CompletableFuture[]::new))
                        .whenComplete((v, t) -> done.complete(null));
            });
        } catch (RejectedExecutionException e) {
            done.complete(null);
        }
        return done;
    }

    /**
     * Writes everything changed back to the metadata pool and expires and trims the whole
     * journal (Ceph's {@code flush journal}); fails if a write failed.
     */
    public CompletableFuture<Void> flushJournal() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            exec.execute(() -> startWriteback(true).whenComplete((v, t) -> complete(done, t)));
        } catch (RejectedExecutionException e) {
            done.completeExceptionally(new CairnException(ErrorCode.EAGAIN, "mds rank " + rank + " is closing"));
        }
        return done;
    }

    private static void complete(CompletableFuture<Void> f, Throwable t) {
        if (t == null) {
            f.complete(null);
        } else {
            f.completeExceptionally(t instanceof CompletionException && t.getCause() != null ? t.getCause() : t);
        }
    }

    /** One writeback round at a time: two writes to one object in flight could land in either order. */
    private CompletableFuture<Void> startWriteback(boolean everything) {
        if (writebackRound != null) {
            if (!everything) {
                return writebackRound;
            }
            return writebackRound.handle((v, t) -> null).thenComposeAsync(v -> startWriteback(true), exec);
        }
        WritebackPlan plan;
        try {
            plan = core.planWriteback(everything, opts.maxSegments(), log.appendPos());
        } catch (RuntimeException e) {
            fail(e);
            return CompletableFuture.failedFuture(e);
        }
        if (plan == null) {
            return CompletableFuture.completedFuture(null);
        }
        // only what is durable in the journal goes to the objects: a crash must not leave on the
        // pool a change whose event replay will never see
        // a backtrace a tick is still writing may belong to a segment this round expires: wait for it
        backtraceWrites.removeIf(CompletableFuture::isDone);
        CompletableFuture<Void> earlierBacktraces =
                CompletableFuture.allOf(backtraceWrites.toArray(CompletableFuture[]::new));
        CompletableFuture<Void> round = log.flush().thenCompose(v -> earlierBacktraces)
                .thenCompose(v -> writeback.run(plan))
                .handleAsync((v, t) -> finishRound(plan, t), exec).thenCompose(f -> f);
        writebackRound = round;
        round.whenCompleteAsync((v, t) -> {
            if (writebackRound == round) {
                writebackRound = null;
            }
        }, exec);
        return round;
    }

    private CompletableFuture<Void> finishRound(WritebackPlan plan, Throwable t) {
        if (t != null) {
            core.writebackFailed(plan);
            LOG.warn("mds rank {}: writeback of {} segments failed, retrying at the next tick: {}", rank,
                    plan.segments(), t.getMessage());
            return CompletableFuture.failedFuture(t);
        }
        core.writebackDone(plan);
        metrics.wroteBack(writeback.objects(plan));
        refreshCounters();
        if (plan.segments() == 0) {
            return CompletableFuture.completedFuture(null);
        }
        try {
            log.expire(plan.expireTo());
            return log.trim();
        } catch (RuntimeException e) {
            fail(e);
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Rank thread, once a tick: where the journal was safe up to then, to find the position safe for the delay. */
    private void noteSafePos() {
        long now = clock.monotonicMs();
        safeMarks.addLast(new long[] {now, log.safePos()});
        while (!safeMarks.isEmpty() && now - safeMarks.peekFirst()[0] >= BACKTRACE_DELAY_MS) {
            backtracePos = Math.max(backtracePos, safeMarks.pollFirst()[1]);
        }
        // one mark a tick, and none older than the delay: a handful at most, unless ticks come fast
        while (safeMarks.size() > SAFE_MARKS_MAX) {
            safeMarks.pollFirst();
        }
    }

    private CompletableFuture<Void> pumpBacktraces() {
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        backtraceWrites.removeIf(CompletableFuture::isDone);
        int room = BACKTRACES_IN_FLIGHT_MAX - core.backtracesWriting();
        for (WritebackPlan.BacktraceWrite b : core.takeBacktraces(backtracePos, Math.max(room, 0))) {
            CompletableFuture<Void> write = writeback.setBacktrace(b);
            backtraceWrites.add(write);
            writes.add(write.whenCompleteAsync((v, t) -> {
                if (t == null) {
                    core.backtraceDone(b.ino());
                    // keep the writes flowing between ticks: a burst of creates leaves thousands pending
                    if (!closed && !failure.isDone() && core.backtracesPending() > core.backtracesWriting()) {
                        pumpBacktraces();
                    }
                } else {
                    LOG.warn("mds rank {}: backtrace of {} not written, retrying: {}", rank, Long.toHexString(b.ino()),
                            t.getMessage());
                    core.backtraceFailed(b.ino());
                }
            }, exec));
        }
        return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new));
    }

    private CompletableFuture<Void> pumpPurges() {
        List<CompletableFuture<Void>> purges = new ArrayList<>();
        for (MdsPurgeItem item : core.startPurges(log.safePos(), opts.purgeFilesMax())) {
            purges.add(purger.purge(item).whenCompleteAsync((v, t) -> {
                if (t == null) {
                    core.purgeDone(item.getIno());
                } else {
                    LOG.warn("mds rank {}: purge of {} failed, retrying: {}", rank, Long.toHexString(item.getIno()),
                            t.getMessage());
                    core.purgeFailed(item.getIno());
                }
                refreshCounters();
            }, exec));
        }
        return CompletableFuture.allOf(purges.toArray(CompletableFuture[]::new));
    }

    private void refreshSpace() {
        long now = clock.monotonicMs();
        if (spaceRefreshing || now - spaceRefreshedMs < SPACE_REFRESH_MS) {
            return;
        }
        spaceRefreshing = true;
        CompletableFuture.supplyAsync(backend::clusterStats, spaceExec).whenCompleteAsync((s, t) -> {
            spaceRefreshing = false;
            spaceRefreshedMs = clock.monotonicMs();
            if (s != null) {
                space = s;
            } else {
                LOG.warn("mds rank {}: cluster space not refreshed: {}", rank, t.getMessage());
            }
        }, exec);
    }

    private void refreshCounters() {
        Namespace ns = core.namespace();
        counters = new MdsMetrics.Counters(ns.inodeCount(), ns.dirCount(), ns.dirtyDirCount(), core.segmentCount(),
                core.purges().size(), core.sessions().clients());
    }

    /** Runs {@code f} on the rank's thread, between requests: for tests that look at the core. */
    <T> CompletableFuture<T> inspect(java.util.function.Function<MdsCore, T> f) {
        return CompletableFuture.supplyAsync(() -> f.apply(core), exec);
    }

    /** What the rank holds now, for status output. */
    public record Status(int rank, long inodes, int dirs, int dirtyDirs, int segments, int purgeQueue, int sessions,
            int requestsInFlight) { }

    public Status status() {
        MdsMetrics.Counters c = counters;
        return new Status(rank, c.inodes(), c.dirs(), c.dirtyDirs(), c.segments(), c.purgeQueue(), c.sessions(),
                tracker.inFlight());
    }

    /** The checks to put in the beacon: MDS_TRIM, MDS_SLOW_REQUEST. */
    public List<MdsHealthMetric> health() {
        return MdsHealth.of(rank, counters.segments(), opts.maxSegments(),
                tracker.slow(clock.monotonicMs(), opts.opComplaintTimeMs()), opts.opComplaintTimeMs());
    }

    /**
     * Completes with the reason once this rank can no longer serve: fenced by a newer holder of the
     * rank, its journal failed, or a broken invariant. The daemon then gives the rank up (Ceph's MDS
     * respawns); every request from then on is answered EAGAIN.
     */
    public CompletableFuture<Throwable> failure() {
        return failure;
    }

    private void fail(Throwable t) {
        Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        if (failure.complete(cause)) {
            LOG.error("mds rank {}: stops serving: {}", rank, cause.toString());
        }
    }

    private MdsReply notActive(MdsRequest req) {
        return error(req, ErrorCode.EAGAIN, "mds rank " + rank + " is not active here; ask the FsMap for its holder");
    }

    private static MdsReply error(MdsRequest req, ErrorCode code, String message) {
        return MdsReply.newBuilder().setTid(req.getTid()).setCode(code.code()).setMessage(message).build();
    }

    /**
     * Stops taking requests, lets those accepted and a writeback round in flight finish, and
     * closes the journal (flushing it). Blocking; the journal stays this rank's until the next
     * holder opens it.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        CompletableFuture<Void> drained = new CompletableFuture<>();
        try {
            exec.execute(() -> {
                CompletableFuture<Void> r = writebackRound;
                (r == null ? CompletableFuture.<Void>completedFuture(null) : r.handle((v, t) -> (Void) null))
                        .whenComplete((v, t) -> drained.complete(null));
            });
            drained.get(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException | TimeoutException | java.util.concurrent.ExecutionException e) {
            LOG.warn("mds rank {}: closing without waiting for the writeback in flight: {}", rank, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        exec.shutdown();
        try {
            if (!exec.awaitTermination(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS)) {
                LOG.warn("mds rank {}: requests still running after {} ms", rank, CLOSE_WAIT_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        spaceExec.shutdownNow();
        try {
            log.close();
        } catch (RuntimeException e) {
            LOG.warn("mds rank {}: journal not closed cleanly: {}", rank, e.getMessage());
        }
        metrics.close();
    }
}
