package io.cairn.mds.daemon;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.proto.v1.MdsReply;
import io.cairn.proto.v1.MdsRequest;
import io.cairn.proto.v1.MdsServiceGrpc;
import io.cairn.proto.v1.SessionOp;
import io.grpc.stub.StreamObserver;
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

    /** What an active daemon serves clients with: its rank and the rank's client sessions. */
    record Serving(RankServer rank, SessionHub sessions) {}

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
            String refused = serving.sessions().refusal(req.getClientId(), this);
            if (refused != null) {
                send(error(req, refused.contains("evict") ? ErrorCode.EBLOCKLISTED : ErrorCode.ENOTCONN, refused));
                return;
            }
            RankServer rank = serving.rank();
            try {
                rank.handle(req, this::send).whenComplete((reply, failure) -> {
                    if (failure == null) {
                        send(reply);
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

    private static MdsReply error(MdsRequest req, ErrorCode code, String message) {
        return MdsReply.newBuilder().setTid(req.getTid()).setCode(code.code()).setMessage(message).build();
    }
}
