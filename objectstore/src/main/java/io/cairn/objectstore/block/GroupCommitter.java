package io.cairn.objectstore.block;

import io.cairn.common.Invariants;
import io.cairn.objectstore.ObjectStoreException;
import io.cairn.objectstore.Op;
import io.cairn.objectstore.SpaceAccount;
import io.cairn.objectstore.Transaction;
import org.lmdbjava.Env;
import org.lmdbjava.Txn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReadWriteLock;

/**
 * The one writer. It takes every queued submission at hand (up to a bound), applies each in its
 * own LMDB child transaction (a failing one is aborted alone), writes new data to free units
 * (small writes as deferred records, {@link DeferredWrites}), syncs the block file if it wrote to
 * it directly, then commits the batch's metadata in one LMDB commit. That commit syncs its data
 * pages but not the meta page that makes them current (see {@link MetaDb#commitDurably}); the
 * next batch's commit carries it to the disk with its own data pages, so under load each batch
 * costs one metadata sync, not two. A batch is acknowledged (futures completed, freed units
 * handed back to the allocator once no reader can still be looking at them) only once its commit
 * is durable: after the next commit, or after a sync of its own when nothing else is queued.
 */
final class GroupCommitter implements Runnable {
    static final int QUEUE_MAX = 1024;
    static final int BATCH_SUBMISSIONS_MAX = 256;
    static final long BATCH_DATA_BYTES_MAX = 64L << 20;
    private static final long POLL_MS = 50;
    private static final Logger log = LoggerFactory.getLogger(GroupCommitter.class);

    private final MetaDb db;
    private final BlockFile file;
    private final Allocator allocator;
    private final SpaceAccount space;
    private final TxnApplier applier;
    private final DeferredWrites deferred;
    /** Deferred bytes committed since the block file was last synced (committer thread only). */
    private long deferredBacklog;
    private final long deferredRetireBytes;
    private final long deferredRetireIdleNs;
    private long lastCommitNs;
    /** The last commit, applied and visible but not yet known durable (committer thread only). */
    private Committed notDurable;

    /** A committed batch and what to do once it is durable. */
    private record Committed(List<Submission> submissions, ObjectStoreException[] results, List<AuRun> freed) { }
    private final int unitBytes;
    private final ReadWriteLock readerLock;
    private final Executor finisher;
    private final ArrayBlockingQueue<Submission> queue = new ArrayBlockingQueue<>(QUEUE_MAX);
    private volatile boolean stopping;
    private volatile ObjectStoreException failure;
    private volatile long storedBytes;
    private long nextNid;
    private volatile long commits;
    private volatile long submissionsCommitted;
    private volatile long deferredBytesCommitted;
    private volatile long directBytesCommitted;
    /** Syncs of the metadata a commit needed beyond its own (nothing else was queued to carry it). */
    private volatile long loneSyncs;

    GroupCommitter(MetaDb db, BlockFile file, Allocator allocator, ObjectData data, DeferredWrites deferred,
                   BlockStoreOptions options, SpaceAccount space, ReadWriteLock readerLock, Executor finisher,
                   long storedBytes, long nextNid) {
        this.db = db;
        this.file = file;
        this.allocator = allocator;
        this.space = space;
        this.unitBytes = data.unitBytes();
        this.deferred = deferred;
        this.deferredRetireBytes = options.deferredRetireBytes();
        this.deferredRetireIdleNs = TimeUnit.MILLISECONDS.toNanos(options.deferredRetireIdleMs());
        this.readerLock = readerLock;
        this.finisher = finisher;
        this.storedBytes = storedBytes;
        this.nextNid = nextNid;
        this.applier = new TxnApplier(db, data, () -> this.nextNid++);
    }

    long storedBytes() {
        return storedBytes;
    }

    /** LMDB commits (each one fsync of the metadata) since mount. */
    long commits() {
        return commits;
    }

    /** Submissions (successful or not) those commits carried. */
    long submissionsCommitted() {
        return submissionsCommitted;
    }

    long deferredBytesCommitted() {
        return deferredBytesCommitted;
    }

