package io.cairn.client;

import io.cairn.common.net.RpcErrors;
import io.cairn.proto.v1.OpReply;
import io.cairn.proto.v1.OpRequest;
import io.cairn.proto.v1.OsdServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * This client's op stream to each OSD (Ceph's OSD session): small operations go out on one
 * long-lived stream per OSD, with no call set-up, headers or deadline of their own, and each
 * reply comes back naming its tid. A stream that breaks fails every operation waiting on it (to be
 * resent); an operation nobody answers fails at its deadline, found by {@link #expire}.
 */
final class OsdSessions implements AutoCloseable {
    /** What an operation sent on a stream waits for: its reply, or word that none will come. */
    interface Waiter {
        long deadlineNanos();

        void onReply(OpReply reply);

        /**
         * The stream broke, or the deadline passed: the reason, for the operation's last failure, and
         * whether a resend may fix it (a stream that failed for any other reason than the network's
         * or the OSD's going away fails its operations for good, as a failed call would).
         */
        void onFailure(String why, boolean resendable);
    }

    private final Function<String, ManagedChannel> channels;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    OsdSessions(Function<String, ManagedChannel> channels) {
        this.channels = channels;
    }

    /** Sends {@code req} to the OSD at {@code address} on its stream; {@code w} hears the outcome once. */
    void send(String address, OpRequest req, Waiter w) {
        // a session found broken was just replaced; one more try on the new one
        for (int tries = 0; tries < 2; tries++) {
            Session s = sessions.computeIfAbsent(address, Session::new);
            if (s.send(req, w)) {
                return;
            }
            sessions.remove(address, s);
        }
        w.onFailure("the stream to " + address + " broke as the operation was sent", true);
    }

    /** Fails every operation past its deadline (called now and then; bounded by what is in flight). */
    void expire(long nowNanos) {
        for (Session s : sessions.values()) {
            s.expire(nowNanos);
        }
    }

    @Override
    public void close() {
        for (Session s : sessions.values()) {
            s.end();
        }
        sessions.clear();
    }

    private final class Session implements StreamObserver<OpReply> {
        private final String address;
        private final Map<Long, Waiter> waiting = new ConcurrentHashMap<>();
        /** Guarded by {@code this}, as are {@code broken} and every call on it. */
        private StreamObserver<OpRequest> requests;
        private boolean broken;

        Session(String address) {
            this.address = address;
        }

        synchronized boolean send(OpRequest req, Waiter w) {
            if (requests == null && !broken) {
                // started by its first operation, outside the map's update (a failure may remove it)
                requests = OsdServiceGrpc.newStub(channels.apply(address)).opStream(this);
            }
            if (broken) {
                return false;
            }
            waiting.put(req.getTid(), w);
            requests.onNext(req);
            return true;
        }

        @Override
        public void onNext(OpReply reply) {
            Waiter w = waiting.remove(reply.getTid());
            if (w != null) {
                w.onReply(reply);
            }
        }

        @Override
        public void onError(Throwable t) {
            Status status = Status.fromThrowable(t);
            boolean resendable = RpcErrors.isTransient(status);
            fail("osd at " + address + (resendable ? " unreachable: " + status.getCode() : ": " + status), resendable);
        }

        @Override
        public void onCompleted() {
            fail("osd at " + address + " ended the stream", true);
        }

        private void fail(String why, boolean resendable) {
            synchronized (this) {
                broken = true;
            }
            sessions.remove(address, this);
            // nothing is added once broken is set, so this drains every waiter exactly once
            for (Long tid : new ArrayList<>(waiting.keySet())) {
                Waiter w = waiting.remove(tid);
                if (w != null) {
                    w.onFailure(why, resendable);
                }
            }
        }

        void expire(long nowNanos) {
            List<Long> late = new ArrayList<>();
            waiting.forEach((tid, w) -> {
                if (nowNanos - w.deadlineNanos() >= 0) {
                    late.add(tid);
                }
            });
            for (Long tid : late) {
                Waiter w = waiting.remove(tid);
                if (w != null) {
                    w.onFailure("osd at " + address + " did not answer in time", true);
                }
            }
        }

        synchronized void end() {
            if (!broken) {
                broken = true;
                if (requests != null) {
                    requests.onCompleted();
                }
            }
        }
    }
}
