package io.cairn.osd.op;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.Invariants;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.time.Clock;
import io.cairn.osd.net.PeerChannels;
import io.cairn.proto.v1.RepOpReply;
import io.cairn.proto.v1.RepOpRequest;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Sends replica writes to the other members of a PG, over one long-lived gRPC stream per peer OSD.
 * A unary call per write cost a new HTTP/2 stream, headers and trailers both ways and a deadline
 * timer on each side: on 4 KiB writes most of what gRPC spent. A reply names the tid of the write
 * it answers; replies come in any order. A write not answered within {@code osd_peer_op_timeout}
 * fails alone ({@link #expire}); a stream that breaks fails every write waiting on it, and the next
 * write to that peer opens a new one. Either way the write's PG peers again, as after any failed
 * replica write. The network thread that delivers a reply only completes the write's future.
 */
public final class Replicator implements AutoCloseable {
    /** Writes waiting on one stream; op admission (osd_client_message_cap) keeps far fewer in flight. */
    static final int PENDING_PER_PEER_MAX = 65_536;

    private final PeerChannels peers;
    private final Clock clock;
    private final LongSupplier timeoutMs;
    private final Map<Integer, PeerStream> streams = new ConcurrentHashMap<>();
    private final AtomicLong tids = new AtomicLong();

    public Replicator(PeerChannels peers, Clock clock, LongSupplier timeoutMs) {
        this.peers = peers;
        this.clock = clock;
        this.timeoutMs = timeoutMs;
    }

    /** A tid for the next replica write; one write sent to several peers carries the same one. */
    public long nextTid() {
        return tids.incrementAndGet();
    }

    /** Sends {@code rep} (its tid set) to {@code osd}; completes once the peer has it durable. */
    public CompletableFuture<Void> send(OsdMap map, int osd, RepOpRequest rep) {
        Invariants.check(rep.getTid() > 0, "a replica write goes out with its tid");
        try {
            return streamTo(map, osd).send(rep, clock.monotonicMs() + timeoutMs.getAsLong());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(new CairnException(ErrorCode.EAGAIN,
                    "osd." + osd + " unreachable: " + e.getMessage()));
        }
    }

    /** The stream to {@code osd} at its address in {@code map}: the open one, or a new one. */
    private PeerStream streamTo(OsdMap map, int osd) {
        String address = peers.address(map, osd);
        PeerStream s = streams.get(osd);
        if (s != null && s.usable(address)) {
            return s;
        }
        synchronized (streams) {
            s = streams.get(osd);
            if (s != null && s.usable(address)) {
                return s;
            }
            if (s != null) {
                s.close("osd." + osd + " is at " + address + " now");
            }
            s = new PeerStream(osd, address);
            peers.streaming(map, osd).repOpStream(s);
            streams.put(osd, s);
            return s;
        }
    }

    /** Fails the writes whose peers have not answered in time (called every second or so). */
    public void expire() {
        long now = clock.monotonicMs();
        for (PeerStream s : streams.values()) {
            s.expire(now);
        }
    }

    /** Writes waiting for a peer's answer, over every stream. */
    public int pending() {
        return streams.values().stream().mapToInt(s -> s.pending.size()).sum();
    }

    @Override
    public void close() {
        for (PeerStream s : streams.values()) {
            s.close("the OSD is stopping");
        }
        streams.clear();
    }

    private record Pending(CompletableFuture<Void> done, long deadlineMs) { }

    /** One stream to one peer and the writes waiting on it. */
    private final class PeerStream implements ClientResponseObserver<RepOpRequest, RepOpReply> {
        final int osd;
        final String address;
        final Map<Long, Pending> pending = new ConcurrentHashMap<>();
        /** guarded by this */
        private ClientCallStreamObserver<RepOpRequest> requests;
        /** guarded by this: once set, the stream takes no more writes */
        private String broken;

        PeerStream(int osd, String address) {
            this.osd = osd;
            this.address = address;
        }

        synchronized boolean usable(String currentAddress) {
            return broken == null && address.equals(currentAddress);
        }

        @Override
        public synchronized void beforeStart(ClientCallStreamObserver<RepOpRequest> call) {
            requests = call;
        }

        /** Registers the write and sends it, or fails it at once if the stream broke. */
        synchronized CompletableFuture<Void> send(RepOpRequest rep, long deadlineMs) {
            if (broken != null) {
                return CompletableFuture.failedFuture(unreachable(broken));
            }
            if (pending.size() >= PENDING_PER_PEER_MAX) {
                return CompletableFuture.failedFuture(new CairnException(ErrorCode.EAGAIN, "osd." + osd
                        + " has " + pending.size() + " replica writes unanswered"));
            }
            CompletableFuture<Void> done = new CompletableFuture<>();
            Pending prev = pending.put(rep.getTid(), new Pending(done, deadlineMs));
            Invariants.check(prev == null, "replica write tid %d sent twice to osd.%d", rep.getTid(), osd);
            requests.onNext(rep);
            return done;
        }

        @Override
        public void onNext(RepOpReply r) {
            Pending p = pending.remove(r.getTid());
            if (p == null) {
                return; // it timed out already
            }
            if (r.getCode() == 0) {
                p.done().complete(null);
            } else {
                p.done().completeExceptionally(new CairnException(ErrorCode.EAGAIN,
                        "osd." + osd + " refused the replica write: " + r.getMessage()));
            }
        }

        @Override
        public void onError(Throwable t) {
            fail(t.getMessage());
        }

        @Override
        public void onCompleted() {
            fail("it ended the replica stream");
        }

        /** Ends the stream here (a new address, or the OSD stopping): its writes fail. */
        void close(String why) {
            ClientCallStreamObserver<RepOpRequest> call;
            synchronized (this) {
                call = requests;
            }
            fail(why);
            if (call != null) {
                call.cancel(why, null);
            }
        }

        private void fail(String why) {
            List<Pending> failed;
            synchronized (this) {
                if (broken == null) {
                    broken = why == null ? "stream failed" : why;
                }
                failed = new ArrayList<>(pending.values());
                pending.clear();
            }
            streams.remove(osd, this);
            CairnException e = unreachable(broken);
            failed.forEach(p -> p.done().completeExceptionally(e));
        }

        void expire(long nowMs) {
            for (Map.Entry<Long, Pending> e : pending.entrySet()) {
                if (e.getValue().deadlineMs() <= nowMs && pending.remove(e.getKey(), e.getValue())) {
                    e.getValue().done().completeExceptionally(new CairnException(ErrorCode.EAGAIN, "osd." + osd
                            + " did not answer a replica write within " + timeoutMs.getAsLong() + " ms"));
                }
            }
        }

        private CairnException unreachable(String why) {
            return new CairnException(ErrorCode.EAGAIN, "osd." + osd + " unreachable: " + why);
        }
    }
}
