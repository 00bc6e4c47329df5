package io.cairn.mon;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.proto.v1.Ack;
import io.cairn.proto.v1.CommandReply;
import io.cairn.proto.v1.CommandRequest;
import io.cairn.proto.v1.GetIncrementalsReply;
import io.cairn.proto.v1.GetIncrementalsRequest;
import io.cairn.proto.v1.GetMapReply;
import io.cairn.proto.v1.GetMapRequest;
import io.cairn.proto.v1.FsMapData;
import io.cairn.proto.v1.GetFsMapRequest;
import io.cairn.proto.v1.MapUpdate;
import io.cairn.proto.v1.MdsBeaconReply;
import io.cairn.proto.v1.MdsBeaconRequest;
import io.cairn.proto.v1.MonServiceGrpc;
import io.cairn.proto.v1.OsdBeaconRequest;
import io.cairn.proto.v1.OsdBootReply;
import io.cairn.proto.v1.OsdBootRequest;
import io.cairn.proto.v1.OsdFailureRequest;
import io.cairn.proto.v1.SubscribeRequest;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The monitor's gRPC face. Every handler hands its work to Ratis asynchronously and answers from
 * the callback, so no gRPC thread ever waits on consensus. Errors become replies with a code and
 * a message (commands) or a gRPC status with the same (the OSD calls); the monitor keeps serving.
 */
final class MonServiceImpl extends MonServiceGrpc.MonServiceImplBase {
    private final MonDaemon daemon;
    private final Timer readLatency;
    private final Timer writeLatency;

    MonServiceImpl(MonDaemon daemon, MeterRegistry registry) {
        this.daemon = daemon;
        readLatency = Timer.builder("cairn.mon.command.latency").tag("kind", "read")
                .description("Time to answer a read command").publishPercentileHistogram().register(registry);
        writeLatency = Timer.builder("cairn.mon.command.latency").tag("kind", "write")
                .description("Time to commit and answer a map-changing command").publishPercentileHistogram()
                .register(registry);
    }

    @Override
    public void command(CommandRequest asked, StreamObserver<CommandReply> out) {
        long start = System.nanoTime();
        CommandRequest req = BlocklistCommands.unalias(asked);
        String prefix = req.getPrefix();
        if (!daemon.hasLeader()) {
            // cut off from the quorum (or still electing): refuse now rather than queue a proposal
            // that could commit long after the client gave up; UNAVAILABLE sends it to another monitor
            out.onError(Status.UNAVAILABLE.withDescription("monitor " + daemon.name() + " has no quorum (electing)")
                    .asRuntimeException());
            return;
        }
        CompletableFuture<CommandReply> f;
        Timer timer;
        if (ReadCommands.isRead(prefix) || ConfigViews.READS.contains(prefix)) {
            timer = readLatency;
            f = daemon.calls().read(req);
        } else if (prefix.equals("mon add") || prefix.equals("mon remove")) {
            timer = writeLatency;
            f = daemon.changeMonitors(req);
        } else if (prefix.equals(REWEIGHT_BY_UTILIZATION)) {
            // the leader plans from its PG stats; every monitor then applies the same explicit weights
            timer = writeLatency;
            f = daemon.calls().read(req.toBuilder().setPrefix("osd test-" + REWEIGHT_BY_UTILIZATION.substring(4)).build())
                    .thenCompose(plan -> applyReweights(req, plan));
        } else if (WriteCommands.isWrite(prefix) || FsCommands.isWrite(prefix) || NoteCommands.WRITES.contains(prefix)
                || ConfigCommands.WRITES.contains(prefix)) {
            timer = writeLatency;
            if (WriteCommands.INTERNAL.contains(prefix) || MdsStateChanges.INTERNAL.contains(prefix)) {
                f = CompletableFuture.completedFuture(error(ErrorCode.EPERM, "'" + prefix + "' is for monitors only"));
            } else {
                try {
                    f = daemon.calls().propose(CommandPreparer.prepare(req, daemon.config()), false);
                } catch (CairnException e) {
                    f = CompletableFuture.completedFuture(error(e.code(), e.getMessage()));
                } catch (IllegalArgumentException e) {
                    f = CompletableFuture.completedFuture(error(ErrorCode.EINVAL, e.getMessage()));
                }
            }
        } else {
            timer = readLatency;
            f = CompletableFuture.completedFuture(error(ErrorCode.EINVAL, "unknown command '" + prefix + "'"));
        }
        f.whenComplete((reply, err) -> {
            timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            out.onNext(err == null ? reply : error(ErrorCode.EAGAIN, MonDaemon.describe(err)));
            out.onCompleted();
        });
    }

    static final String REWEIGHT_BY_UTILIZATION = "osd reweight-by-utilization";

