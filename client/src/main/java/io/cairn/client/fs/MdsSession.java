package io.cairn.client.fs;

import io.cairn.client.RadosException;
import io.cairn.common.ErrorCode;
import io.cairn.common.net.HostPort;
import io.cairn.common.net.Messenger;
import io.cairn.proto.v1.FsMapData;
import io.cairn.proto.v1.MdsReply;
import io.cairn.proto.v1.MdsRequest;
import io.cairn.proto.v1.MdsServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client's requests to the active MDS of rank 0. Every request keeps its tid across resends, so
 * after a failover the new MDS answers a request the old one had made safe from its journal
 * instead of applying it twice. The MDS to ask comes from the FsMap; while the rank has no active
 * daemon the request waits, up to the op timeout.
 */
final class MdsSession implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MdsSession.class);
    private static final int MESSAGE_MAX_BYTES = 16 << 20;
    /** One try waits this long for its reply before the MDS is looked up again and the request resent. */
    private static final long TRY_TIMEOUT_MS = 20_000;
    private static final long RETRY_SLEEP_MS = 200;

    private final Supplier<FsMapData> fsMaps;
    private final String fsName;
    private final long clientId;
    private final long opTimeoutMs;
    private final AtomicLong nextTid = new AtomicLong(1);
    private final ConcurrentSkipListSet<Long> inFlight = new ConcurrentSkipListSet<>();
    private final Object targetLock = new Object();
    private Target target;
    private volatile boolean closed;

    private record Target(String addr, ManagedChannel channel, MdsServiceGrpc.MdsServiceBlockingStub stub) { }

    MdsSession(Supplier<FsMapData> fsMaps, String fsName, long clientId, long opTimeoutMs) {
        this.fsMaps = fsMaps;
        this.fsName = fsName;
        this.clientId = clientId;
        this.opTimeoutMs = opTimeoutMs;
    }

    long clientId() {
        return clientId;
    }

    /** Sends one request (resending it to whichever MDS holds the rank) and returns its successful reply. */
    MdsReply call(MdsRequest.Builder request) {
        long tid = nextTid.getAndIncrement();
        inFlight.add(tid);
        try {
            return callOnce(request.setClientId(clientId).setTid(tid));
        } finally {
            inFlight.remove(tid);
        }
    }

    private MdsReply callOnce(MdsRequest.Builder request) {
        long deadlineMs = System.currentTimeMillis() + opTimeoutMs;
        String lastProblem = "no active MDS";
        for (int attempt = 0; System.currentTimeMillis() < deadlineMs; attempt++) {
            if (closed) {
                throw new RadosException.IoError("the file system is unmounted");
            }
            if (attempt > 0) {
                sleep(Math.min(RETRY_SLEEP_MS * attempt, 1_000));
            }
            Target t = target(attempt > 0);
            if (t == null) {
                continue;
            }
            Long oldest = inFlight.isEmpty() ? null : inFlight.first();
            MdsRequest req = request.setOldestClientTid(oldest == null ? request.getTid() : oldest).build();
            long tryMs = Math.max(1, Math.min(TRY_TIMEOUT_MS, deadlineMs - System.currentTimeMillis()));
            MdsReply reply;
            try {
                reply = t.stub().withDeadlineAfter(tryMs, TimeUnit.MILLISECONDS).request(req);
            } catch (StatusRuntimeException e) {
                Status.Code c = e.getStatus().getCode();
                if (c == Status.Code.UNAVAILABLE || c == Status.Code.DEADLINE_EXCEEDED || c == Status.Code.CANCELLED
                        || c == Status.Code.UNKNOWN) {
                    lastProblem = "mds at " + t.addr() + ": " + c;
                    dropTarget(t);
                    continue;
                }
                throw new RadosException.IoError("mds at " + t.addr() + ": " + e.getStatus());
            }
            if (reply.getCode() == ErrorCode.EAGAIN.code()) {
                lastProblem = reply.getMessage();
                dropTarget(t);
                continue;
            }
            if (reply.getCode() != 0) {
                throw RadosException.of(ErrorCode.of(reply.getCode()), reply.getMessage());
            }
            return reply;
        }
        throw new RadosException.Timeout("file system '" + fsName + "': no answer within " + opTimeoutMs + " ms ("
                + lastProblem + ")");
    }

    private Target target(boolean refresh) {
        synchronized (targetLock) {
            if (target != null && !refresh) {
                return target;
            }
            String addr = FsMaps.activeAddress(fsMaps.get(), fsName);
            if (addr == null) {
                return null;
            }
            if (target != null && target.addr().equals(addr)) {
                return target;
            }
            if (target != null) {
                target.channel().shutdownNow();
            }
            ManagedChannel ch = Messenger.newChannel(HostPort.parse(addr), MESSAGE_MAX_BYTES);
            target = new Target(addr, ch, MdsServiceGrpc.newBlockingStub(ch));
            LOG.debug("client {} talks to mds at {}", clientId, addr);
            return target;
        }
    }

    private void dropTarget(Target t) {
        synchronized (targetLock) {
            if (target == t) {
                target.channel().shutdownNow();
                target = null;
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RadosException.IoError("interrupted");
        }
    }

    @Override
    public void close() {
        closed = true;
        synchronized (targetLock) {
            if (target != null) {
                target.channel().shutdownNow();
                target = null;
            }
        }
    }
}
