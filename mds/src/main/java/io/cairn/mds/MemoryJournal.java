package io.cairn.mds;

import io.cairn.common.Invariants;
import io.cairn.journaler.JournalException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A journal held in memory, for tests: it outlives the ranks that write it, so a test can open a
 * rank, drop it as a crash would, and open the next over the same entries. Opening a writer
 * fences the previous one and loses what it appended but never made durable. Positions are
 * entry numbers. Flushes complete at once unless held, which lets a test see a reply wait for one.
 */
public final class MemoryJournal {
    private final List<byte[]> entries = new ArrayList<>();
    /** Position of entries.get(0): everything below was trimmed. */
    private long basePos;
    private long durablePos;
    private long expirePos;
    private long epoch;
    private boolean holdFlushes;
    private final List<Runnable> heldFlushes = new ArrayList<>();

    /** Takes the journal: every older writer is fenced, and entries it never made durable are gone. */
    public MdsLog openWriter() {
        List<Runnable> held;
        Writer w;
        synchronized (this) {
            epoch++;
            held = new ArrayList<>(heldFlushes);
            heldFlushes.clear();
            while (basePos + entries.size() > durablePos) {
                entries.remove(entries.size() - 1);
            }
            w = new Writer(epoch);
        }
        held.forEach(Runnable::run); // they fail: their writer is fenced
        return w;
    }

    /** While held, flushes wait for {@link #releaseFlushes}. */
    public synchronized void holdFlushes(boolean hold) {
        holdFlushes = hold;
    }

    public void releaseFlushes() {
        List<Runnable> run;
        synchronized (this) {
            run = new ArrayList<>(heldFlushes);
            heldFlushes.clear();
        }
        run.forEach(Runnable::run);
    }

    /** Entries not yet trimmed. */
    public synchronized int storedEntries() {
        return entries.size();
    }

    public synchronized long expirePos() {
        return expirePos;
    }

    private final class Writer implements MdsLog {
        private final long myEpoch;
        private boolean closed;

        Writer(long epoch) {
            this.myEpoch = epoch;
        }

        private void checkUsable() {
            if (myEpoch != epoch) {
                throw new JournalException.Fenced("memory journal: writer epoch " + myEpoch + " fenced by " + epoch);
            }
            Invariants.check(!closed, "memory journal writer is closed");
        }

        @Override
        public void replay(Sink sink) {
            List<byte[]> copy;
            long from;
            synchronized (MemoryJournal.this) {
                checkUsable();
                from = expirePos;
                copy = new ArrayList<>(entries.subList((int) (expirePos - basePos), entries.size()));
            }
            for (int i = 0; i < copy.size(); i++) {
                sink.entry(from + i, copy.get(i));
            }
        }

        @Override
        public long append(byte[] payload) {
            synchronized (MemoryJournal.this) {
                checkUsable();
                entries.add(payload.clone());
                return basePos + entries.size() - 1;
            }
        }

        @Override
        public CompletableFuture<Void> flush() {
            CompletableFuture<Void> f = new CompletableFuture<>();
            synchronized (MemoryJournal.this) {
                if (myEpoch != epoch) {
                    f.completeExceptionally(new JournalException.Fenced("memory journal: writer epoch " + myEpoch
                            + " fenced by " + epoch));
                    return f;
                }
                long upTo = basePos + entries.size();
                Runnable done = () -> {
                    synchronized (MemoryJournal.this) {
                        if (myEpoch != epoch) {
                            f.completeExceptionally(new JournalException.Fenced("memory journal: fenced"));
                            return;
                        }
                        durablePos = Math.max(durablePos, upTo);
                    }
                    f.complete(null);
                };
                if (holdFlushes && upTo > durablePos) {
                    heldFlushes.add(done);
                    return f;
                }
                durablePos = Math.max(durablePos, upTo);
            }
            f.complete(null);
            return f;
        }

        @Override
        public long appendPos() {
            synchronized (MemoryJournal.this) {
                return basePos + entries.size();
            }
        }

        @Override
        public long safePos() {
            synchronized (MemoryJournal.this) {
                return durablePos;
            }
        }

        @Override
        public long expirePos() {
            synchronized (MemoryJournal.this) {
                return expirePos;
            }
        }

        @Override
        public void expire(long pos) {
            synchronized (MemoryJournal.this) {
                checkUsable();
                Invariants.check(pos >= expirePos && pos <= durablePos, "expire %d outside [%d, %d]", pos, expirePos,
                        durablePos);
                expirePos = pos;
            }
        }

        @Override
        public CompletableFuture<Void> trim() {
            synchronized (MemoryJournal.this) {
                checkUsable();
                while (basePos < expirePos) {
                    entries.remove(0);
                    basePos++;
                }
            }
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void close() {
            synchronized (MemoryJournal.this) {
                if (myEpoch == epoch && !closed) {
                    durablePos = basePos + entries.size();
                }
                closed = true;
            }
        }
    }
}
