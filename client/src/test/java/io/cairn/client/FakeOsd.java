package io.cairn.client;

import io.cairn.common.ErrorCode;
import io.cairn.common.Invariants;
import io.cairn.common.net.HostPort;
import io.cairn.common.net.Messenger;
import io.cairn.common.net.RpcErrors;
import io.cairn.proto.v1.OpReply;
import io.cairn.proto.v1.OpRequest;
import io.cairn.proto.v1.OsdServiceGrpc;
import io.grpc.Server;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;

/**
 * An OSD that answers client ops by a scripted {@link Policy} (by default: apply them to its
 * {@link FakeStore}) and records each answer in the test's {@link OpLog}. A real gRPC server on
 * 127.0.0.1, so the client's Objecter runs unchanged against it.
 */
final class FakeOsd extends OsdServiceGrpc.OsdServiceImplBase implements AutoCloseable {
    private static final int MESSAGE_MAX_BYTES = 16 << 20;
    private static final long CLOSE_WAIT_MS = 5_000;

    /**
     * How the OSD answers one request; it may throw a StatusRuntimeException to fail the call instead,
     * or return null to never answer (a frozen OSD).
     */
    @FunctionalInterface
    interface Policy {
        OpReply answer(OpRequest req, FakeOsd osd);
    }

    private final int id;
    private final OpLog log;
    private final FakeStore store = new FakeStore();
    private final Server server;
    private volatile Policy policy = (req, osd) -> osd.store().apply(req);
    private volatile boolean closed;

    FakeOsd(int id, OpLog log) {
        this.id = id;
        this.log = log;
        // handlers never block, so they run on the transport threads: no executor to bound or shut down
        server = Messenger.server(new HostPort("127.0.0.1", 0), Runnable::run, MESSAGE_MAX_BYTES).addService(this).build();
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int id() {
        return id;
    }

    String address() {
        return "127.0.0.1:" + server.getPort();
    }

    FakeStore store() {
        return store;
    }

    FakeOsd policy(Policy p) {
        policy = p;
        return this;
    }

    /** A reply with {@code code} and {@code message}, stamped with {@code epoch}. */
    static OpReply reply(ErrorCode code, String message, int epoch) {
        return OpReply.newBuilder().setCode(code.code()).setMessage(message).setEpoch(epoch).build();
    }

    @Override
    public void op(OpRequest req, StreamObserver<OpReply> out) {
        OpReply r;
        try {
            r = policy.answer(req, this);
        } catch (StatusRuntimeException e) {
            log.add(OpLog.Entry.of(id, req, RpcErrors.codeOf(e.getStatus()), 0));
            out.onError(e);
            return;
        }
        if (r == null) {
            return;
        }
        log.add(OpLog.Entry.of(id, req, ErrorCode.of(r.getCode()), r.getVersion()));
        out.onNext(r);
        out.onCompleted();
    }

    /**
     * The op stream: each request answered by the policy, the reply naming its tid; a policy that
     * throws fails the whole stream with its status (a stream has no per-op call to fail).
     */
    @Override
    public StreamObserver<OpRequest> opStream(StreamObserver<OpReply> out) {
        return new StreamObserver<>() {
            private boolean failed;

            @Override
            public synchronized void onNext(OpRequest req) {
                if (failed) {
                    return;
                }
                OpReply r;
                try {
                    r = policy.answer(req, FakeOsd.this);
                } catch (StatusRuntimeException e) {
                    log.add(OpLog.Entry.of(id, req, RpcErrors.codeOf(e.getStatus()), 0));
                    failed = true;
                    out.onError(e);
                    return;
                }
                if (r == null) {
                    return;
                }
                log.add(OpLog.Entry.of(id, req, ErrorCode.of(r.getCode()), r.getVersion()));
                out.onNext(r.toBuilder().setTid(req.getTid()).build());
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public synchronized void onCompleted() {
                if (!failed) {
                    out.onCompleted();
                }
            }
        };
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            server.shutdownNow();
            try {
                Invariants.check(server.awaitTermination(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS), "fake osd.%d did not stop", id);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while stopping a fake server", e);
            }
        }
    }
}