    long directBytesCommitted() {
        return directBytesCommitted;
    }

    long loneSyncs() {
        return loneSyncs;
    }

    /** Queues without blocking; a full queue or a stopped store fails the future at once. */
    CompletableFuture<Void> submit(List<Transaction> txns) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        Submission s = new Submission(List.copyOf(txns), f);
        ObjectStoreException failed = failure;
        if (failed != null || stopping) {
            s.releaseReservations();
            f.completeExceptionally(failed != null ? failed : new ObjectStoreException.Unavailable("store is unmounting"));
        } else if (!queue.offer(s)) {
            s.releaseReservations();
            f.completeExceptionally(new ObjectStoreException.Busy("commit queue is full (" + QUEUE_MAX + ")"));
        }
        return f;
    }

    void stop() {
        stopping = true;
    }

    @Override
    public void run() {
        List<Submission> batch = new ArrayList<>(BATCH_SUBMISSIONS_MAX);
        while (true) {
            Submission first;
            try {
                first = queue.poll(POLL_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopping = true;
                first = queue.poll();
            }
            if (first == null) {
                if (notDurable != null) {
                    syncAndAcknowledge();
                }
                boolean idle = System.nanoTime() - lastCommitNs >= deferredRetireIdleNs;
                if (failure == null && deferredBacklog > 0 && (idle || stopping)) {
                    retireDeferred();
                }
                if (stopping && queue.isEmpty()) {
                    break;
                }
                continue;
            }
            batch.clear();
            batch.add(first);
            long dataBytes = first.dataBytes();
            while (batch.size() < BATCH_SUBMISSIONS_MAX && dataBytes < BATCH_DATA_BYTES_MAX) {
                Submission next = queue.poll();
                if (next == null) {
                    break;
                }
                batch.add(next);
                dataBytes += next.dataBytes();
            }
            if (failure != null) {
                fail(batch, failure);
            } else {
                commit(batch);
            }
        }
        log.debug("committer stopped after {} commits of {} submissions", commits, submissionsCommitted);
    }

    private void commit(List<Submission> batch) {
        ObjectStoreException[] results = new ObjectStoreException[batch.size()];
        List<AuRun> freedByBatch = new ArrayList<>();
        long storedAfter = storedBytes;
        long directBytes = 0;
        long deferredBytes = 0;
        try (Txn<byte[]> parent = db.env.txnWrite()) {
            for (int i = 0; i < batch.size(); i++) {
                TxnEffects fx = new TxnEffects();
                results[i] = applyOne(parent, batch.get(i), fx);
                if (results[i] == null) {
                    storedAfter += fx.storedDelta;
                    freedByBatch.addAll(fx.freed);
                    directBytes += fx.directBytes;
                    deferredBytes += fx.deferredBytes;
                }
            }
            for (Map.Entry<Long, byte[]> e : allocator.takeDirtyChunks().entrySet()) {
                db.bitmap.put(parent, Keys.longKey(e.getKey()), e.getValue());
            }
            Invariants.check(storedAfter >= 0, "stored bytes went negative: %d", storedAfter);
            db.meta.put(parent, MetaDb.name(MetaDb.STORED_BYTES), Keys.longKey(storedAfter));
            db.meta.put(parent, MetaDb.name(MetaDb.NEXT_NID), Keys.longKey(nextNid));
            // Direct writes are durable only once the block file is synced; deferred ones are by
            // this commit, and the sync that direct writes need anyway retires them too.
            boolean retire = directBytes > 0 || deferredBacklog + deferredBytes >= deferredRetireBytes;
            if (retire) {
                file.sync();
                deferred.retireAll(parent);
            }
            parent.commit();
            deferredBacklog = retire ? 0 : deferredBacklog + deferredBytes;
            lastCommitNs = System.nanoTime();
        } catch (RuntimeException e) {
            // The in-memory allocator and space ledger may now disagree with the B+tree: stop
            // taking work; a remount rebuilds them from the last durable commit.
            stopOn("commit failed", e, batch);
            return;
        }
        storedBytes = storedAfter;
        commits++;
        submissionsCommitted += batch.size();
        deferredBytesCommitted += deferredBytes;
        directBytesCommitted += directBytes;
        for (Submission s : batch) {
            s.releaseReservations();
        }
        Committed mine = new Committed(List.copyOf(batch), results, freedByBatch);
        // this commit's data sync also carried the previous commit's meta page to the disk
        Committed previous = notDurable;
        notDurable = mine;
        if (previous != null) {
            acknowledge(previous);
        }
        if (queue.isEmpty()) {
            syncAndAcknowledge();
        }
    }

    /** Makes the last commit durable with a sync of its own and acknowledges it. */
    private void syncAndAcknowledge() {
        try {
            db.env.sync(true);
            loneSyncs++;
        } catch (RuntimeException e) {
            stopOn("metadata sync failed", e, List.of());
            return;
        }
        Committed c = notDurable;
        notDurable = null;
        acknowledge(c);
    }

    /** Completes a durable batch's futures and lets the units it freed be allocated again. */
    private void acknowledge(Committed c) {
        // one hand-off for the whole batch: completions run callers' continuations, never on this thread
        finisher.execute(() -> {
            for (int i = 0; i < c.submissions().size(); i++) {
                if (c.results()[i] == null) {
                    c.submissions().get(i).future().complete(null);
                } else {
                    c.submissions().get(i).future().completeExceptionally(c.results()[i]);
                }
            }
        });
        readerLock.writeLock().lock();
        try {
            allocator.makeReusable(c.freed());
        } finally {
            readerLock.writeLock().unlock();
        }
    }

    /**
     * Stops taking work after a failed write to the disk: {@code batch} and the commit not yet
     * known durable fail, and so does everything after them.
     */
    private void stopOn(String what, RuntimeException e, List<Submission> batch) {
        failure = new ObjectStoreException.Unavailable(what + ", store stopped: " + e, e);
        log.error("objectstore {}; refusing further transactions until remount", what, e);
        if (notDurable != null) {
            fail(notDurable.submissions(), failure);
            notDurable = null;
        }
        fail(batch, failure);
    }

    /** Syncs the block file and drops the deferred records it now holds, in a commit of its own. */
    private void retireDeferred() {
        try (Txn<byte[]> txn = db.env.txnWrite()) {
            file.sync();
            deferred.retireAll(txn);
            db.commitDurably(txn);
            deferredBacklog = 0;
        } catch (RuntimeException e) {
            stopOn("deferred-write retirement failed", e, List.of());
        }
    }

    /** Applies one submission in a child transaction; returns its error, having undone it, or null. */
    private ObjectStoreException applyOne(Txn<byte[]> parent, Submission s, TxnEffects fx) {
        Txn<byte[]> child = db.env.txn(parent);
        try {
            for (Transaction t : s.txns()) {
                for (Op op : t.ops()) {
                    applier.apply(child, fx, op);
                }
            }
            space.book(fx.allocatedUnits() * unitBytes, fx.freedUnits() * unitBytes, s.reservation(), s.freesOnly());
            child.commit();
            child.close();
            return null;
        } catch (ObjectStoreException e) {
            undo(child, fx);
            return e;
        } catch (Env.MapFullException e) {
            undo(child, fx);
            return new ObjectStoreException.NoSpace("metadata store is full: " + e.getMessage());
        } catch (RuntimeException e) {
            undo(child, fx);
            throw e;
        }
    }

    private void undo(Txn<byte[]> child, TxnEffects fx) {
        child.abort();
        child.close();
        fx.rollback(allocator);
    }

    private void fail(List<Submission> batch, ObjectStoreException e) {
        for (Submission s : batch) {
            s.releaseReservations();
            finisher.execute(() -> s.future().completeExceptionally(e));
        }
    }

    /** Fails whatever is still queued (after the thread has stopped). */
    void failQueued(ObjectStoreException e) {
        List<Submission> rest = new ArrayList<>();
        queue.drainTo(rest);
        fail(rest, e);
    }
}
