package io.cairn.journaler;

import io.cairn.common.layout.StripeLayout;
import io.cairn.common.Futures;
import io.cairn.client.IoCtx;
import io.cairn.client.ObjectWriteOperation;
import io.cairn.client.RadosException;
import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one writer of a journal. {@link #append} frames an entry into a bounded buffer and returns
 * its position; buffered bytes go to the data objects when a flush asks for them, when
 * {@code journaler_batch_max} bytes are waiting, or {@code journaler_batch_interval} after the
 * first of them was appended. {@link #flush} completes once every entry appended before it is on
 * every replica. One write is in flight at a time and whatever is appended meanwhile goes out
 * as the next one: the OSDs apply writes to one object one after another, so more in flight only
 * made each smaller and the queue longer (1 KiB entries from 8 threads: 509 entries/s with one in
 * flight, 150 with eight). The first write into an object creates it exclusively, and no other
 * write to it is sent before that one completes, since two operations in flight to one object
 * may be applied in either order. Every write is guarded on the writer's epoch, so once a
 * newer writer takes the journal this one fails with {@link JournalException.Fenced} and stops.
 */
public final class JournalWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JournalWriter.class);
    /** Object writes one writer keeps in flight at most (see the class comment for why one). */
    static final int WRITES_IN_FLIGHT_MAX = 1;
    private static final long APPEND_WAIT_MAX_MS = 120_000;

    private final IoCtx io;
    private final JournalObjects objects;
    private final StripeLayout layout;
    private final JournalOptions opts;
    private final JournalMetrics metrics;
    private final long epoch;
    private final ScheduledExecutorService timer;

    // everything below is guarded by this
    private JournalHeader header;
    /** Where the next entry starts. */
    private long appendPos;
    /** Bytes before this are sent (in flight or durable). */
    private long sentPos;
    /** Bytes before this are durable. */
    private long safePos;
    private final PendingBytes pending = new PendingBytes();
    private long pendingSinceNanos;
    private ScheduledFuture<?> batchTimer;
    private final TreeMap<Long, Long> inFlight = new TreeMap<>();
    private final TreeMap<Long, List<Waiter>> waiters = new TreeMap<>();
    /** Data objects known to carry this epoch; false while the write that creates one is in flight. */
    private final Map<Long, Boolean> objectReady = new HashMap<>();
    private long flushRequestedPos;
    private RuntimeException failure;
    private CompletableFuture<Void> headerWrites = CompletableFuture.completedFuture(null);
    private boolean closed;

    private record Waiter(CompletableFuture<Void> done, long startNanos) { }

    private JournalWriter(IoCtx io, JournalObjects objects, JournalOptions opts, JournalMetrics metrics,
            JournalTakeover.Taken taken) {
        this.io = io;
        this.objects = objects;
        this.opts = opts;
        this.metrics = metrics;
        this.header = taken.header();
        this.layout = header.layout();
        this.epoch = header.writerEpoch();
        this.appendPos = header.writePos();
        this.sentPos = appendPos;
        this.safePos = appendPos;
        taken.stampedObjects().forEach(no -> objectReady.put(no, true));
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "journal-" + objects.name());
            t.setDaemon(true);
            return t;
        });
        long headMs = opts.writeHeadIntervalMs();
        timer.scheduleWithFixedDelay(this::writeHeaderQuietly, headMs, headMs, TimeUnit.MILLISECONDS);
        metrics.positions(this::positions);
    }

    /**
     * Takes the journal named {@code name} as its only writer (fencing any other), recovers its
     * end and returns the writer, positioned there. Blocking.
     */
    public static JournalWriter open(IoCtx io, String name, JournalOptions opts, JournalMetrics metrics) {
        return openExact(io, new JournalObjects(JournalPointer.frontFor(io, name)), opts, metrics);
    }

    /** As {@link #open}, for the journal with exactly these objects, not through a pointer. */
    static JournalWriter openExact(IoCtx io, JournalObjects objects, JournalOptions opts, JournalMetrics metrics) {
        return new JournalWriter(io, objects, opts, metrics, JournalTakeover.run(io, objects, opts));
    }

    public long epoch() {
        return epoch;
    }

    public StripeLayout layout() {
        return layout;
    }

    /** The name of the journal written (the front journal, after any rewrite). */
    public String journalName() {
        return objects.name();
    }

    /**
     * Appends one entry and returns the stream position it starts at; waits while the buffer of
     * not yet durable bytes is full. Not durable until a {@link #flush} that follows completes.
     */
    public long append(byte[] payload) {
        if (payload.length > opts.maxEntryBytes()) {
            throw new CairnException(ErrorCode.EFBIG, "journal entry of " + payload.length + " bytes exceeds "
                    + "journaler_max_entry_bytes " + opts.maxEntryBytes());
        }
        long frameBytes = EntryFrame.frameBytes(payload.length);
        synchronized (this) {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(APPEND_WAIT_MAX_MS);
            while (failure == null && !closed && appendPos > safePos
                    && appendPos - safePos + frameBytes > opts.bufferMaxBytes()) {
                long leftNs = deadline - System.nanoTime();
                if (leftNs <= 0) {
                    throw new RadosException.Timeout("journal " + objects.name() + ": buffer full for "
                            + APPEND_WAIT_MAX_MS + " ms");
                }
                pump();
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, leftNs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CairnException(ErrorCode.ECANCELED, "interrupted while appending to journal "
                            + objects.name());
                }
            }
            checkUsable();
            long pos = appendPos;
            if (pending.size() == 0) {
                pendingSinceNanos = System.nanoTime();
            }
            pending.add(EntryFrame.encode(pos, payload));
            appendPos += frameBytes;
            metrics.appended(frameBytes);
            if (pending.size() >= opts.batchMaxBytes()) {
                pump();
            } else if (batchTimer == null) {
                batchTimer = timer.schedule(this::onBatchTimer, opts.batchIntervalNanos(), TimeUnit.NANOSECONDS);
            }
            return pos;
        }
    }

    /** Completes when every entry appended before this call is durable; fails if the writer was fenced or failed. */
    public CompletableFuture<Void> flush() {
        CompletableFuture<Void> f = new CompletableFuture<>();
        synchronized (this) {
            if (failure != null) {
                f.completeExceptionally(failure);
                return f;
            }
            if (appendPos <= safePos) {
                f.complete(null);
                return f;
            }
            waiters.computeIfAbsent(appendPos, k -> new ArrayList<>()).add(new Waiter(f, System.nanoTime()));
            flushRequestedPos = Math.max(flushRequestedPos, appendPos);
            pump();
        }
        return f;
    }

    /** Where the next entry goes. */
    public synchronized long appendPos() {
        return appendPos;
    }

    /** Every byte before this is durable. */
    public synchronized long safePos() {
        return safePos;
    }

    public synchronized JournalHeader header() {
        return header;
    }

    /**
     * Marks everything before {@code pos} (an entry boundary, at most the durable position) as no
     * longer needed; {@link #trim} then deletes the objects wholly below it.
     */
    public synchronized void expire(long pos) {
        checkUsable();
        if (pos < header.expirePos() || pos > safePos) {
            throw CairnException.invalid("expire position " + pos + " is outside [" + header.expirePos() + ", "
                    + safePos + "] (expire_pos .. the durable position)");
        }
        header = new JournalHeader(layout, Math.max(header.writePos(), safePos), pos, header.trimmedPos(), epoch);
    }

    /**
     * Deletes the data objects wholly below expire_pos: the header records the new expire_pos
     * first (so no reader starts below it), then the objects go, then the header records
     * trimmed_pos. A crash in between leaves objects that the next trim deletes.
     */
    public CompletableFuture<Void> trim() {
        long trimTo;
        long fromSet;
        synchronized (this) {
            checkUsable();
            fromSet = layout.objectSetOf(header.trimmedPos());
            trimTo = layout.objectSetOf(header.expirePos()) * layout.periodBytes();
        }
        long toSet = trimTo / layout.periodBytes();
        return writeHeader().thenCompose(v -> {
            List<CompletableFuture<Long>> removes = new ArrayList<>();
            for (long set = fromSet; set < toSet; set++) {
                for (int i = 0; i < layout.stripeCount(); i++) {
                    long no = layout.firstObjectOf(set) + i;
                    synchronized (this) {
                        objectReady.remove(no);
                    }
                    removes.add(io.operateAsync(objects.data(no), Journal.guarded(epoch).remove())
                            .exceptionally(t -> Journal.notFound(t) ? 0L : Journal.rethrow(t)));
                }
            }
            return CompletableFuture.allOf(removes.toArray(CompletableFuture[]::new));
        }).thenCompose(v -> {
            synchronized (this) {
                if (trimTo > header.trimmedPos()) {
                    header = header.withExpire(header.expirePos(), trimTo);
                }
            }
            return writeHeader();
        }).whenComplete((v, t) -> {
            if (t != null) {
                fail(t);
            }
        });
    }

    /** Records the durable position, expire_pos and trimmed_pos in the header, after the header writes before it. */
    public CompletableFuture<Void> writeHeader() {
        synchronized (this) {
            headerWrites = headerWrites.exceptionally(t -> null).thenCompose(v -> {
                JournalHeader h;
                synchronized (this) {
                    if (safePos > header.writePos()) {
                        header = header.withWritePos(safePos);
                    }
                    h = header;
                }
                return Journal.writeHeaderAsync(io, objects, h).<Void>thenApply(x -> null);
            }).whenComplete((v, t) -> {
                if (t != null) {
                    fail(t);
                }
            });
            return headerWrites;
        }
    }

    private void writeHeaderQuietly() {
        synchronized (this) {
            if (failure != null || closed || safePos <= header.writePos()) {
                return;
            }
        }
        writeHeader();
    }

    /** Flushes, records the header and stops; the journal stays taken by this epoch until the next writer opens it. */
    @Override
    public void close() {
        try {
            synchronized (this) {
                if (closed || failure != null) {
                    return;
                }
            }
            Futures.join(flush());
            Futures.join(writeHeader());
        } finally {
            synchronized (this) {
                closed = true;
                notifyAll();
            }
            timer.shutdownNow();
            metrics.close();
        }
    }

    private void checkUsable() {
        if (failure != null) {
            throw failure;
        }
        if (closed) {
            throw new IllegalStateException("journal writer for " + objects.name() + " is closed");
        }
    }

    private synchronized void onBatchTimer() {
        batchTimer = null;
        pump();
        if (pending.size() > 0 && batchTimer == null && failure == null) {
            batchTimer = timer.schedule(this::onBatchTimer, opts.batchIntervalNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /** Sends what may go now. Caller holds the lock. */
    private void pump() {
        while (failure == null && pending.size() > 0 && inFlight.size() < WRITES_IN_FLIGHT_MAX) {
            boolean due = flushRequestedPos > sentPos || pending.size() >= opts.batchMaxBytes()
                    || System.nanoTime() - pendingSinceNanos >= opts.batchIntervalNanos();
            if (!due) {
                return;
            }
            StripeLayout.Extent e = layout.locate(sentPos);
            Boolean ready = objectReady.get(e.objectNo());
            if (Boolean.FALSE.equals(ready)) {
                return; // its creating write completes first, then pumps again
            }
            int len = (int) Math.min(Math.min(e.lengthBytes(), pending.size()), opts.batchMaxBytes());
            byte[] data = pending.take(len);
            long start = sentPos;
            long end = start + len;
            boolean creates = ready == null;
            ObjectWriteOperation op;
            if (creates) {
                objectReady.put(e.objectNo(), false);
                op = new ObjectWriteOperation().create(true)
                        .setXattr(JournalHeader.EPOCH_XATTR, JournalHeader.epochBytes(epoch)).write(data, e.objectOffset());
            } else {
                op = Journal.guarded(epoch).write(data, e.objectOffset());
            }
            inFlight.put(start, end);
            sentPos = end;
            if (pending.size() > 0) {
                pendingSinceNanos = System.nanoTime();
            }
            io.operateAsync(objects.data(e.objectNo()), op)
                    .whenComplete((v, t) -> onWritten(start, e.objectNo(), creates, t));
        }
    }

    private void onWritten(long start, long objectNo, boolean created, Throwable t) {
        if (t != null) {
            fail(t);
            return;
        }
        List<Waiter> done = new ArrayList<>();
        synchronized (this) {
            inFlight.remove(start);
            if (created) {
                objectReady.put(objectNo, true);
            }
            long safe = inFlight.isEmpty() ? sentPos : inFlight.firstKey();
            if (safe > safePos) {
                safePos = safe;
                while (!waiters.isEmpty() && waiters.firstKey() <= safePos) {
                    done.addAll(waiters.pollFirstEntry().getValue());
                }
                notifyAll();
            }
            pump();
        }
        long now = System.nanoTime();
        for (Waiter w : done) {
            metrics.flushed(now - w.startNanos());
            w.done().complete(null);
        }
    }

    /** Fails the writer for good: every waiter and every later call sees the failure. */
    private void fail(Throwable t) {
        Throwable cause = Journal.cause(t);
        RuntimeException why;
        if (cause instanceof JournalException je) {
            why = je;
        } else if (cause instanceof RadosException.GuardFailed || cause instanceof RadosException.Exists
                || cause instanceof RadosException.NotFound) {
            why = new JournalException.Fenced("journal " + objects.name() + ": writer epoch " + epoch
                    + " was fenced by a newer writer (" + cause.getMessage() + ")");
        } else {
            why = new CairnException(ErrorCode.EIO, "journal " + objects.name() + ": write failed, writer stopped: "
                    + cause);
        }
        List<Waiter> all = new ArrayList<>();
        synchronized (this) {
            if (failure != null) {
                return;
            }
            failure = why;
            waiters.values().forEach(all::addAll);
            waiters.clear();
            notifyAll();
        }
        LOG.warn("journal {}: writer at epoch {} stopped: {}", objects.name(), epoch, why.getMessage());
        all.forEach(w -> w.done().completeExceptionally(why));
    }

    private synchronized JournalMetrics.Positions positions() {
        return new JournalMetrics.Positions(safePos, header.expirePos());
    }
}
