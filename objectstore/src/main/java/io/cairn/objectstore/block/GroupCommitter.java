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
 * own LMDB child transaction (a failing one is aborted alone), writes new data to free units,
 * syncs the block file, then commits the batch's metadata in one LMDB commit (one fsync for
 * all). Only then are futures completed, and units the batch freed handed back to the
 * allocator once no reader can still be looking at them.
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

    GroupCommitter(MetaDb db, BlockFile file, Allocator allocator, SpaceAccount space, int unitBytes,
                   ReadWriteLock readerLock, Executor finisher, long storedBytes, long nextNid) {
        this.db = db;
        this.file = file;
        this.allocator = allocator;
        this.space = space;
        this.unitBytes = unitBytes;
        this.readerLock = readerLock;
        this.finisher = finisher;
        this.storedBytes = storedBytes;
        this.nextNid = nextNid;
        this.applier = new TxnApplier(db, new ObjectData(db, file, allocator, unitBytes), () -> this.nextNid++);
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
        boolean wroteData = false;
        try (Txn<byte[]> parent = db.env.txnWrite()) {
            for (int i = 0; i < batch.size(); i++) {
                TxnEffects fx = new TxnEffects();
                results[i] = applyOne(parent, batch.get(i), fx);
                if (results[i] == null) {
                    storedAfter += fx.storedDelta;
                    freedByBatch.addAll(fx.freed);
                    wroteData |= !fx.allocated.isEmpty();
                }
            }
            for (Map.Entry<Long, byte[]> e : allocator.takeDirtyChunks().entrySet()) {
                db.bitmap.put(parent, Keys.longKey(e.getKey()), e.getValue());
            }
            Invariants.check(storedAfter >= 0, "stored bytes went negative: %d", storedAfter);
            db.meta.put(parent, MetaDb.name(MetaDb.STORED_BYTES), Keys.longKey(storedAfter));
            db.meta.put(parent, MetaDb.name(MetaDb.NEXT_NID), Keys.longKey(nextNid));
            if (wroteData) {
                file.sync();
            }
            parent.commit();
        } catch (RuntimeException e) {
            // The in-memory allocator and space ledger may now disagree with the B+tree: stop
            // taking work; a remount rebuilds them from the last durable commit.
            failure = new ObjectStoreException.Unavailable("commit failed, store stopped: " + e, e);
            log.error("objectstore commit failed; refusing further transactions until remount", e);
            fail(batch, failure);
            return;
        }
        storedBytes = storedAfter;
        commits++;
        submissionsCommitted += batch.size();
        for (int i = 0; i < batch.size(); i++) {
            Submission s = batch.get(i);
            s.releaseReservations();
            ObjectStoreException err = results[i];
            finisher.execute(() -> {
                if (err == null) {
                    s.future().complete(null);
                } else {
                    s.future().completeExceptionally(err);
                }
            });
        }
        readerLock.writeLock().lock();
        try {
            allocator.makeReusable(freedByBatch);
        } finally {
            readerLock.writeLock().unlock();
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
