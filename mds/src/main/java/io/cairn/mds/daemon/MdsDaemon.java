package io.cairn.mds.daemon;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.config.CairnConfig;
import io.cairn.common.config.CairnConfigKeys;
import io.cairn.common.metrics.MetricsServer;
import io.cairn.common.mon.MonClient;
import io.cairn.common.net.HostPort;
import io.cairn.common.net.Messenger;
import io.cairn.common.time.Clock;
import io.cairn.mds.CapLocker;
import io.cairn.mds.ClientSessions;
import io.cairn.proto.v1.CommandReply;
import io.cairn.proto.v1.Filesystem;
import io.cairn.proto.v1.FsMapData;
import io.cairn.proto.v1.MdsBeaconReply;
import io.cairn.proto.v1.MdsBeaconRequest;
import io.cairn.proto.v1.MdsHealthMetric;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.grpc.Server;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MDS process, {@code cairn mds --id a}: serves {@code MdsService}, beacons to the monitors and
 * follows what the FsMap in each beacon reply says ({@link MdsRole}): standby until given a rank,
 * then replay (fencing the previous holder's journal), reconnect, rejoin, active. Failed by the
 * monitors (silent past {@code mds_beacon_grace}, or replaced), it drops the rank and comes back
 * as a new daemon. A thin shell: the rank's work is the {@link RankServer}'s.
 */
public final class MdsDaemon implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MdsDaemon.class);
    private static final int MESSAGE_MAX_BYTES = 16 << 20;
    /** While a step waits for the monitors to record it, beacon this often instead of every interval. */
    private static final long CHANGING_BEACON_MS = 200;
    private static final long TICK_MS = 1000;
    /** Client requests that may wait for up:active over all streams. */
    private static final int REQUESTS_WAITING_MAX = 10_000;
    /** How a rank that cannot be served says so (MdsRank.open's EIO): the rank is reported damaged. */
    private static final String DAMAGE_PREFIX = "MDS_DAMAGE";

    private final String name;
    private final CairnConfig config;
    private final MonClient mon;
    private final RankServer.Opener opener;
    private final PrometheusMeterRegistry registry;
    private final ScheduledExecutorService beaconThread;
    private final ExecutorService replayThread;
    private final ScheduledExecutorService tickThread;
    /** Monitor calls on behalf of sessions (blocklisting) and admin commands: never a gRPC thread. */
    private final ExecutorService adminThread;
    private final SecureRandom random = new SecureRandom();
    private final long beaconIntervalMs;
    private Server grpc;
    private MetricsServer metrics;
    private String address;
    // beacon thread only, except the two volatiles read by the service
    private MdsRole role;
    private long gid;
    private long seq;
    private long nextBeaconAtMs;
    private int fsmapEpoch;
    private volatile RankServer held;
    private volatile MdsServiceImpl.Serving active;
    /** The file system as the newest FsMap has it (its session_timeout and session_autoclose). */
    private volatile Filesystem servedFs;
    private volatile boolean closed;
    private final Counter capRevokes;

    private MdsDaemon(String name, CairnConfig config, MonClient mon, Function<PrometheusMeterRegistry,
            RankServer.Opener> opener) {
        this.name = name;
        this.config = config;
        this.mon = mon;
        this.registry = MetricsServer.newRegistry(config.entity());
        this.opener = opener.apply(registry);
        this.capRevokes = Counter.builder("cairn.mds.cap.revokes").description("Cap revocations sent to clients")
                .register(registry);
        this.beaconIntervalMs = Math.max(100, config.get(CairnConfigKeys.Mds.BEACON_INTERVAL).toMillis());
        this.beaconThread = Executors.newSingleThreadScheduledExecutor(r -> daemonThread(r, "mds-beacon"));
        this.replayThread = Executors.newSingleThreadExecutor(r -> daemonThread(r, "mds-replay"));
        this.tickThread = Executors.newSingleThreadScheduledExecutor(r -> daemonThread(r, "mds-tick"));
        this.adminThread = Executors.newSingleThreadExecutor(r -> daemonThread(r, "mds-admin"));
        newIdentity();
    }

    /** Starts serving and beaconing; the rank (if the monitors give one) is opened by {@code opener}. */
    public static MdsDaemon start(CairnConfig config, String name, Function<PrometheusMeterRegistry,
            RankServer.Opener> opener) throws IOException {
        MonClient mon = MonClient.fromConfig(config);
        MdsDaemon d = new MdsDaemon(name, config, mon, opener);
        try {
            d.startServing();
        } catch (IOException | RuntimeException e) {
            d.close();
            throw e;
        }
        return d;
    }

    private static Thread daemonThread(Runnable r, String threadName) {
        Thread t = new Thread(r, threadName);
        t.setDaemon(true);
        return t;
    }

    private void startServing() throws IOException {
        HostPort bind = HostPort.parse(config.get(CairnConfigKeys.Global.PUBLIC_ADDR));
        grpc = Messenger.serverOnNetworkThreads(bind, MESSAGE_MAX_BYTES)
                .addService(new MdsServiceImpl(name, () -> active, this::stateForClients))
                .addService(new MdsTellService(name, () -> active, this::stateForClients,
                        () -> config.get(CairnConfigKeys.Mds.SESSION_BLOCKLIST_ON_EVICT))).build().start();
        address = bind.host() + ":" + grpc.getPort();
        Gauge.builder("cairn.mds.fsmap.epoch", this, d -> d.fsmapEpoch).description("Newest FsMap epoch this MDS has")
                .register(registry);
        Gauge.builder("cairn.mds.active", this, d -> d.active == null || !d.active.active().isOpen() ? 0 : 1)
                .description("1 while this MDS serves a rank").register(registry);
        Gauge.builder("cairn.mds.client.sessions", this, d -> d.active == null ? 0
                        : d.active.sessions().list().size())
                .description("Client sessions of the rank this MDS serves").register(registry);
        Gauge.builder("cairn.mds.caps", this, d -> d.active == null ? 0 : d.active.sessions().list().stream()
                .mapToLong(SessionHub.Listed::numCaps).sum())
                .description("Inodes clients hold caps on, summed over clients").register(registry);
        int metricsOffset = config.get(CairnConfigKeys.Global.METRICS_PORT_OFFSET);
        if (metricsOffset > 0 && grpc.getPort() + metricsOffset < 65536) {
            try {
                metrics = MetricsServer.start(registry, bind.host(), grpc.getPort() + metricsOffset);
            } catch (IOException e) {
                LOG.warn("no metrics endpoint: {}", e.toString());
            }
        }
        beaconThread.scheduleWithFixedDelay(this::beaconRound, 0, CHANGING_BEACON_MS, TimeUnit.MILLISECONDS);
        tickThread.scheduleWithFixedDelay(this::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
        LOG.info("mds.{} serving on {} as gid {}", name, address, gid);
    }

    public String address() {
        return address;
    }

    private String stateForClients() {
        return role.wantedState();
    }

    private void newIdentity() {
        gid = random.nextLong() & Long.MAX_VALUE;
        if (gid == 0) {
            gid = 1;
        }
        role = new MdsRole(gid);
        nextBeaconAtMs = 0;
    }

    /** Runs every {@value #CHANGING_BEACON_MS} ms on the beacon thread; beacons when due. */
    private void beaconRound() {
        if (closed) {
            return;
        }
        long now = System.currentTimeMillis();
        if (now < nextBeaconAtMs && !role.changing()) {
            return;
        }
        nextBeaconAtMs = now + beaconIntervalMs;
        try {
            RankServer rank = held;
            List<MdsHealthMetric> health = new ArrayList<>(rank == null ? List.of() : rank.health());
            MdsServiceImpl.Serving serving = active;
            int clients = 0;
            long caps = 0;
            if (serving != null) {
                health.addAll(serving.sessions().health());
                List<SessionHub.Listed> sessions = serving.sessions().list();
                clients = sessions.size();
                caps = sessions.stream().mapToLong(SessionHub.Listed::numCaps).sum();
            }
            MdsBeaconReply reply = mon.mdsBeacon(MdsBeaconRequest.newBuilder().setName(name).setGid(gid)
                    .setAddr(address).setWantedState(role.wantedState()).setSeq(++seq).setFsmapEpoch(fsmapEpoch)
                    .addAllHealth(health).setNumClients(clients).setNumCaps(caps).build());
            if (reply.getCode() != 0) {
                LOG.warn("beacon refused: {}", reply.getMessage());
                return;
            }
            onMap(reply.getFsmap());
        } catch (RuntimeException e) {
            LOG.warn("beacon failed: {}", e.toString());
        }
    }

    private void onMap(FsMapData map) {
        fsmapEpoch = Math.max(fsmapEpoch, map.getEpoch());
        for (Filesystem fs : map.getFilesystemsList()) {
            if (fs.getUpMap().containsValue(gid)) {
                servedFs = fs;
            }
        }
        MdsRole.Phase before = role.phase();
        for (MdsRole.Action action : role.onMap(map)) {
            switch (action) {
                case MdsRole.Action.StartReplay s -> startReplay(s);
                case MdsRole.Action.StartReconnect r -> startReconnect();
                case MdsRole.Action.BecomeActive a -> {
                    if (active == null) {
                        // the map went straight to up:active (no clients to wait for)
                        active = serving(Map.of());
                    }
                    active.active().open();
                    LOG.info("mds.{} is up:active for rank {} of '{}'", name, role.rank(), map.getEpoch());
                }
                case MdsRole.Action.Respawn r -> respawn(r.reason());
            }
        }
        if (role.phase() != before) {
            LOG.info("mds.{} {} -> {} (FsMap epoch {})", name, before, role.phase(), map.getEpoch());
        }
    }

    /**
     * up:reconnect: the clients whose sessions the journal left open may come back now; requests
     * wait for up:active. Once all are back (or mds_reconnect_timeout has evicted the rest) the
     * role moves on to rejoin.
     */
    private void startReconnect() {
        MdsRole reconnecting = role;
        RankServer rank = held;
        rank.openSessions().whenComplete((expected, t) -> beaconThread.execute(() -> {
            if (role != reconnecting || held != rank || closed) {
                return;
            }
            if (t != null) {
                LOG.warn("mds.{}: the open sessions could not be read ({}); waiting for no client", name, t.toString());
            }
            MdsServiceImpl.Serving s = serving(t == null ? expected : Map.of());
            active = s;
            s.sessions().reconnected().thenRun(() -> beaconThread.execute(() -> {
                if (role == reconnecting) {
                    role.reconnectDone();
                    nextBeaconAtMs = 0;
                }
            }));
        }));
    }

    private MdsServiceImpl.Serving serving(Map<Long, String> expected) {
        RankServer rank = held;
        return new MdsServiceImpl.Serving(rank, new SessionHub(Clock.SYSTEM, this::blocklist, rank::journalSession,
                this::hubSettings, capRevokes::increment, expected,
                config.get(CairnConfigKeys.Mds.DENTRY_LEASE_TIME).toMillis()), new ActiveGate(REQUESTS_WAITING_MAX));
    }

    private void startReplay(MdsRole.Action.StartReplay s) {
        MdsRole replaying = role;
        LOG.info("mds.{} takes rank {} of file system '{}' (fscid {}): replay", name, s.rank(), s.fs().getName(),
                s.fs().getFscid());
        replayThread.execute(() -> {
            RankServer opened;
            try {
                opened = opener.open(s.fs(), s.rank());
            } catch (Exception e) {
                boolean damaged = e instanceof CairnException ce && ce.code() == ErrorCode.EIO
                        && String.valueOf(e.getMessage()).startsWith(DAMAGE_PREFIX);
                LOG.error("mds.{}: replay of rank {} failed{}", name, s.rank(), damaged
                        ? "; reporting the rank damaged" : "; coming back as a new daemon", e);
                beaconThread.execute(() -> {
                    if (role != replaying) {
                        return;
                    }
                    if (damaged) {
                        role.damaged();
                        nextBeaconAtMs = 0;
                    } else {
                        respawn("replay failed: " + e);
                    }
                });
                return;
            }
            beaconThread.execute(() -> {
                if (role != replaying || closed) {
                    opened.close();
                    return;
                }
                held = opened;
                opened.failure().thenAccept(why -> beaconThread.execute(() -> {
                    if (held == opened) {
                        respawn("rank " + s.rank() + " failed: " + why);
                    }
                }));
                role.replayDone();
                nextBeaconAtMs = 0;
                LOG.info("mds.{}: rank {} replayed", name, s.rank());
            });
        });
    }

    private void respawn(String reason) {
        LOG.warn("mds.{} (gid {}) respawns: {}", name, gid, reason);
        RankServer rank = held;
        active = null;
        held = null;
        if (rank != null) {
            rank.close();
        }
        newIdentity();
    }

    private void tick() {
        MdsServiceImpl.Serving serving = active;
        if (serving == null || closed) {
            return;
        }
        try {
            serving.rank().tick();
            serving.sessions().tick();
        } catch (RuntimeException e) {
            LOG.warn("tick: {}", e.toString());
        }
    }

    /** The file system's session times (Ceph's defaults until the first map names it) and this daemon's options. */
    private SessionHub.Settings hubSettings() {
        Filesystem fs = servedFs;
        long timeoutS = fs == null || fs.getSessionTimeoutS() == 0 ? 60 : fs.getSessionTimeoutS();
        long autocloseS = fs == null || fs.getSessionAutocloseS() == 0 ? 300 : fs.getSessionAutocloseS();
        return new SessionHub.Settings(new ClientSessions.Settings(timeoutS * 1000, autocloseS * 1000,
                config.get(CairnConfigKeys.Mds.SESSION_BLOCKLIST_ON_TIMEOUT),
                config.get(CairnConfigKeys.Mds.SESSION_BLOCKLIST_ON_EVICT)),
                new CapLocker.Settings(config.get(CairnConfigKeys.Mds.REVOKE_CAP_TIMEOUT).toMillis(),
                        config.get(CairnConfigKeys.Mds.CAP_REVOKE_EVICTION_TIMEOUT).toMillis(),
                        config.get(CairnConfigKeys.Mds.MAX_CAPS_PER_CLIENT)),
                config.get(CairnConfigKeys.Mds.RECONNECT_TIMEOUT).toMillis());
    }

    /** Asks the monitors to blocklist an evicted client's address (on the admin thread). */
    private CompletableFuture<Integer> blocklist(String addr, String why) {
        return CompletableFuture.supplyAsync(() -> {
            LOG.info("mds.{}: blocklisting {} ({})", name, addr, why);
            CommandReply r = mon.command("osd blocklist add", Map.of("addr", addr));
            if (r.getCode() != 0) {
                throw new CairnException(ErrorCode.of(r.getCode()), "osd blocklist add " + addr + ": " + r.getMessage());
            }
            // the committed map that has it: caps freed by the eviction are used only by clients that know it
            return mon.getMap(0).epoch();
        }, adminThread);
    }

    @Override
    public void close() {
        closed = true;
        beaconThread.shutdownNow();
        tickThread.shutdownNow();
        replayThread.shutdownNow();
        adminThread.shutdownNow();
        if (grpc != null) {
            grpc.shutdownNow();
        }
        RankServer rank = held;
        active = null;
        held = null;
        if (rank != null) {
            rank.close();
        }
        mon.close();
        if (metrics != null) {
            metrics.close();
        }
    }
}
