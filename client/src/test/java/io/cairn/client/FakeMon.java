package io.cairn.client;

import io.cairn.common.Invariants;
import io.cairn.common.net.HostPort;
import io.cairn.common.net.Messenger;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.OsdMapCodec;
import io.cairn.common.osdmap.OsdMapIncremental;
import io.cairn.proto.v1.GetMapReply;
import io.cairn.proto.v1.GetMapRequest;
import io.cairn.proto.v1.MapUpdate;
import io.cairn.proto.v1.MonServiceGrpc;
import io.cairn.proto.v1.SubscribeRequest;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A monitor that serves only what a client reads: {@code getMap} (newest or by epoch) and
 * {@code subscribe} (the newest full map, then one incremental per {@link #publish}). A real gRPC
 * server on 127.0.0.1, so the client's MonClient and MapFollower run unchanged. Counts getMap
 * calls so a test can tell when the client refreshed its map.
 */
final class FakeMon extends MonServiceGrpc.MonServiceImplBase implements AutoCloseable {
    private static final int MESSAGE_MAX_BYTES = 16 << 20;
    private static final long CLOSE_WAIT_MS = 5_000;

    private final TreeMap<Integer, OsdMap> maps = new TreeMap<>();
    private final List<ServerCallStreamObserver<MapUpdate>> subscribers = new ArrayList<>();
    private final Server server;
    private int getMapCalls;

    FakeMon(OsdMap first) {
        maps.put(first.epoch(), first);
        // handlers never block, so they run on the transport threads: no executor to bound or shut down
        server = Messenger.server(new HostPort("127.0.0.1", 0), Runnable::run, MESSAGE_MAX_BYTES).addService(this).build();
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String address() {
        return "127.0.0.1:" + server.getPort();
    }

    synchronized OsdMap latest() {
        return maps.lastEntry().getValue();
    }

    /** Makes {@code next} (the epoch after the newest) the newest map, and streams it to subscribers. */
    synchronized void publish(OsdMap next) {
        OsdMap prev = latest();
        Invariants.check(next.epoch() == prev.epoch() + 1, "published epoch %d after %d", next.epoch(), prev.epoch());
        maps.put(next.epoch(), next);
        MapUpdate update = MapUpdate.newBuilder()
                .addIncrementals(OsdMapCodec.encode(OsdMapIncremental.between(prev, next))).build();
        for (ServerCallStreamObserver<MapUpdate> s : subscribers) {
            s.onNext(update);
        }
        notifyAll();
    }

    synchronized int getMapCalls() {
        return getMapCalls;
    }

    /** Waits until getMap has been called more than {@code calls} times; false after {@code timeout}. */
    synchronized boolean awaitGetMapCallsAbove(int calls, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (getMapCalls <= calls) {
            long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (leftMs <= 0) {
                return false;
            }
            wait(leftMs);
        }
        return true;
    }

    @Override
    public void getMap(GetMapRequest req, StreamObserver<GetMapReply> out) {
        OsdMap m;
        synchronized (this) {
            getMapCalls++;
            notifyAll();
            m = req.getEpoch() == 0 ? latest() : maps.get(req.getEpoch());
        }
        if (m == null) {
            out.onError(Status.NOT_FOUND.withDescription("no epoch " + req.getEpoch()).asRuntimeException());
            return;
        }
        out.onNext(GetMapReply.newBuilder().setMap(OsdMapCodec.encode(m)).build());
        out.onCompleted();
    }

    @Override
    public void subscribe(SubscribeRequest req, StreamObserver<MapUpdate> out) {
        ServerCallStreamObserver<MapUpdate> s = (ServerCallStreamObserver<MapUpdate>) out;
        // with a cancel handler, a send racing the client's hang-up is dropped rather than thrown
        s.setOnCancelHandler(() -> {
            synchronized (this) {
                subscribers.remove(s);
            }
        });
        // under the lock, so no publish slips between the full map and joining the list
        synchronized (this) {
            if (req.getHaveEpoch() < latest().epoch()) {
                s.onNext(MapUpdate.newBuilder().setFull(OsdMapCodec.encode(latest())).build());
            }
            subscribers.add(s);
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            subscribers.clear();
        }
        server.shutdownNow();
        try {
            Invariants.check(server.awaitTermination(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS), "fake mon did not stop");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping a fake server", e);
        }
    }
}
