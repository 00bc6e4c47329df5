package io.cairn.client.fs;

import io.cairn.proto.v1.CapMessage;
import io.cairn.proto.v1.CapOp;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This mount's open files and their caps: tells the MDS what the open handles want, and carries
 * out what the MDS says — grants, and revocations (write back, drop the cache, then acknowledge).
 * Everything the MDS sends is handled on one thread of its own, in order: never on the gRPC
 * thread that delivered it, since a revocation writes to the OSDs and asks the MDS.
 */
final class ClientCaps implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClientCaps.class);
    private static final int SEQS_KEPT_MAX = 65_536;

    private final Consumer<CapOp> sender;
    private final ExecutorService worker;
    // guarded by this
    private final Map<Long, OpenFile> open = new HashMap<>();
    /** The last revocation acknowledged per inode: sent again on a new stream (the ack may have been lost). */
    private final Map<Long, long[]> lastAck = new HashMap<>();
    /**
     * Per inode, the seq of the newest cap message applied (worker thread only). The MDS numbers its
     * messages to this client in one sequence, so one older than what was applied — a grant for a
     * file closed and opened again meanwhile — is stale. Reset when a session opens (a new MDS
     * starts a new sequence; an old stream's messages are dropped before they get here).
     */
    private final Map<Long, Long> lastSeq = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Long> eldest) {
            return size() > SEQS_KEPT_MAX;
        }
    };

    ClientCaps(Consumer<CapOp> sender, long clientId) {
        this.sender = sender;
        this.worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fs-caps-" + Long.toHexString(clientId));
            t.setDaemon(true);
            return t;
        });
    }

    /** A handle opens {@code ino}: its open file (made by {@code make} when none is open yet) counts it. */
    synchronized OpenFile open(long ino, boolean write, long mdsSizeBytes, Supplier<OpenFile> make) {
        OpenFile f = open.computeIfAbsent(ino, k -> make.get());
        f.opened(write, mdsSizeBytes);
        return f;
    }

    /** A handle opened or closed: the MDS learns what the mount wants now, if it was asked for caps on the file. */
    void wantsChanged(OpenFile f) {
        int wanted;
        boolean asked;
        synchronized (this) {
            wanted = f.wanted();
            asked = f.asked();
            if (wanted == 0) {
                open.remove(f.ino, f);
                lastAck.remove(f.ino);
            }
        }
        if (asked) {
            want(f.ino, wanted);
        }
    }

    /** Tells the MDS what the mount wants on {@code ino} (0 releases it). */
    void want(long ino, int wanted) {
        sender.accept(CapOp.newBuilder().setKind(CapOp.Kind.WANT).setIno(ino).setWanted(wanted).build());
    }

    void onCap(CapMessage m) {
        submit(() -> {
            Long last = lastSeq.get(m.getIno());
            if (last != null && m.getSeq() <= last) {
                LOG.debug("inode {}: stale cap {} seq {} (have {})", Long.toHexString(m.getIno()), m.getKind(),
                        m.getSeq(), last);
                return;
            }
            lastSeq.put(m.getIno(), m.getSeq());
            OpenFile f;
            synchronized (this) {
                f = open.get(m.getIno());
            }
            if (f == null) {
                if (m.getKind() == CapMessage.Kind.REVOKE) {
                    // closed meanwhile: nothing is held, nothing to write back
                    ack(m.getIno(), m.getSeq(), 0);
                }
                return;
            }
            switch (m.getKind()) {
                case GRANT -> f.granted(m.getIssued(), m.getOsdEpochBarrier());
                case REVOKE -> ack(m.getIno(), m.getSeq(), f.revoke(m.getIssued()));
                default -> LOG.debug("inode {}: unknown cap message {}", Long.toHexString(m.getIno()), m.getKind());
            }
        });
    }

    private void ack(long ino, long seq, int held) {
        synchronized (this) {
            if (open.containsKey(ino)) {
                lastAck.put(ino, new long[] {seq, held});
            }
        }
        sender.accept(CapOp.newBuilder().setKind(CapOp.Kind.ACK).setIno(ino).setSeq(seq).setHeld(held).build());
    }

    /** A session opened (a new stream, maybe a new MDS, or back from stale): every open file asks again. */
    void onSessionOpen() {
        submit(() -> {
            lastSeq.clear();
            List<OpenFile> files;
            Map<Long, long[]> acks;
            synchronized (this) {
                files = List.copyOf(open.values());
                acks = Map.copyOf(lastAck);
            }
            for (OpenFile f : files) {
                if (!f.asked()) {
                    continue;
                }
                long[] a = acks.get(f.ino);
                if (a != null) {
                    sender.accept(CapOp.newBuilder().setKind(CapOp.Kind.ACK).setIno(f.ino).setSeq(a[0])
                            .setHeld((int) a[1]).build());
                }
                // what it holds too: an MDS that took the rank over in up:reconnect takes it as it is
                sender.accept(CapOp.newBuilder().setKind(CapOp.Kind.WANT).setIno(f.ino).setWanted(f.wanted())
                        .setHeld(f.issued()).build());
            }
        });
    }

    void onStale() {
        submit(() -> {
            List<OpenFile> files;
            synchronized (this) {
                files = List.copyOf(open.values());
            }
            files.forEach(OpenFile::capsLost);
        });
    }

    void onEvicted(String why) {
        List<OpenFile> files;
        synchronized (this) {
            files = List.copyOf(open.values());
        }
        // not queued behind a revocation being worked on, and not on the caller's thread (which holds
        // the session's lock, that a file's own MDS call may be waiting for while it holds the file)
        Thread.ofVirtual().name("fs-evicted").start(() -> files.forEach(f -> f.kill(why)));
    }

    private void submit(Runnable task) {
        try {
            worker.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.warn("cap message not handled: {}", e.toString());
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("unmounted: cap message dropped");
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
