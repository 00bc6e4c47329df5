package io.cairn.mds.daemon;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.mds.DentryLeases;
import io.cairn.proto.v1.MdsReply;
import io.cairn.proto.v1.MdsRequest;
import io.cairn.proto.v1.MdsServiceGrpc;
import io.cairn.proto.v1.SessionOp;
import io.grpc.stub.StreamObserver;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC face of the daemon: each client session is one stream. A request goes to the rank this
 * daemon serves while it is active, which answers a change twice (early, then safe) and anything
 * else once; otherwise EAGAIN tells the client to look the MDS up in the FsMap again. Never blocks
 * a gRPC thread: replies are sent from the rank's threads, one at a time per stream.
 */
final class MdsServiceImpl extends MdsServiceGrpc.MdsServiceImplBase {
    private static final Logger LOG = LoggerFactory.getLogger(MdsServiceImpl.class);
    private static final int S_IFMT = 0170000;
    private static final int S_IFDIR = 0040000;

    /**
     * What a daemon serves clients with from up:reconnect on: its rank, the rank's client sessions,
     * and a gate that opens at up:active (requests wait behind it; sessions and caps do not).
     */
    record Serving(RankServer rank, SessionHub sessions, ActiveGate active) {}

    private final String name;
    private final Supplier<Serving> active;
    private final Supplier<String> state;

    MdsServiceImpl(String name, Supplier<Serving> active, Supplier<String> state) {
        this.name = name;
        this.active = active;
        this.state = state;
    }

    @Override
    public StreamObserver<MdsRequest> session(StreamObserver<MdsReply> replies) {
        return new Session(replies);
    }

    /** One client's stream: replies are written under the stream's lock (gRPC observers are not thread-safe). */
    private final class Session implements StreamObserver<MdsRequest>, SessionHub.Stream {
        private final StreamObserver<MdsReply> out;
        private boolean ended;
        /** The client that opened a session on this stream, and the hub it opened it with. */
        private volatile long clientId;
        private volatile SessionHub hub;
        /**
         * The last request handed on: each next one goes after it, so a change waiting for dentry
         * leases to be dropped holds back what the client sent after it. Guarded by its own lock, not
         * the stream's: the hub sends to streams under its lock, and this calls into the hub.
         */
        private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);
        private final Object tailLock = new Object();

        Session(StreamObserver<MdsReply> out) {
            this.out = out;
        }

        @Override
        public void onNext(MdsRequest req) {
            Serving serving = active.get();
            if (serving == null) {
                send(error(req, ErrorCode.EAGAIN, "mds." + name + " is not active (" + state.get() + ")"));
                return;
            }
            if (req.getOpCase() == MdsRequest.OpCase.OP_NOT_SET) {
                send(error(req, ErrorCode.EINVAL, "a request without an operation"));
                return;
            }
            if (req.getOpCase() == MdsRequest.OpCase.SESSION) {
                if (req.getSession().getKind() == SessionOp.Kind.OPEN) {
                    clientId = req.getClientId();
                    hub = serving.sessions();
                }
                serving.sessions().onSessionOp(req.getClientId(), req.getSession(), this);
                return;
            }
            if (req.getOpCase() == MdsRequest.OpCase.CAP) {
                serving.sessions().onCapOp(req.getClientId(), req.getCap(), this);
                return;
            }
            if (req.getOpCase() == MdsRequest.OpCase.LEASE_ACK) {
                serving.sessions().onLeaseAck(req.getClientId(), req.getLeaseAck(), this);
                return;
            }
            CairnException refused = serving.sessions().refusal(req.getClientId(), this);
            if (refused != null) {
                send(error(req, refused.code(), refused.getMessage()));
                return;
            }
            // in up:reconnect or up:rejoin (a resent unsafe request, likely) it waits for up:active
            if (!serving.active().runWhenOpen(() -> afterLeases(serving, req))) {
                send(error(req, ErrorCode.EAGAIN, "mds." + name + " is not active yet (" + state.get() + ")"));
            }
        }