    private CompletableFuture<CommandReply> applyReweights(CommandRequest req, CommandReply plan) {
        if (plan.getCode() != 0) {
            return CompletableFuture.completedFuture(plan);
        }
        Object weights = ((java.util.Map<?, ?>) io.cairn.common.cli.Json.parse(plan.getOutputJson())).get("weights");
        if (weights == null || weights.toString().isEmpty()) {
            return CompletableFuture.completedFuture(plan.toBuilder().setMessage("no change").build());
        }
        CommandRequest apply = CommandRequest.newBuilder().setPrefix("osd reweightn").setEntity(req.getEntity())
                .putArgs("weights", weights.toString()).build();
        return daemon.calls().propose(apply, false).thenApply(r -> r.getCode() != 0 ? r
                : plan.toBuilder().setEpoch(r.getEpoch()).setMessage(r.getMessage()).build());
    }

    private static CommandReply error(ErrorCode code, String message) {
        return CommandReply.newBuilder().setCode(code.code()).setMessage(message).build();
    }

    @Override
    public void getMap(GetMapRequest req, StreamObserver<GetMapReply> out) {
        daemon.calls().getMap(req.getEpoch()).whenComplete((reply, err) -> {
            if (err != null) {
                out.onError(Status.UNAVAILABLE.withDescription(MonDaemon.describe(err)).asRuntimeException());
            } else if (!reply.hasMap()) {
                out.onError(Status.NOT_FOUND.withDescription("epoch " + req.getEpoch() + " is not kept, or the cluster "
                        + "is not initialised yet").asRuntimeException());
            } else {
                out.onNext(reply);
                out.onCompleted();
            }
        });
    }

    @Override
    public void getIncrementals(GetIncrementalsRequest req, StreamObserver<GetIncrementalsReply> out) {
        out.onNext(daemon.stateMachine().incrementals(req.getSinceEpoch(), req.getMaxCount()));
        out.onCompleted();
    }

    @Override
    public void subscribe(SubscribeRequest req, StreamObserver<MapUpdate> out) {
        daemon.subscriptions().add((ServerCallStreamObserver<MapUpdate>) out, req.getHaveEpoch());
    }

    @Override
    public void osdBoot(OsdBootRequest req, StreamObserver<OsdBootReply> out) {
        CommandRequest cmd = CommandRequest.newBuilder().setPrefix("osd boot").setEntity("osd." + req.getOsdId())
                .putArgs("id", Integer.toString(req.getOsdId())).putArgs("uuid", req.getUuid())
                .putArgs("addr", req.getAddress()).putArgs("host", req.getHost())
                .putArgs("crush_location", req.getCrushLocation())
                .putArgs("weight", Double.toString(req.getCrushWeight())).build();
        daemon.calls().propose(cmd, true).whenComplete((reply, err) -> {
            if (err != null) {
                out.onError(Status.UNAVAILABLE.withDescription(MonDaemon.describe(err)).asRuntimeException());
            } else if (reply.getCode() != 0) {
                out.onError(Status.FAILED_PRECONDITION.withDescription(reply.getMessage()).asRuntimeException());
            } else {
                out.onNext(OsdBootReply.newBuilder().setEpoch(reply.getEpoch()).build());
                out.onCompleted();
            }
        });
    }

    @Override
    public void osdBeacon(OsdBeaconRequest req, StreamObserver<Ack> out) {
        ack(daemon.calls().beacon(req), out);
    }

    @Override
    public void osdFailure(OsdFailureRequest req, StreamObserver<Ack> out) {
        ack(daemon.calls().failure(req), out);
    }

    @Override
    public void osdStats(io.cairn.proto.v1.OsdStatsRequest req, StreamObserver<Ack> out) {
        ack(daemon.calls().stats(req), out);
    }

    /** Beacons feed the leader's tracker; the reply is the FsMap the leader has, so the daemon learns its role. */
    @Override
    public void mdsBeacon(MdsBeaconRequest req, StreamObserver<MdsBeaconReply> out) {
        if (!daemon.hasLeader()) {
            out.onError(Status.UNAVAILABLE.withDescription("monitor " + daemon.name() + " has no quorum (electing)")
                    .asRuntimeException());
            return;
        }
        answer(daemon.calls().mdsBeacon(req), out);
    }

    @Override
    public void getFsMap(GetFsMapRequest req, StreamObserver<FsMapData> out) {
        answer(daemon.calls().getFsMap(), out);
    }

    private static <T> void answer(CompletableFuture<T> f, StreamObserver<T> out) {
        f.whenComplete((reply, err) -> {
            if (err != null) {
                out.onError(Status.UNAVAILABLE.withDescription(MonDaemon.describe(err)).asRuntimeException());
            } else {
                out.onNext(reply);
                out.onCompleted();
            }
        });
    }

    private static void ack(CompletableFuture<CommandReply> f, StreamObserver<Ack> out) {
        f.whenComplete((reply, err) -> {
            if (err != null) {
                out.onError(Status.UNAVAILABLE.withDescription(MonDaemon.describe(err)).asRuntimeException());
            } else {
                out.onNext(Ack.newBuilder().setCode(reply.getCode()).setMessage(reply.getMessage())
                        .setEpoch(reply.getEpoch()).build());
                out.onCompleted();
            }
        });
    }
}
