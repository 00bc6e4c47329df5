package io.cairn.mds.daemon;

import io.cairn.common.ErrorCode;
import io.cairn.proto.v1.MdsReply;
import io.cairn.proto.v1.MdsRequest;
import io.cairn.proto.v1.MdsServiceGrpc;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC face of the daemon: a request goes to the rank this daemon serves while it is active,
 * and is answered when the rank completes it; otherwise EAGAIN tells the client to look the MDS
 * up in the FsMap again. Never blocks the gRPC thread.
 */
final class MdsServiceImpl extends MdsServiceGrpc.MdsServiceImplBase {
    private static final Logger LOG = LoggerFactory.getLogger(MdsServiceImpl.class);

    private final String name;
    private final Supplier<RankServer> active;
    private final Supplier<String> state;

    MdsServiceImpl(String name, Supplier<RankServer> active, Supplier<String> state) {
        this.name = name;
        this.active = active;
        this.state = state;
    }

    @Override
    public void request(MdsRequest req, StreamObserver<MdsReply> out) {
        RankServer rank = active.get();
        if (rank == null) {
            answer(out, error(req, ErrorCode.EAGAIN, "mds." + name + " is not active (" + state.get() + ")"));
            return;
        }
        if (req.getOpCase() == MdsRequest.OpCase.OP_NOT_SET) {
            answer(out, error(req, ErrorCode.EINVAL, "a request without an operation"));
            return;
        }
        try {
            rank.handle(req).whenComplete((reply, failure) -> {
                if (failure == null) {
                    answer(out, reply);
                    return;
                }
                Throwable t = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                if (t instanceof io.cairn.common.CairnException ce) {
                    // ESTALE: a newer MDS took the rank (the journal fenced us); the client must look it up
                    ErrorCode code = ce.code() == ErrorCode.ESTALE ? ErrorCode.EAGAIN : ce.code();
                    answer(out, error(req, code, ce.getMessage()));
                } else {
                    LOG.warn("request {} of client {} failed", req.getTid(), req.getClientId(), t);
                    answer(out, error(req, ErrorCode.EIO, String.valueOf(t)));
                }
            });
        } catch (RuntimeException e) {
            LOG.warn("request {} of client {} refused", req.getTid(), req.getClientId(), e);
            answer(out, error(req, ErrorCode.EIO, String.valueOf(e)));
        }
    }

    private static MdsReply error(MdsRequest req, ErrorCode code, String message) {
        return MdsReply.newBuilder().setTid(req.getTid()).setCode(code.code()).setMessage(message).build();
    }

    private static void answer(StreamObserver<MdsReply> out, MdsReply reply) {
        try {
            out.onNext(reply);
            out.onCompleted();
        } catch (RuntimeException e) {
            LOG.debug("reply not sent: {}", e.toString());
        }
    }
}