        /** In order: a change to a name first waits until nobody answers lookups of it from a cache. */
        private void afterLeases(Serving serving, MdsRequest req) {
            Set<DentryLeases.Dentry> changed = changedNames(req);
            synchronized (tailLock) {
                tail = changed.isEmpty() ? tail.thenRun(() -> dispatch(serving, req))
                        : tail.thenCompose(v -> serving.sessions().beforeChange(changed))
                                .thenRun(() -> dispatch(serving, req));
            }
        }

        private void dispatch(Serving serving, MdsRequest req) {
            try {
                serving.rank().handle(req, this::send).whenComplete((reply, failure) -> {
                    if (failure == null) {
                        send(withLease(serving, req, reply));
                        return;
                    }
                    Throwable t = failure instanceof CompletionException && failure.getCause() != null
                            ? failure.getCause() : failure;
                    if (t instanceof CairnException ce) {
                        // ESTALE: a newer MDS took the rank (the journal fenced us); the client must look it up
                        send(error(req, ce.code() == ErrorCode.ESTALE ? ErrorCode.EAGAIN : ce.code(), ce.getMessage()));
                    } else {
                        LOG.warn("request {} of client {} failed", req.getTid(), req.getClientId(), t);
                        send(error(req, ErrorCode.EIO, String.valueOf(t)));
                    }
                });
            } catch (RuntimeException e) {
                LOG.warn("request {} of client {} refused", req.getTid(), req.getClientId(), e);
                send(error(req, ErrorCode.EIO, String.valueOf(e)));
            }
        }

        @Override
        public synchronized void send(MdsReply reply) {
            if (ended) {
                return;
            }
            try {
                out.onNext(reply);
            } catch (RuntimeException e) {
                // the client went away: its requests are answered (or not) to nobody
                ended = true;
                LOG.debug("reply to a closed session not sent: {}", e.toString());
            }
        }

        @Override
        public synchronized void end() {
            if (!ended) {
                ended = true;
                try {
                    out.onCompleted();
                } catch (RuntimeException e) {
                    LOG.debug("ending a closed session: {}", e.toString());
                }
            }
        }

        @Override
        public void onError(Throwable t) {
            synchronized (this) {
                ended = true;
            }
            forget();
        }

        @Override
        public void onCompleted() {
            end();
            forget();
        }

        private void forget() {
            SessionHub h = hub;
            if (h != null) {
                h.streamEnded(clientId, this);
            }
        }
    }

    /** The names a request unlinks or renames: their dentry leases are revoked before it is applied. */
    static Set<DentryLeases.Dentry> changedNames(MdsRequest req) {
        return switch (req.getOpCase()) {
            case UNLINK -> Set.of(new DentryLeases.Dentry(req.getUnlink().getParent(), req.getUnlink().getName()));
            case RMDIR -> Set.of(new DentryLeases.Dentry(req.getRmdir().getParent(), req.getRmdir().getName()));
            case RENAME -> {
                var r = req.getRename();
                DentryLeases.Dentry src = new DentryLeases.Dentry(r.getSrcParent(), r.getSrcName());
                DentryLeases.Dentry dst = new DentryLeases.Dentry(r.getDstParent(), r.getDstName());
                yield src.equals(dst) ? Set.of(src) : Set.of(src, dst);
            }
            default -> Set.of();
        };
    }

    /** A lookup that found a directory comes with a lease on its name (clients cache only directories' names). */
    private static MdsReply withLease(Serving serving, MdsRequest req, MdsReply reply) {
        if (req.getOpCase() != MdsRequest.OpCase.LOOKUP || reply.getCode() != 0
                || (reply.getInode().getMode() & S_IFMT) != S_IFDIR) {
            return reply;
        }
        long ms = serving.sessions().leaseFor(req.getClientId(), req.getLookup().getParent(), req.getLookup().getName());
        return ms == 0 ? reply : reply.toBuilder().setLeaseMs((int) ms).build();
    }

    private static MdsReply error(MdsRequest req, ErrorCode code, String message) {
        return MdsReply.newBuilder().setTid(req.getTid()).setCode(code.code()).setMessage(message).build();
    }
}
