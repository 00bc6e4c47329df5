package io.cairn.client.fs;

import io.cairn.client.RadosException;
import io.cairn.common.ErrorCode;
import io.cairn.common.net.HostPort;
import io.cairn.common.net.Messenger;
import io.cairn.proto.v1.CapMessage;
import io.cairn.proto.v1.CapOp;
import io.cairn.proto.v1.FsMapData;
import io.cairn.proto.v1.LeaseMessage;
import io.cairn.proto.v1.MdsReply;
import io.cairn.proto.v1.MdsRequest;
import io.cairn.proto.v1.MdsServiceGrpc;
import io.cairn.proto.v1.SessionOp;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client's session with the active MDS of rank 0: one stream carrying every request and reply.
 * A change is answered early (applied and journaled, not yet flushed) and the caller goes on; the
 * session keeps the request until its safe reply comes, and resends it to whichever MDS holds the
 * rank after a failover, with its tid, so the new MDS answers it from its journal if it got there
 * or applies it once if it did not. {@link #sync} waits for every change made so far to be safe.
 * While the rank has no active MDS, requests wait (each up to the op timeout).
 *
 * <p>Every stream starts by opening the client's session (its address, which eviction blocklists),
 * and the session is renewed several times per {@code session_timeout} while mounted, idle or not,
 * so the MDS does not find it stale. A client the MDS evicts is told so (or learns it from a refused
 * request): everything outstanding fails with {@link RadosException.Blocklisted}, and so does every
 * later call — the mount is dead, as Ceph's is; mount again with a new handle.
 */
final class MdsSession implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MdsSession.class);
    private static final int MESSAGE_MAX_BYTES = 16 << 20;
    /** A request unanswered this long makes the session reconnect and resend everything it holds. */
    private static final long TRY_TIMEOUT_MS = 20_000;
    private static final long RECONNECT_SLEEP_MS = 200;
    private static final long RENEW_TICK_MS = 1000;
    /** Renewals per session_timeout. */
    private static final int RENEWALS_PER_TIMEOUT = 4;

    /** Who the client is, as its session tells the MDS. */
    record Identity(String addr, String entity, String hostname) {}

    /** What the MDS says unasked: caps, and the session's state. Called on gRPC threads: must not block. */
    interface Listener {
        void onCap(CapMessage m);

        /** The session is open on a new stream, or renewed after it was stale. */
        void onSessionOpen();

        void onStale();

        void onEvicted(String why);

        /** The MDS revokes a dentry lease: drop the cached name (and answer with {@link #sendLeaseAck}). */
        void onLeaseRevoke(LeaseMessage m);
    }

    private static final Listener NO_LISTENER = new Listener() {
        @Override
        public void onCap(CapMessage m) { }

        @Override
        public void onSessionOpen() { }

        @Override
        public void onStale() { }

        @Override
        public void onEvicted(String why) { }

        @Override
        public void onLeaseRevoke(LeaseMessage m) { }
    };

    private final Supplier<FsMapData> fsMaps;
    private final String fsName;
    private final long clientId;
    private final long opTimeoutMs;
    private final Identity identity;
    private final AtomicLong nextTid = new AtomicLong(1);
    private final ScheduledExecutorService connector;
    private final Object lock = new Object();
    // guarded by lock
    private final NavigableMap<Long, Waiting> waiting = new TreeMap<>();
    private final NavigableMap<Long, MdsRequest> unsafe = new TreeMap<>();
    private Stream stream;
    private boolean connecting;
    private boolean closed;
    /** Streams opened since the last reply: a dead MDS still named active must not be redialled in a tight loop. */
    private int failedStreams;
    private String lastProblem = "no active MDS yet";
    /** Why the MDS evicted this client, once it has: nothing more is sent. */
    private String evicted;
    private long sessionTimeoutMs = 60_000;
    private long lastRenewMs;
    private long renewSeq;
    private volatile Listener listener = NO_LISTENER;

    private record Waiting(MdsRequest request, CompletableFuture<MdsReply> reply) { }

    /** One stream to one MDS; replies from a stream that is no longer the session's are ignored. */
    private final class Stream implements StreamObserver<MdsReply> {
        final String addr;
        final ManagedChannel channel;
        StreamObserver<MdsRequest> requests;

        Stream(String addr) {
            this.addr = addr;
            this.channel = Messenger.newChannel(HostPort.parse(addr), MESSAGE_MAX_BYTES);
        }

        @Override
        public void onNext(MdsReply reply) {
            onReply(this, reply);
        }

        @Override
        public void onError(Throwable t) {
            synchronized (lock) {
                broken(this, "mds at " + addr + ": " + t.getMessage());
            }
        }

        @Override
        public void onCompleted() {
            synchronized (lock) {
                broken(this, "mds at " + addr + " ended the session");
            }
        }
    }

    MdsSession(Supplier<FsMapData> fsMaps, String fsName, long clientId, Identity identity, long opTimeoutMs) {
        this.fsMaps = fsMaps;
        this.fsName = fsName;
        this.clientId = clientId;
        this.identity = identity;
        this.opTimeoutMs = opTimeoutMs;
        this.connector = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mds-session-" + Long.toHexString(clientId));
            t.setDaemon(true);
            return t;
        });
        connector.scheduleWithFixedDelay(this::renewTick, RENEW_TICK_MS, RENEW_TICK_MS, TimeUnit.MILLISECONDS);
    }

    void listener(Listener l) {
        listener = l;
    }

    /** Sends a cap message on the current stream; dropped without one (a new stream asks again). */
    void sendCap(CapOp op) {
        sendUnanswered(MdsRequest.newBuilder().setCap(op));
    }

    /** Tells the MDS a revoked dentry lease is dropped; dropped itself without a stream (a new one asks nothing). */
    void sendLeaseAck(LeaseMessage m) {
        sendUnanswered(MdsRequest.newBuilder().setLeaseAck(m));
    }

    /** A message no reply answers (tid 0), on the current stream if there is one. */
    private void sendUnanswered(MdsRequest.Builder req) {
        synchronized (lock) {
            if (stream == null || closed || evicted != null) {
                return;
            }
            try {
                stream.requests.onNext(req.setClientId(clientId).build());
            } catch (RuntimeException e) {
                broken(stream, "sending to mds at " + stream.addr + ": " + e);
            }
        }
    }

    /** Keeps the session open: renews when due, and reconnects an idle mount whose stream ended. */
    private void renewTick() {
        synchronized (lock) {
            if (closed || evicted != null) {
                return;
            }
            if (stream == null) {
                connect();
                return;
            }
            long now = System.currentTimeMillis();
            if (now - lastRenewMs >= sessionTimeoutMs / RENEWALS_PER_TIMEOUT) {
                lastRenewMs = now;
                sendSession(stream, SessionOp.Kind.RENEW, ++renewSeq);
            }
        }
    }

    /** Guarded by lock. */
    private void sendSession(Stream s, SessionOp.Kind kind, long seq) {
        MdsRequest req = MdsRequest.newBuilder().setClientId(clientId).setSession(SessionOp.newBuilder().setKind(kind)
                .setAddr(identity.addr()).setEntity(identity.entity()).setHostname(identity.hostname()).setSeq(seq))
                .build();
        try {
            s.requests.onNext(req);
        } catch (RuntimeException e) {
            broken(s, "sending to mds at " + s.addr + ": " + e);
        }
    }

    /** Guarded by lock. The MDS evicted this client: every waiting call fails, and every later one. */
    private void evicted(String why) {
        if (evicted != null) {
            return;
        }
        evicted = why;
        LOG.warn("client {}: evicted by the MDS: {}", clientId, why);
        listener.onEvicted("client " + clientId + " was evicted by the MDS: " + why + "; mount again");
        RadosException gone = blocklisted();
        waiting.values().forEach(w -> w.reply().completeExceptionally(gone));
        waiting.clear();
        unsafe.clear();
        if (stream != null) {
            stream.channel.shutdownNow();
            stream = null;
        }
        lock.notifyAll();
    }

    /** Guarded by lock. */
    private RadosException blocklisted() {
        return new RadosException.Blocklisted("client " + clientId + " (" + identity.addr() + ") of '" + fsName
                + "' was evicted by the MDS: " + evicted + "; mount again");
    }

    long clientId() {
        return clientId;
    }

    /** Sends one request and returns its first successful reply (early for a change); throws its error. */
    MdsReply call(MdsRequest.Builder request) {
        long tid = nextTid.getAndIncrement();
        MdsRequest req = request.setClientId(clientId).setTid(tid).build();
        CompletableFuture<MdsReply> reply = new CompletableFuture<>();
        synchronized (lock) {
            if (closed) {
                throw new RadosException.IoError("the file system is unmounted");
            }
            if (evicted != null) {
                throw blocklisted();
            }
            waiting.put(tid, new Waiting(req, reply));
            if (stream != null) {
                send(stream, req);
            } else {
                connect();
            }
        }
        long deadlineMs = System.currentTimeMillis() + opTimeoutMs;
        while (true) {
            long leftMs = deadlineMs - System.currentTimeMillis();
            if (leftMs <= 0) {
                synchronized (lock) {
                    waiting.remove(tid);
                    throw new RadosException.Timeout("file system '" + fsName + "': no answer within " + opTimeoutMs
                            + " ms (" + lastProblem + ")");
                }
            }
            try {
                MdsReply r = reply.get(Math.min(leftMs, TRY_TIMEOUT_MS), TimeUnit.MILLISECONDS);
                if (r.getCode() != 0) {
                    throw RadosException.of(ErrorCode.of(r.getCode()), r.getMessage());
                }
                return r;
            } catch (TimeoutException e) {
                synchronized (lock) {
                    if (stream != null && !reply.isDone()) {
                        broken(stream, "request " + tid + " unanswered for " + TRY_TIMEOUT_MS + " ms");
                    }
                }
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException re ? re : new RadosException.IoError(String.valueOf(e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RadosException.IoError("interrupted");
            }
        }
    }

    /** Waits until every change sent before this call is safe in the MDS's journal. */
    void sync() {
        long mark = nextTid.get();
        long deadlineMs = System.currentTimeMillis() + opTimeoutMs;
        synchronized (lock) {
            // (an eviction drops the changes not yet safe: a sync after it cannot say they are)
            while (evicted != null || !unsafe.headMap(mark).isEmpty() || !waiting.headMap(mark).isEmpty()) {
                if (evicted != null) {
                    throw blocklisted();
                }
                long leftMs = deadlineMs - System.currentTimeMillis();
                if (leftMs <= 0 || closed) {
                    throw new RadosException.Timeout("file system '" + fsName + "': changes not safe within "
                            + opTimeoutMs + " ms (" + lastProblem + ")");
                }
                try {
                    lock.wait(Math.min(leftMs, 1_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new RadosException.IoError("interrupted");
                }
            }
        }
    }

    private void onReply(Stream from, MdsReply r) {
        synchronized (lock) {
            if (from != stream) {
                return;
            }
            if (r.getTid() == 0 && r.hasSession()) {
                onSessionState(r.getSession().getState(), r.getSession().getMessage(), r.getSession().getSeq(),
                        r.getSession().getSessionTimeoutS());
                return;
            }
            if (r.getTid() == 0 && r.hasCap()) {
                listener.onCap(r.getCap());
                return;
            }
            if (r.getTid() == 0 && r.hasLeaseRevoke()) {
                listener.onLeaseRevoke(r.getLeaseRevoke());
                return;
            }
            if (r.getCode() == ErrorCode.EBLOCKLISTED.code()) {
                evicted(r.getMessage());
                return;
            }
            if (r.getCode() == ErrorCode.EAGAIN.code()) {
                // the MDS does not serve the rank (any more): the request stays, to go to its new holder
                broken(from, r.getMessage());
                return;
            }
            failedStreams = 0;
            long tid = r.getTid();
            Waiting w = waiting.remove(tid);
            if (r.getSafe() || r.getCode() != 0) {
                unsafe.remove(tid);
            } else if (w != null) {
                unsafe.put(tid, w.request());
            }
            if (w != null) {
                w.reply().complete(r);
            }
            lock.notifyAll();
        }
    }

    /** Guarded by lock. What the MDS says of this client's session. */
    private void onSessionState(String state, String message, long seq, int sessionTimeoutS) {
        if (sessionTimeoutS > 0) {
            sessionTimeoutMs = sessionTimeoutS * 1000L;
        }
        switch (state) {
            case "killing" -> evicted(message);
            case "stale" -> {
                LOG.warn("client {}: the MDS finds the session stale ({}); renewing", clientId, message);
                listener.onStale();
            }
            case "open" -> {
                // seq 0: opened, or back from stale (a renewal's answer echoes its seq)
                if (seq == 0) {
                    listener.onSessionOpen();
                }
            }
            default -> LOG.debug("client {}: session {} ({})", clientId, state, message);
        }
    }

    /** Guarded by lock. Drops {@code s} (if still the session's stream) and reconnects. */
    private void broken(Stream s, String why) {
        if (s != stream || evicted != null) {
            return;
        }
        lastProblem = why;
        stream = null;
        s.channel.shutdownNow();
        LOG.debug("client {}: {}; reconnecting", clientId, why);
        connect();
    }

    /** Guarded by lock. Starts a connection attempt unless one is running. */
    private void connect() {
        if (connecting || closed || evicted != null) {
            return;
        }
        connecting = true;
        connector.execute(this::reconnectLoop);
    }

    /** On the connector thread: waits for an active MDS, opens a stream, resends what is outstanding. */
    private void reconnectLoop() {
        int failed;
        synchronized (lock) {
            failed = failedStreams;
        }
        for (int attempt = 0; ; attempt++) {
            synchronized (lock) {
                // (an idle mount gives up here; the renewal tick calls again)
                if (closed || evicted != null || (waiting.isEmpty() && unsafe.isEmpty() && attempt > 0)) {
                    connecting = false;
                    return;
                }
            }
            int waits = attempt + failed;
            if (waits > 0 && !pause(Math.min(RECONNECT_SLEEP_MS * waits, 1_000))) {
                synchronized (lock) {
                    connecting = false;
                }
                return;
            }
            String addr;
            try {
                addr = FsMaps.sessionAddress(fsMaps.get(), fsName);
            } catch (RuntimeException e) {
                synchronized (lock) {
                    lastProblem = "the monitors: " + e.getMessage();
                }
                continue;
            }
            if (addr == null) {
                synchronized (lock) {
                    lastProblem = "rank 0 of '" + fsName + "' has no active MDS";
                }
                continue;
            }
            Stream s = new Stream(addr);
            synchronized (lock) {
                if (closed) {
                    s.channel.shutdownNow();
                    connecting = false;
                    return;
                }
                s.requests = MdsServiceGrpc.newStub(s.channel).session(s);
                stream = s;
                connecting = false;
                failedStreams++;
                sendSession(s, SessionOp.Kind.OPEN, 0);
                lastRenewMs = System.currentTimeMillis();
                if (stream != s) {
                    return;
                }
                // changes answered early first, in the order they were made, then those never answered
                List<MdsRequest> again = new ArrayList<>(unsafe.values());
                waiting.values().forEach(w -> again.add(w.request()));
                for (MdsRequest req : again) {
                    send(s, req);
                }
                LOG.debug("client {} on mds at {}; resent {} requests", clientId, addr, again.size());
                return;
            }
        }
    }

    /** Guarded by lock: every request of this client below the oldest outstanding one is answered. */
    private void send(Stream s, MdsRequest req) {
        long oldest = Math.min(waiting.isEmpty() ? req.getTid() : waiting.firstKey(),
                unsafe.isEmpty() ? req.getTid() : unsafe.firstKey());
        try {
            s.requests.onNext(req.toBuilder().setOldestClientTid(Math.min(oldest, req.getTid())).build());
        } catch (RuntimeException e) {
            broken(s, "sending to mds at " + s.addr + ": " + e);
        }
    }

    private static boolean pause(long ms) {
        try {
            Thread.sleep(ms);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Waits (up to the op timeout) for the changes made to be safe, then ends the session. */
    @Override
    public void close() {
        try {
            sync();
        } catch (RadosException e) {
            LOG.warn("client {}: unmounting with changes not known safe: {}", clientId, e.getMessage());
        }
        synchronized (lock) {
            closed = true;
            if (stream != null) {
                sendSession(stream, SessionOp.Kind.CLOSE, 0);
            }
            if (stream != null) {
                try {
                    stream.requests.onCompleted();
                } catch (RuntimeException e) {
                    LOG.debug("session end not sent: {}", e.toString());
                }
                stream.channel.shutdown();
                stream = null;
            }
            RadosException gone = new RadosException.IoError("the file system is unmounted");
            waiting.values().forEach(w -> w.reply().completeExceptionally(gone));
            waiting.clear();
            lock.notifyAll();
        }
        connector.shutdownNow();
    }
}
