package io.cairn.common.mon;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.config.CairnConfig;
import io.cairn.common.config.CairnConfigKeys;
import io.cairn.common.net.HostPort;
import io.cairn.common.net.Messenger;
import io.cairn.common.net.RpcErrors;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.OsdMapCodec;
import io.cairn.common.time.Pause;
import io.cairn.proto.v1.Ack;
import io.cairn.proto.v1.CommandReply;
import io.cairn.proto.v1.CommandRequest;
import io.cairn.proto.v1.GetMapRequest;
import io.cairn.proto.v1.MapUpdate;
import io.cairn.proto.v1.MonServiceGrpc;
import io.cairn.proto.v1.OsdBeaconRequest;
import io.cairn.proto.v1.OsdBootRequest;
import io.cairn.proto.v1.OsdFailureRequest;
import io.cairn.proto.v1.SubscribeRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Talks to the monitors listed in {@code mon_host}: commands, map fetches and subscriptions.
 * A call goes to the monitor that answered last; when it cannot be reached the next one is tried,
 * round the list, until the op timeout. Thread-safe; close it when done.
 */
public final class MonClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MonClient.class);
    private static final int MESSAGE_MAX_BYTES = 64 << 20;
    private static final long RETRY_SLEEP_MS = 200;
    /** A bound on the monitors a client tries (Ceph clusters run 3 or 5). */
    private static final int MONITORS_MAX = 16;

    /** Only ever appended to (monitors learned from the monitor map), channel first, so an index below the size has both. */
    private final List<String> addresses = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<ManagedChannel> channels = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean closed;
    private final Duration opTimeout;
    private final Duration tryTimeout;
    private final String entity;
    private volatile int current;

    public MonClient(List<String> monAddresses, String entity, Duration opTimeout, Duration tryTimeout) {
        if (monAddresses.isEmpty()) {
            throw new IllegalArgumentException("no monitors to talk to: set mon_host");
        }
        this.entity = entity;
        this.opTimeout = opTimeout;
        this.tryTimeout = tryTimeout;
        for (String a : monAddresses) {
            HostPort to;
            try {
                to = HostPort.parse(a);
            } catch (CairnException e) {
                throw new IllegalArgumentException("bad monitor address in mon_host: " + e.getMessage());
            }
            channels.add(Messenger.newChannel(to, MESSAGE_MAX_BYTES));
            addresses.add(a);
        }
    }

    /**
     * Asks the monitors for their map ({@code mon dump}) and adds the monitors not in
     * {@code mon_host} to the ones this client tries, as Ceph's clients follow the monmap: a
     * long-lived client or daemon keeps reaching the quorum after its initial monitors were
     * replaced. Returns the addresses learned; failures leave the list as it was.
     */
    public List<String> learnMonitors() {
        List<String> learned = new ArrayList<>();
        if (closed) {
            return learned;
        }
        CommandReply r;
        try {
            r = command("mon dump", Map.of());
        } catch (CairnException e) {
            LOG.debug("mon dump failed: {}", e.getMessage());
            return learned;
        }
        if (r.getCode() != 0 || r.getOutputJson().isEmpty()) {
            return learned;
        }
        Object mons = ((Map<?, ?>) io.cairn.common.cli.Json.parse(r.getOutputJson())).get("mons");
        if (!(mons instanceof List<?> list)) {
            return learned;
        }
        synchronized (this) {
            for (Object m : list) {
                Object addr = m instanceof Map<?, ?> mm ? mm.get("public_addr") : null;
                if (closed || addr == null || addresses.contains(addr.toString()) || addresses.size() >= MONITORS_MAX) {
                    continue;
                }
                try {
                    channels.add(Messenger.newChannel(HostPort.parse(addr.toString()), MESSAGE_MAX_BYTES));
                    addresses.add(addr.toString());
                    learned.add(addr.toString());
                } catch (CairnException e) {
                    LOG.warn("monitor map names a bad address '{}': {}", addr, e.getMessage());
                }
            }
        }
        if (!learned.isEmpty()) {
            LOG.info("learned monitors {} from the monitor map", learned);
        }
        return learned;
    }

    /** From {@code mon_host}, {@code rados_mon_op_timeout} and {@code client_mon_connect_timeout}. */
    public static MonClient fromConfig(CairnConfig config) {
        String hosts = config.get(CairnConfigKeys.Global.MON_HOST).strip();
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("mon_host is not set: pass -c cairn.conf or --mon_host");
        }
        return new MonClient(List.of(hosts.split("\\s*,\\s*")), config.entity(),
                config.get(CairnConfigKeys.Client.MON_OP_TIMEOUT), config.get(CairnConfigKeys.Client.MON_CONNECT_TIMEOUT));
    }

    public List<String> addresses() {
        return List.copyOf(addresses);
    }

    /** Runs a mon command; the reply carries the code (0 or a negative errno) and the output. */
    public CommandReply command(String prefix, Map<String, String> args) {
        CommandRequest req = CommandRequest.newBuilder().setPrefix(prefix).putAllArgs(args).setEntity(entity).build();
        return call(stub -> stub.command(req));
    }

    /** The map at an epoch (0 = newest). */
    public OsdMap getMap(int epoch) {
        return OsdMapCodec.decode(call(stub -> stub.getMap(GetMapRequest.newBuilder().setEpoch(epoch).build())).getMap());
    }

    /** An OSD announces itself: returns the epoch in which it is up. */
    public int osdBoot(int osdId, String uuid, String address, String host, String crushLocation, double crushWeight) {
        OsdBootRequest req = OsdBootRequest.newBuilder().setOsdId(osdId).setUuid(uuid).setAddress(address).setHost(host)
                .setCrushLocation(crushLocation).setCrushWeight(crushWeight).build();
        try {
            return call(stub -> stub.osdBoot(req)).getEpoch();
        } catch (CairnException e) {
            throw new CairnException(ErrorCode.EINVAL, e.getMessage());
        }
    }

    /** An OSD's periodic sign of life. */
    public Ack osdBeacon(int osdId, int epoch) {
        return call(stub -> stub.osdBeacon(OsdBeaconRequest.newBuilder().setOsdId(osdId).setEpoch(epoch).build()));
    }

    /** {@code reporter} cannot reach {@code target} (or, with stillAlive, can again). */
    public Ack osdFailure(int reporter, int target, int epoch, boolean stillAlive, int failedForSec) {
        return call(stub -> stub.osdFailure(OsdFailureRequest.newBuilder().setReporter(reporter).setTarget(target)
                .setEpoch(epoch).setStillAlive(stillAlive).setFailedForSec(failedForSec).build()));
    }

    /** An OSD's periodic report of its space and its primary PGs. */
    public Ack osdStats(io.cairn.proto.v1.OsdStatsRequest req) {
        return call(stub -> stub.osdStats(req));
    }

    /** An MDS's periodic beacon; the reply carries the newest FsMap. */
    public io.cairn.proto.v1.MdsBeaconReply mdsBeacon(io.cairn.proto.v1.MdsBeaconRequest req) {
        return call(stub -> stub.mdsBeacon(req));
    }

    /** The newest FsMap: file systems, their ranks and the MDS daemons. */
    public io.cairn.proto.v1.FsMapData getFsMap() {
        return call(stub -> stub.getFsMap(io.cairn.proto.v1.GetFsMapRequest.getDefaultInstance()));
    }

    /** The address of the monitor that answered last. */
    public String currentMonitor() {
        return addresses.get(current);
    }

    private interface Call<T> {
        T run(MonServiceGrpc.MonServiceBlockingStub stub);
    }

    private <T> T call(Call<T> call) {
        long deadline = System.nanoTime() + opTimeout.toNanos();
        StatusRuntimeException last = null;
        int attempts = 0;
        while (System.nanoTime() < deadline && attempts < 1000) {
            if (closed) {
                throw new CairnException(ErrorCode.ECANCELED, "the monitor client is closed");
            }
            int i = current;
            long leftMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
            try {
                return call.run(Messenger.withDeadline(MonServiceGrpc.newBlockingStub(channels.get(i)),
                        Math.min(leftMs, tryTimeout.toMillis())));
            } catch (StatusRuntimeException e) {
                Status.Code code = e.getStatus().getCode();
                // CANCELLED: the monitor went away mid-call (stopped, or removed from the map); ask another
                if (code != Status.Code.UNAVAILABLE && code != Status.Code.DEADLINE_EXCEEDED && code != Status.Code.CANCELLED) {
                    ErrorCode ec = RpcErrors.codeOf(e.getStatus());
                    throw new CairnException(ec == ErrorCode.EAGAIN ? ErrorCode.EIO : ec,
                            e.getStatus().getDescription() == null ? code.toString() : e.getStatus().getDescription());
                }
                last = e;
                LOG.debug("mon {} unavailable: {}", addresses.get(i), e.getStatus());
                current = (i + 1) % addresses.size();
                attempts++;
                if (attempts % addresses.size() == 0) {
                    Pause.ms(RETRY_SLEEP_MS);
                }
            }
        }
        throw new CairnException(ErrorCode.ETIMEDOUT, "no monitor answered within " + opTimeout.toSeconds() + "s (tried "
                + String.join(", ", addresses) + ")" + (last == null ? "" : ": " + last.getStatus().getCode()
                + (last.getStatus().getDescription() == null ? "" : " " + last.getStatus().getDescription())));
    }


    /** Moves to the next monitor (after a subscription broke). */
    public void rotate() {
        current = (current + 1) % addresses.size();
    }

    /** Streams map updates from the current monitor into {@code observer} (from {@code haveEpoch}). */
    public void subscribe(int haveEpoch, StreamObserver<MapUpdate> observer) {
        MonServiceGrpc.newStub(channels.get(current)).subscribe(
                SubscribeRequest.newBuilder().setHaveEpoch(haveEpoch).build(), observer);
    }

    @Override
    public synchronized void close() {
        closed = true;
        for (ManagedChannel c : channels) {
            c.shutdownNow();
        }
        for (ManagedChannel c : channels) {
            try {
                c.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
