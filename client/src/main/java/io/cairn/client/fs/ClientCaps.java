package io.cairn.client.fs;

import io.cairn.proto.v1.CapMessage;
import io.cairn.proto.v1.CapOp;
import java.util.HashMap;
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
final class ClientCaps implements MdsSession.Listener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClientCaps.class);

    private final Consumer<CapOp> sender;
    private final ExecutorService worker;
    // guarded by this
    private final Map<Long, OpenFile> open = new HashMap<>();
    /** The last revocation acknowledged per inode: sent again on a new stream (the ack may have been lost). */
    private final Map<Long, long[]> lastAck = new HashMap<>();

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

    /** A handle opened or closed: the MDS learns what the mount wants now. */
    void wantsChanged(OpenFile f) {
        int wanted;
        synchronized (this) {
            wanted = f.wanted();
            if (wanted == 0) {
                open.remove(f.ino, f);
                lastAck.remove(f.ino);
            }
        }
        sender.accept(CapOp.newBuilder().setKind(CapOp.Kind.WANT).setIno(f.ino).setWanted(wanted).build());
    }

    @Override
    public void onCap(CapMessage m) {
        submit(() -> {
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
    @Override
    public void onSessionOpen() {
        submit(() -> {
            List<OpenFile> files;
            Map<Long, long[]> acks;
            synchronized (this) {
                files = List.copyOf(open.values());
                acks = Map.copyOf(lastAck);
            }
            for (OpenFile f : files) {
                long[] a = acks.get(f.ino);
                if (a != null) {
                    sender.accept(CapOp.newBuilder().setKind(CapOp.Kind.ACK).setIno(f.ino).setSeq(a[0])
                            .setHeld((int) a[1]).build());
                }
                sender.accept(CapOp.newBuilder().setKind(CapOp.Kind.WANT).setIno(f.ino).setWanted(f.wanted()).build());
            }
        });
    }

    @Override
    public void onStale() {
        submit(() -> {
            List<OpenFile> files;
            synchronized (this) {
                files = List.copyOf(open.values());
            }
            files.forEach(OpenFile::capsLost);
        });
    }

    @Override
    public void onEvicted(String why) {
        List<OpenFile> files;
        synchronized (this) {
            files = List.copyOf(open.values());
        }
        // at once, not queued: a revocation being worked on must not keep waiters waiting
        files.forEach(f -> f.kill(why));
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
