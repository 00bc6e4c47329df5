package io.cairn.osd;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.config.CairnConfig;
import io.cairn.common.config.CairnConfigKeys;
import io.cairn.common.metrics.MetricsServer;
import io.cairn.common.mon.MapFollower;
import io.cairn.common.mon.MonClient;
import io.cairn.common.osdmap.ClusterFlag;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.PgId;
import io.cairn.common.osdmap.PgMapping;
import io.cairn.common.osdmap.Placement;
import io.cairn.common.osdmap.Pool;
import io.cairn.common.time.Clock;
import io.cairn.objectstore.CollectionId;
import io.cairn.objectstore.HashRange;
import io.cairn.objectstore.ListPage;
import io.cairn.objectstore.ObjectId;
import io.cairn.objectstore.ObjectStore;
import io.cairn.objectstore.ObjectStoreException;
import io.cairn.objectstore.Transaction;
import io.cairn.objectstore.block.BlockStore;
import io.cairn.osd.peering.Eversion;
import io.cairn.osd.peering.LogEntry;
import io.cairn.osd.peering.ObjectName;
import io.cairn.osd.peering.PeeringMachine;
import io.cairn.osd.peering.PgInfo;
import io.cairn.osd.peering.PgLog;
import io.cairn.osd.peering.PgStateFlag;
import io.cairn.proto.v1.AdminReadReply;
import io.cairn.proto.v1.AdminReadRequest;
import io.cairn.proto.v1.CommandReply;
import io.cairn.proto.v1.ListEntry;
import io.cairn.proto.v1.ListReply;
import io.cairn.proto.v1.ListRequest;
import io.cairn.proto.v1.ObjectLocator;
import io.cairn.proto.v1.OpReply;
import io.cairn.proto.v1.OpRequest;
import io.cairn.proto.v1.OsdOp;
import io.cairn.proto.v1.OsdServiceGrpc;
import io.cairn.proto.v1.RepOpReply;
import io.cairn.proto.v1.RepOpRequest;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One OSD process over one ObjectStore: boots with the monitors, follows the OSDMap, keeps a
 * collection for every PG it is in, serves client operations as primary (ordering them per
 * object, assigning versions, replicating to the acting set, answering once all have them
 * durable) and applies replicated operations as a replica.
 */
public final class OsdDaemon implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OsdDaemon.class);
    private static final ObjectId PGMETA = PgCopies.PGMETA;
    private static final int OP_THREADS = 8;
    private static final long LOG_ENTRIES_KEPT = PgCopies.LOG_ENTRIES_KEPT;
    /** Peering threads: most of their time is spent waiting on peers and on up_thru maps. */
    private static final int RECOVERY_THREADS = 4;
    private static final int MAP_HISTORY_KEPT = 512;
    private static final Duration MAP_WAIT = Duration.ofSeconds(5);
    private static final Duration REPOP_TIMEOUT = Duration.ofSeconds(30);
    private static final int LIST_MAX = 1000;
    private static final int STATS_PAGES_MAX = 100;
    private static final int REMOVE_ROUNDS_MAX = 100_000;
    private static final long SCRUB_TICK_MS = 1000;

    private final CairnConfig config;
    private final Clock clock;
    private final OsdIdentity who;
    private final ObjectStore store;
    private final OpRunner runner;
    private final MonClient mon;
    private final MapFollower maps;
    private final ThreadPoolExecutor opExecutor;
    private final ObjectOrder order;
    private final Semaphore inFlight;
    /** When each client op in flight arrived (monotonic ms), for SLOW_OPS; bounded by {@link #inFlight}. */
    private final Map<Long, Long> opsInFlight = new ConcurrentHashMap<>();
    private final AtomicLong opSeq = new AtomicLong();
    /** Client ops served as primary and their payload bytes: read ops, write ops, read bytes, write bytes. */
    private final java.util.concurrent.atomic.AtomicLongArray clientIo = new java.util.concurrent.atomic.AtomicLongArray(4);
    private final Map<PgId, AtomicLong> lastVersions = new ConcurrentHashMap<>();
    private final PgCopies copies;
    private final MapHistory history;
    private final PgPeering peering;
    private final ThreadPoolExecutor recoveryExecutor;
    private final PgRecovery recovery;
    private final PgSplitter splitter;
    private final WriteGate writeGate;
    private final PgScrubber scrubber;
    private final ScrubShell scrubShell;
    /** This member's scrub maps, for a primary's ScrubMap calls. */
    private final ScrubMapBuilder scrubMaps;
    private final Path dataDir;
    /** shards_repaired as last written to the data directory. */
    private volatile long shardsRepairedSaved;
    /** Per pool, the pg_num this OSD's copies are split for; PG work on a pool waits until it matches the map. */
    private final Map<Long, Integer> splitPgNums = new ConcurrentHashMap<>();
    /** Slots this OSD gives primaries that backfill PGs onto it. */
    private final BackfillReserver remoteBackfills;
    /** The acting set each PG this OSD leads was last made consistent for; I/O waits until it matches. */
    private final Map<PgId, List<Integer>> activeActing = new ConcurrentHashMap<>();
    /** The epoch each PG this OSD leads went active in: the epoch half of the versions it assigns. */
    private final Map<PgId, Integer> activeEpochs = new ConcurrentHashMap<>();
    /** The newest peering of each PG this OSD leads, for its state. */
    private final Map<PgId, PeeringMachine> machines = new ConcurrentHashMap<>();
    /** Bumped whenever a PG's interval changes here: a peering of an older interval must not activate it. */
    private final Map<PgId, Integer> intervalSeqs = new ConcurrentHashMap<>();
    /** Recent client requests each PG this OSD leads has applied: a resent write is answered, not applied again. */
    private final Map<PgId, RecentRequests> recentRequests = new ConcurrentHashMap<>();
    private volatile OsdMap lastSeenMap;
    /** Per PG: version assignment and queueing happen together, so the log and last_update grow in order. */
    private final Map<PgId, Object> pgLocks = new ConcurrentHashMap<>();
    private final Set<PgId> recovering = ConcurrentHashMap.newKeySet();
    private final Map<Integer, Peer> peers = new ConcurrentHashMap<>();
    private final Set<PgId> collections = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timers;
    /** Pings run apart from the monitor calls on {@code timers}: a slow monitor must not silence them. */
    private final ScheduledExecutorService heartbeatTimer;
    private final PrometheusMeterRegistry registry;
    private final Timer opLatency;
    private final HeartbeatTracker heartbeats;
    /** Each heartbeat peer's up_from when last pinged (heartbeat thread only). */
    private final Map<Integer, Integer> peerUpFrom = new java.util.HashMap<>();
    private Server grpc;
    private MetricsServer metrics;
    private String address;
    private String host;
    private volatile long lastBootMs;
    private volatile boolean stopping;
    /** When the monitors last answered (monotonic): an OSD cut off from them must not keep acting as primary. */
    private volatile long lastMonContactMs;

    private record Peer(String address, ManagedChannel channel) { }

    /** What peering asks of this daemon: maps, up_thru from the monitors, stubs to peers. */
    private final class PeeringShell implements PgPeering.Shell {
        @Override
        public OsdMap map() {
            return maps.map();
        }

        @Override
        public boolean awaitEpoch(int epoch, Duration timeout) {
            return maps.awaitEpoch(epoch, timeout);
        }

        @Override
        public void requestUpThru(int want) {
            var r = mon.command("osd alive", Map.of("id", Integer.toString(who.id()), "want", Integer.toString(want)));
            if (r.getCode() != 0) {
                LOG.info("up_thru {} not recorded: {}", want, r.getMessage());
            }
        }

        @Override
        public Object lockOf(PgId pg) {
            return pgLock(pg);
        }

        @Override
        public void requestPgTemp(PgId pg, List<Integer> acting) {
            CommandReply r = mon.command("osd pg-temp", Map.of("pgid", pg.toString(),
                    "ids", acting.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(","))));
            if (r.getCode() != 0) {
                throw new CairnException(ErrorCode.EAGAIN, "pg_temp for " + pg + " refused: " + r.getMessage());
            }
        }

        @Override
        public OsdServiceGrpc.OsdServiceBlockingStub stub(OsdMap map, int osd) {
            return peerStub(map, osd);
        }
    }

    /** What the scrubber asks of this daemon: which PGs it leads and whether they are clean. */
    private final class ScrubShell implements PgScrubber.Shell {
        @Override
        public OsdMap map() {
            return maps.map();
        }

        @Override
        public List<PgId> ledPgs() {
            OsdMap m = maps.map();
            List<PgId> out = new ArrayList<>();
            for (PgId pg : collections) {
                Pool pool = m.pool(pg.pool());
                if (pool != null && pg.seed() < pool.pgNum() && m.mapPg(pg).actingPrimary() == who.id()) {
                    out.add(pg);
                }
            }
            return out;
        }

        @Override
        public Optional<List<Integer>> cleanActing(PgId pg) {
            OsdMap m = maps.map();
            Pool pool = m.pool(pg.pool());
            if (pool == null || pg.seed() >= pool.pgNum()) {
                return Optional.empty();
            }
            PgMapping pm = m.mapPg(pg);
            PeeringMachine machine = machines.get(pg);
            boolean clean = pm.actingPrimary() == who.id() && pm.acting().size() >= pool.size()
                    && pm.acting().equals(activeActing.get(pg)) && machine != null
                    && machine.acting().equals(pm.acting()) && machine.state().contains(PgStateFlag.CLEAN)
                    && recovery.missing(pg).map(PgMissing::isEmpty).orElse(true);
            return clean ? Optional.of(pm.acting()) : Optional.empty();
        }

        @Override
        public int intervalSeq(PgId pg) {
            return intervalSeqs.getOrDefault(pg, 0);
        }

        @Override
        public OsdServiceGrpc.OsdServiceBlockingStub stub(OsdMap map, int osd) {
            return peerStub(map, osd);
        }

        @Override
        public void clusterLog(String level, String message) {
            try {
                CommandReply r = mon.command("log", Map.of("level", level, "logtext", message));
                if (r.getCode() != 0) {
                    LOG.debug("cluster log line refused: {}", r.getMessage());
                }
            } catch (RuntimeException e) {
                LOG.debug("cluster log line not sent: {}", e.toString());
            }
        }

        @Override
        public double loadPerCpu() {
            var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            return Math.max(0, os.getSystemLoadAverage()) / Math.max(1, os.getAvailableProcessors());
        }
    }

    private static final String SHARDS_REPAIRED_FILE = "shards_repaired";

    private static long readShardsRepaired(Path dataDir) {
        try {
            Path f = dataDir.resolve(SHARDS_REPAIRED_FILE);
            return Files.exists(f) ? Long.parseLong(Files.readString(f).trim()) : 0;
        } catch (IOException | NumberFormatException e) {
            LOG.warn("unreadable {}: counting repaired copies from 0 ({})", SHARDS_REPAIRED_FILE, e.toString());
            return 0;
        }
    }

    /** Keeps the repaired-copies count across restarts, as Ceph keeps num_shards_repaired in its stats. */
    private void saveShardsRepaired(long n) {
        if (n == shardsRepairedSaved) {
            return;
        }
        try {
            Path tmp = dataDir.resolve(SHARDS_REPAIRED_FILE + ".tmp");
            Files.writeString(tmp, Long.toString(n));
            Files.move(tmp, dataDir.resolve(SHARDS_REPAIRED_FILE), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            shardsRepairedSaved = n;
        } catch (IOException e) {
            LOG.warn("saving {}: {}", SHARDS_REPAIRED_FILE, e.toString());
        }
    }

    private OsdDaemon(CairnConfig config, Clock clock, Path dataDir) {
        this.config = config;
        this.clock = clock;
        who = OsdIdentity.read(dataDir);
        if (!config.entityId().equals(Integer.toString(who.id()))) {
            throw new CairnException(ErrorCode.EINVAL, dataDir + " belongs to osd." + who.id() + ", not " + config.entity());
        }
        store = new BlockStore(dataDir.resolve(OsdIdentity.STORE_DIR));
        runner = new OpRunner(store, config.get(CairnConfigKeys.Osd.Op.MAX_OBJECT_SIZE),
                config.get(CairnConfigKeys.Osd.Op.MAX_WRITE_SIZE));
        copies = new PgCopies(store);
        recoveryExecutor = new ThreadPoolExecutor(RECOVERY_THREADS, RECOVERY_THREADS, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(65536), named("osd-recovery"));
        mon = MonClient.fromConfig(config);
        maps = new MapFollower(mon);
        history = new MapHistory(MAP_HISTORY_KEPT, e -> mon.getMap(e));
        peering = new PgPeering(store, copies, history, new PeeringShell(), who.id());
        int cap = config.get(CairnConfigKeys.Osd.Op.CLIENT_MESSAGE_CAP);
        opExecutor = new ThreadPoolExecutor(OP_THREADS, OP_THREADS, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(cap * 8), named("osd-op"));
        order = new ObjectOrder(opExecutor);
        inFlight = new Semaphore(cap);
        timers = Executors.newSingleThreadScheduledExecutor(named("osd-timers"));
        heartbeatTimer = Executors.newSingleThreadScheduledExecutor(named("osd-heartbeat"));
        recovery = new PgRecovery(peering, order, maps::map, timers, this::invalidate, new PgRecovery.Throttles(
                config.get(CairnConfigKeys.Osd.Recovery.RECOVERY_MAX_ACTIVE), config.get(CairnConfigKeys.Osd.Recovery.RECOVERY_SLEEP).toMillis(),
                config.get(CairnConfigKeys.Osd.Recovery.MAX_BACKFILLS),
                config.get(CairnConfigKeys.Osd.Recovery.BACKFILL_RETRY_INTERVAL).toMillis()), who.id(), named("osd-recovery-copy"));
        remoteBackfills = new BackfillReserver(config.get(CairnConfigKeys.Osd.Recovery.MAX_BACKFILLS));
        splitter = new PgSplitter(store, copies);
        this.dataDir = dataDir;
        writeGate = new WriteGate(this::pgLock);
        shardsRepairedSaved = readShardsRepaired(dataDir);
        scrubShell = new ScrubShell();
        scrubMaps = new ScrubMapBuilder(store);
        scrubber = new PgScrubber(store, copies, writeGate, scrubShell, clock::wallMs, new PgScrubber.Options(
                config.get(CairnConfigKeys.Osd.Scrub.MAX_SCRUBS), config.get(CairnConfigKeys.Osd.Scrub.SCRUB_SLEEP).toMillis(),
                config.get(CairnConfigKeys.Osd.Scrub.SCRUB_CHUNK_MIN), Math.max(config.get(CairnConfigKeys.Osd.Scrub.SCRUB_CHUNK_MIN),
                        config.get(CairnConfigKeys.Osd.Scrub.SCRUB_CHUNK_MAX)),
                new io.cairn.osd.scrub.ScrubSchedule.Options(config.get(CairnConfigKeys.Osd.Scrub.SCRUB_MIN_INTERVAL).toMillis(),
                        config.get(CairnConfigKeys.Osd.Scrub.SCRUB_MAX_INTERVAL).toMillis(),
                        config.get(CairnConfigKeys.Osd.Scrub.DEEP_SCRUB_INTERVAL).toMillis(),
                        config.get(CairnConfigKeys.Osd.Scrub.SCRUB_LOAD_THRESHOLD))),
                who.id(), shardsRepairedSaved, named("osd-scrub"));
        registry = MetricsServer.newRegistry(config.entity());
        heartbeats = new HeartbeatTracker(config.get(CairnConfigKeys.Osd.Heartbeat.HEARTBEAT_GRACE).toMillis());
        opLatency = Timer.builder("cairn.osd.op.latency").description("Client operation latency at the primary")
                .publishPercentileHistogram().register(registry);
    }

    static Path dataDir(CairnConfig config) {
        String data = config.get(CairnConfigKeys.Osd.DATA);
        if (data.isEmpty()) {
            String run = config.get(CairnConfigKeys.Global.RUN_DIR);
            if (run.isEmpty()) {
                throw new IllegalArgumentException("set osd_data (or run_dir) for " + config.entity());
            }
            data = Path.of(run, config.entity()).toString();
        }
        return Path.of(data);
    }

    /** Creates an OSD's data directory and empty store ({@code cairn osd mkfs}). */
    public static OsdIdentity mkfs(Path dataDir, int id, String uuid, long sizeBytes) throws IOException {
        if (Files.exists(dataDir.resolve("whoami"))) {
            throw new CairnException(ErrorCode.EEXIST, dataDir + " already holds an OSD");
        }
        OsdIdentity who = new OsdIdentity(id, uuid);
        Files.createDirectories(dataDir);
        BlockStore.mkfs(dataDir.resolve(OsdIdentity.STORE_DIR), sizeBytes, BlockStore.UNIT_BYTES_DEFAULT);
        who.write(dataDir);
        return who;
    }

    public static OsdDaemon start(CairnConfig config, Clock clock) throws IOException {
        OsdDaemon d = new OsdDaemon(config, clock, dataDir(config));
        try {
            d.startServing();
        } catch (IOException | RuntimeException e) {
            d.close();
            throw e;
        }
        return d;
    }

    private static java.util.concurrent.ThreadFactory named(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    private void startServing() throws IOException {
        store.mount();
        // the monitors must know this OSD (same uuid, same id) before it boots
        var reply = mon.command("osd create", Map.of("uuid", who.uuid(), "id", Integer.toString(who.id())));
        if (reply.getCode() != 0 && reply.getCode() != ErrorCode.EEXIST.code()) {
            throw new CairnException(ErrorCode.of(reply.getCode()), "registering osd." + who.id() + ": " + reply.getMessage());
        }
        String addr = config.get(CairnConfigKeys.Osd.PUBLIC_ADDR);
        int colon = addr.lastIndexOf(':');
        String bindHost = addr.substring(0, colon);
        long maxMsg = config.get(CairnConfigKeys.Osd.Op.MAX_WRITE_SIZE) + (4 << 20);
        grpc = NettyServerBuilder.forAddress(new InetSocketAddress(bindHost, Integer.parseInt(addr.substring(colon + 1))))
                .executor(Executors.newFixedThreadPool(OP_THREADS, named("osd-grpc")))
                .maxInboundMessageSize((int) Math.min(Integer.MAX_VALUE, maxMsg))
                .addService(new Service()).build().start();
        address = bindHost + ":" + grpc.getPort();
        host = crushHost();
        int metricsOffset = config.get(CairnConfigKeys.Global.METRICS_PORT_OFFSET);
        if (metricsOffset > 0 && grpc.getPort() + metricsOffset < 65536) {
            try {
                metrics = MetricsServer.start(registry, bindHost, grpc.getPort() + metricsOffset);
            } catch (IOException e) {
                LOG.warn("no metrics endpoint: {}", e.toString());
            }
        }
        Gauge.builder("cairn.osd.map.epoch", this, d -> d.maps.map() == null ? 0 : d.maps.map().epoch())
                .description("Newest OSDMap epoch this OSD has").register(registry);
        Gauge.builder("cairn.osd.pgs", collections, Set::size).description("PGs this OSD holds").register(registry);
        lastBootMs = clock.monotonicMs();
        lastMonContactMs = lastBootMs;
        maps.addListener(this::onMap);
        maps.start(Duration.ofSeconds(60));
        boot();
        long beaconMs = Math.max(1000, config.get(CairnConfigKeys.Osd.BEACON_REPORT_INTERVAL).toMillis());
        timers.scheduleWithFixedDelay(this::beacon, beaconMs, beaconMs, TimeUnit.MILLISECONDS);
        long reportMs = Math.max(500, config.get(CairnConfigKeys.Osd.MON_REPORT_INTERVAL).toMillis());
        timers.scheduleWithFixedDelay(this::reportStats, 0, reportMs, TimeUnit.MILLISECONDS);
        long heartbeatMs = Math.max(200, config.get(CairnConfigKeys.Osd.Heartbeat.HEARTBEAT_INTERVAL).toMillis());
        heartbeatTimer.scheduleWithFixedDelay(this::heartbeat, heartbeatMs, heartbeatMs, TimeUnit.MILLISECONDS);
        timers.scheduleWithFixedDelay(scrubber::tick, SCRUB_TICK_MS, SCRUB_TICK_MS, TimeUnit.MILLISECONDS);
        LOG.info("osd.{} serving on {} (host {})", who.id(), address, host);
    }

    private String crushHost() {
        String loc = config.get(CairnConfigKeys.Osd.CRUSH_LOCATION);
        for (String pair : loc.split("[,\\s]+")) {
            if (pair.startsWith("host=")) {
                return pair.substring(5);
            }
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    private void boot() {
        lastBootMs = clock.monotonicMs();
        double tib = store.statfs().totalBytes() / (double) (1L << 40);
        int epoch = mon.osdBoot(who.id(), who.uuid(), address, host, Math.max(0.01, tib));
        maps.awaitEpoch(epoch, Duration.ofSeconds(10));
        LOG.info("osd.{} booted in epoch {}", who.id(), epoch);
    }

    private void beacon() {
        try {
            OsdMap m = maps.map();
            mon.osdBeacon(who.id(), m == null ? 0 : m.epoch());
            lastMonContactMs = clock.monotonicMs();
        } catch (RuntimeException e) {
            LOG.debug("beacon failed: {}", e.toString());
        }
    }

    /** Sends the monitors this OSD's space and the state and size of every PG it leads. */
    private void reportStats() {
        try {
            OsdMap m = maps.map();
            // the map that marked us down may have come too soon after a boot to act on, and no other since
            bootAgainIfMarkedDown(m);
            var fs = store.statfs();
            io.cairn.proto.v1.OsdStatsRequest.Builder b = io.cairn.proto.v1.OsdStatsRequest.newBuilder()
                    .setOsdId(who.id()).setEpoch(m.epoch()).setTotalBytes(fs.totalBytes())
                    .setUsedBytes(fs.allocatedBytes()).setAvailBytes(fs.availableBytes())
                    .setRecoveredObjects(peering.recoveredObjects()).setRecoveredBytes(peering.recoveredBytes())
                    .setStampMs(clock.monotonicMs()).setNumShardsRepaired(scrubber.shardsRepaired());
            long nowMs = clock.monotonicMs();
            long complaintMs = config.get(CairnConfigKeys.Osd.Op.OP_COMPLAINT_TIME).toMillis();
            long oldestMs = 0;
            int slow = 0;
            for (long since : opsInFlight.values()) {
                if (nowMs - since >= complaintMs) {
                    slow++;
                    oldestMs = Math.max(oldestMs, nowMs - since);
                }
            }
            b.setSlowOps(slow).setOldestSlowOpSec((int) (oldestMs / 1000))
                    .setClientReadOps(clientIo.get(0)).setClientWriteOps(clientIo.get(1))
                    .setClientReadBytes(clientIo.get(2)).setClientWriteBytes(clientIo.get(3));
            saveShardsRepaired(scrubber.shardsRepaired());
            for (PgId pg : collections) {
                Pool pool = m.pool(pg.pool());
                if (pool == null || pg.seed() >= pool.pgNum()) {
                    continue;
                }
                PgMapping pm = m.mapPg(pg);
                if (pm.actingPrimary() == who.id()) {
                    // retries a recovery that failed (a member was unreachable) without waiting for I/O
                    ensureActive(m, pg, pm);
                    b.addPgs(pgStat(pg, pool, pm, m.epoch()));
                }
            }
            mon.osdStats(b.build());
            lastMonContactMs = clock.monotonicMs();
        } catch (RuntimeException e) {
            LOG.debug("stats report failed: {}", e.toString());
        }
    }

    private io.cairn.proto.v1.PgStat pgStat(PgId pg, Pool pool, PgMapping pm, int epoch) {
        CollectionId coll = CollectionId.of(pg.toString());
        long objects = 0;
        long bytes = 0;
        Optional<ObjectId> after = Optional.empty();
        for (int page = 0; page < STATS_PAGES_MAX; page++) {
            ListPage lp = store.list(coll, after, LIST_MAX);
            for (ObjectId o : lp.objects()) {
                if (!o.namespace().startsWith(".cairn")) {
                    objects++;
                    bytes += store.stat(coll, o).sizeBytes();
                }
            }
            if (lp.next().isEmpty() || lp.objects().isEmpty()) {
                break;
            }
            after = Optional.of(lp.objects().get(lp.objects().size() - 1));
        }
        String state = pgState(pg, pool, pm, maps.map());
        long degraded = (long) Math.max(0, pool.size() - pm.acting().size()) * objects;
        PeeringMachine m = machines.get(pg);
        Optional<PgMissing> missing = recovery.missing(pg);
        long misplaced = 0;
        if (missing.isPresent()) {
            degraded += missing.get().copiesMissingOn(pm.acting());
            misplaced = missing.get().copiesMissing() - missing.get().copiesMissingOn(pm.acting());
        } else if (m != null && m.acting().equals(pm.acting())) {
            degraded += m.missingObjects() + (long) m.backfillTargets() * objects;
        }
        long last = lastVersions.getOrDefault(pg, new AtomicLong()).get();
        ScrubRecord scrub = scrubber.record(pg);
        return io.cairn.proto.v1.PgStat.newBuilder().setPool(pg.pool()).setSeed(pg.seed()).setState(state)
                .setLastScrubStampMs(scrub.lastScrubMs()).setLastDeepScrubStampMs(scrub.lastDeepScrubMs())
                .setScrubErrors(scrub.errors())
                .setDegradedObjects(degraded).setMisplacedObjects(misplaced)
                .setObjects(objects).setBytes(bytes).setLogSize(Math.min(last, LOG_ENTRIES_KEPT))
                .addAllActing(pm.acting()).setEpoch(epoch).build();
    }

    /** The PG's state in Ceph's words, from its newest peering and the map's recovery flags. */
    private String pgState(PgId pg, Pool pool, PgMapping pm, OsdMap map) {
        int n = pm.acting().size();
        if (n < pool.minSize()) {
            return "undersized+degraded+peered";
        }
        PeeringMachine m = machines.get(pg);
        boolean serving = pm.acting().equals(activeActing.get(pg));
        boolean active = m != null && (m.phase() == PeeringMachine.Phase.CLEAN || m.phase() == PeeringMachine.Phase.ACTIVE);
        if (m == null || !m.acting().equals(pm.acting()) || (active && !serving)) {
            // no peering of this interval yet, or its result was invalidated (a replica missed a write)
            return n >= pool.size() ? "peering" : "undersized+degraded+peering";
        }
        java.util.EnumSet<PgStateFlag> flags = java.util.EnumSet.copyOf(m.state());
        if (map.hasFlag(ClusterFlag.NORECOVER) && flags.remove(PgStateFlag.RECOVERING)) {
            flags.add(PgStateFlag.RECOVERY_WAIT);
        }
        if (flags.contains(PgStateFlag.BACKFILLING)) {
            PgRecovery.BackfillStage stage = recovery.backfillStage(pg);
            if (map.hasFlag(ClusterFlag.NOBACKFILL) || stage == PgRecovery.BackfillStage.WAIT) {
                flags.remove(PgStateFlag.BACKFILLING);
                flags.add(PgStateFlag.BACKFILL_WAIT);
            } else if (stage == PgRecovery.BackfillStage.TOOFULL) {
                flags.remove(PgStateFlag.BACKFILLING);
                flags.add(PgStateFlag.BACKFILL_TOOFULL);
            }
        }
        flags.addAll(scrubber.flags(pg));
        return PgStateFlag.format(flags);
    }

    /**
     * On every new map: hold a collection for each PG we are in, drop the PGs of deleted pools,
     * and come back up if marked down while alive.
     */
    private void onMap(OsdMap m) {
        history.add(m);
        OsdMap prev = lastSeenMap;
        lastSeenMap = m;
        for (PgId pg : List.copyOf(activeActing.keySet())) {
            if (prev == null || m.epoch() != prev.epoch() + 1 || m.pool(pg.pool()) == null
                    || prev.pool(pg.pool()) == null || prev.pool(pg.pool()).pgNum() != m.pool(pg.pool()).pgNum()
                    || !sameInterval(prev.mapPg(pg), m.mapPg(pg))) {
                invalidate(pg);
            }
        }
        splitPools(m);
        // a backfill slot held for a primary that no longer leads the PG goes back
        remoteBackfills.releaseIf((pg, holder) -> m.pool(pg.pool()) == null
                || m.mapPg(pg).actingPrimary() != holder.primary() || !servesOrTargets(m.mapPg(pg)));
        for (PgId pg : List.copyOf(collections)) {
            if (m.pool(pg.pool()) == null && collections.remove(pg)) {
                timers.execute(() -> removePg(pg, "its pool was deleted"));
            }
        }
        for (Pool p : m.pools().values()) {
            for (int seed = 0; seed < p.pgNum(); seed++) {
                PgId pg = new PgId(p.id(), seed);
                PgMapping pm = m.mapPg(pg);
                if (!pm.acting().contains(who.id())) {
                    continue;
                }
                if (!collections.contains(pg)) {
                    ensureCollection(pg);
                }
                // bring lagging members up now rather than at the next client op
                if (pm.actingPrimary() == who.id() && pm.acting().size() >= p.minSize()) {
                    ensureActive(m, pg, pm);
                }
            }
        }
        if (markedDownWhileAlive(m)) {
            timers.execute(() -> bootAgainIfMarkedDown(m));
        }
    }

    /**
     * Splits this OSD's copies of every PG whose pool's pg_num grew, before any PG work on that
     * pool uses the new map (it waits in {@link #mapAtLeast} until the split is done).
     */
    private void splitPools(OsdMap m) {
        List<PgId> local = null;
        for (Pool p : m.pools().values()) {
            Integer done = splitPgNums.get(p.id());
            if (done != null && done >= p.pgNum()) {
                continue;
            }
            if (local == null) {
                local = store.listCollections().stream().map(c -> parsePg(c.name())).flatMap(Optional::stream).toList();
            }
            for (PgId pg : local) {
                if (pg.pool() != p.id() || pg.seed() >= p.pgNum()) {
                    continue;
                }
                CollectionId coll = CollectionId.of(pg.toString());
                if (done == null && copies.pgNum(coll) == 0 && store.exists(coll, PGMETA)) {
                    // made before copies recorded their pg_num, when pg_num could not change yet: it is the current one
                    Transaction txn = new Transaction();
                    copies.setPgNum(txn, coll, p.pgNum());
                    store.queueTransactions(List.of(txn)).join();
                    continue;
                }
                if (copies.pgNum(coll) >= p.pgNum()) {
                    continue;
                }
                synchronized (pgLock(pg)) {
                    invalidate(pg);
                    try {
                        for (PgId child : splitter.split(p, pg)) {
                            invalidate(child);
                            lastVersions.remove(child);
                        }
                        lastVersions.remove(pg);
                    } catch (RuntimeException e) {
                        // the split is idempotent: it is finished at the next map, or the next start
                        LOG.error("splitting pg {} for pg_num {} failed: {}", pg, p.pgNum(), e.toString());
                        return;
                    }
                }
            }
            synchronized (splitPgNums) {
                splitPgNums.put(p.id(), p.pgNum());
                splitPgNums.notifyAll();
            }
        }
    }

    private static Optional<PgId> parsePg(String collection) {
        try {
            return Optional.of(PgId.parse(collection));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** In the PG's acting set, or in its up set only (a backfill target while a pg_temp holds). */
    private boolean servesOrTargets(PgMapping pm) {
        return pm.acting().contains(who.id()) || pm.up().contains(who.id());
    }

    private static boolean sameInterval(PgMapping a, PgMapping b) {
        return a.acting().equals(b.acting()) && a.up().equals(b.up()) && a.actingPrimary() == b.actingPrimary();
    }

    /** The PG must peer again before it serves: its interval changed, or a replica missed a write. */
    private void invalidate(PgId pg) {
        synchronized (pgLock(pg)) {
            intervalSeqs.merge(pg, 1, Integer::sum);
            activeActing.remove(pg);
            activeEpochs.remove(pg);
            recentRequests.remove(pg);
            recovery.stop(pg);
        }
    }

    private void bootAgainIfMarkedDown(OsdMap m) {
        if (!markedDownWhileAlive(m)) {
            return;
        }
        LOG.warn("osd.{} is marked down in epoch {} but alive: booting again", who.id(), m.epoch());
        try {
            boot();
        } catch (RuntimeException e) {
            LOG.warn("re-boot failed: {}", e.toString());
        }
    }

    private boolean markedDownWhileAlive(OsdMap m) {
        return !stopping && !m.isUp(who.id()) && m.exists(who.id()) && clock.monotonicMs() - lastBootMs > 5000;
    }

    /**
     * Deletes this OSD's copy of a PG (of a deleted pool, or a stray), a bounded batch of objects
     * per transaction. The PG's meta goes first, so a copy cut short says it holds nothing; each
     * batch first checks, under the PG's lock, that the OSD has not become a member again.
     */
    private void removePg(PgId pg, String why) {
        CollectionId coll = CollectionId.of(pg.toString());
        try {
            for (int round = 0; round < REMOVE_ROUNDS_MAX && store.collectionExists(coll); round++) {
                synchronized (pgLock(pg)) {
                    OsdMap m = maps.map();
                    if (m.pool(pg.pool()) != null && servesOrTargets(m.mapPg(pg))) {
                        LOG.info("pg {}: not removing it after all: osd.{} serves it again", pg, who.id());
                        return;
                    }
                    ListPage page = store.list(coll, Optional.empty(), LIST_MAX);
                    Transaction txn = new Transaction();
                    boolean meta = round == 0 && store.exists(coll, PGMETA);
                    if (meta) {
                        txn.remove(coll, PGMETA);
                    }
                    page.objects().stream().filter(o -> !(meta && o.equals(PGMETA))).forEach(o -> txn.remove(coll, o));
                    if (page.next().isEmpty()) {
                        txn.removeCollection(coll);
                    }
                    store.queueTransactions(List.of(txn)).join();
                }
            }
            lastVersions.remove(pg);
            scrubber.forget(pg);
            LOG.info("removed pg {}: {}", pg, why);
        } catch (RuntimeException e) {
            LOG.warn("removing pg {}: {}", pg, e.toString());
        }
    }

    private void ensureCollection(PgId pg) {
        CollectionId coll = CollectionId.of(pg.toString());
        if (!store.collectionExists(coll) || !store.exists(coll, PGMETA)) {
            try {
                // (a copy whose removal stopped part way has no meta: it says it holds nothing)
                Transaction txn = store.collectionExists(coll) ? new Transaction().touch(coll, PGMETA)
                        : new Transaction().createCollection(coll, HashRange.ALL).touch(coll, PGMETA);
                OsdMap m = maps.map();
                if (m != null && m.pool(pg.pool()) != null) {
                    copies.setPgNum(txn, coll, m.pool(pg.pool()).pgNum());
                }
                store.queueTransactions(List.of(txn)).join();
            } catch (RuntimeException e) {
                if (!store.collectionExists(coll)) {
                    throw e;
                }
            }
        }
        collections.add(pg);
    }

    static ObjectId objectId(ObjectLocator oloc) {
        return new ObjectId(oloc.getName(), oloc.getNspace(),
                ObjectId.HEAD, Placement.objectHash(oloc.getName(), oloc.getNspace(), oloc.getKey()));
    }

    private AtomicLong lastVersion(PgId pg, CollectionId coll) {
        return lastVersions.computeIfAbsent(pg, p -> new AtomicLong(copies.lastUpdate(coll).version()));
    }

    private Object pgLock(PgId pg) {
        return pgLocks.computeIfAbsent(pg, p -> new Object());
    }

    /** Logs a version; last_update only ever moves forward. Call holding the PG's lock. */
    private void recordVersion(Transaction txn, PgId pg, CollectionId coll, Eversion version, ObjectLocator oloc,
                               boolean delete, String reqid) {
        AtomicLong last = lastVersion(pg, coll);
        boolean newest = version.version() > last.get();
        if (newest) {
            last.set(version.version());
        }
        copies.record(txn, coll, version, oloc, delete, newest, reqid);
    }

    /**
     * True when this primary has made the PG consistent for its current acting set; otherwise
     * starts (once) bringing every member to the newest copy in the background.
     */
    private boolean ensureActive(OsdMap map, PgId pg, PgMapping pm) {
        if (pm.actingPrimary() != who.id()) {
            return true;
        }
        if (pm.acting().equals(activeActing.get(pg))) {
            return true;
        }
        if (recovering.add(pg)) {
            try {
                recoveryExecutor.execute(() -> runRecovery(pg));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                recovering.remove(pg);
            }
        }
        return false;
    }

    private void runRecovery(PgId pg) {
        try {
            OsdMap map = maps.map();
            if (map.pool(pg.pool()) == null) {
                return;
            }
            PgMapping pm = map.mapPg(pg);
            int minSize = map.pool(pg.pool()).minSize();
            if (pm.actingPrimary() == who.id() && pm.acting().size() < minSize && map.pgTemp().containsKey(pg)
                    && pm.up().size() >= minSize) {
                // the full copies a pg_temp named are down below min_size: backfill on the up set instead
                peering.requestPgTemp(pg, List.of());
                return;
            }
            if (pm.actingPrimary() != who.id() || pm.acting().size() < minSize || !splitFor(map)) {
                return;
            }
            ensureCollection(pg);
            int seq = intervalSeqs.getOrDefault(pg, 0);
            // a write that failed at a replica may still be committing here: peering and the request
            // ids below must see it, or a client's resend of it would be applied twice
            flush(CollectionId.of(pg.toString()));
            PgPeering.Peered peered = peering.peer(map, pg, pm, mm -> machines.put(pg, mm));
            PeeringMachine m = peered.machine();
            if (m.phase() == PeeringMachine.Phase.DOWN) {
                LOG.warn("pg {} is down: no OSD of interval {} is up", pg, m.blockedBy().orElseThrow());
                return;
            }
            if (m.phase() == PeeringMachine.Phase.INCOMPLETE) {
                LOG.warn("pg {} is incomplete: osd.{} has the newest history but still lacks objects", pg, m.authority());
                return;
            }
            if (peered.missing() == null) {
                return;
            }
            CollectionId coll = CollectionId.of(pg.toString());
            RecentRequests recent = RecentRequests.fromLog(copies.requests(coll));
            synchronized (pgLock(pg)) {
                if (intervalSeqs.getOrDefault(pg, 0) != seq || !sameInterval(maps.map().mapPg(pg), pm)) {
                    return;
                }
                lastVersion(pg, coll).set(copies.lastUpdate(coll).version());
                recentRequests.put(pg, recent);
                activeEpochs.put(pg, map.epoch());
                activeActing.put(pg, pm.acting());
                // serving from here; objects still missing are copied in the background or ahead of an op
                recovery.start(new PgRecovery.Active(pg, map, pm, m, peered.missing()));
            }
        } catch (RuntimeException e) {
            LOG.info("pg {} not recovered yet: {}", pg, messageOf(e));
        } finally {
            recovering.remove(pg);
        }
    }

    /**
     * Waits (off the gRPC thread) for a map at least as new as the sender's, and for this OSD's
     * copies of the map's pools to be split for its pg_nums.
     */
    private OsdMap mapAtLeast(int epoch) {
        OsdMap m = maps.map();
        if (epoch > m.epoch() && !maps.awaitEpoch(epoch, MAP_WAIT)) {
            throw new CairnException(ErrorCode.EAGAIN, "osd." + who.id() + " has not seen epoch " + epoch + " yet");
        }
        m = maps.map();
        long deadline = clock.monotonicMs() + MAP_WAIT.toMillis();
        synchronized (splitPgNums) {
            while (!splitFor(m)) {
                long leftMs = deadline - clock.monotonicMs();
                if (leftMs <= 0) {
                    throw new CairnException(ErrorCode.EAGAIN, "osd." + who.id() + " is still splitting PGs for epoch " + m.epoch());
                }
                try {
                    splitPgNums.wait(leftMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CairnException(ErrorCode.EAGAIN, "interrupted");
                }
            }
        }
        return m;
    }

    private boolean splitFor(OsdMap m) {
        for (Pool p : m.pools().values()) {
            if (splitPgNums.getOrDefault(p.id(), 0) < p.pgNum()) {
                return false;
            }
        }
        return true;
    }

    CompletableFuture<OpReply> handleOp(OpRequest req) {
        if (!inFlight.tryAcquire()) {
            return CompletableFuture.completedFuture(error(ErrorCode.EAGAIN, "osd." + who.id() + " is busy", 0));
        }
        long start = System.nanoTime();
        long opId = opSeq.incrementAndGet();
        opsInFlight.put(opId, clock.monotonicMs());
        CompletableFuture<OpReply> f;
        try {
            f = CompletableFuture.supplyAsync(() -> route(req), opExecutor).thenCompose(x -> x);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            f = CompletableFuture.completedFuture(error(ErrorCode.EAGAIN, "osd." + who.id() + " is busy", 0));
        }
        return f.handle((reply, err) -> {
            inFlight.release();
            opsInFlight.remove(opId);
            if (err == null && reply.getCode() == 0) {
                countClientIo(req, reply);
            }
            opLatency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            return err == null ? reply : toError(err, maps.map() == null ? 0 : maps.map().epoch());
        });
    }

    /** For the monitors' client io rates (status): a write moves its data in, a read its results out. */
    private void countClientIo(OpRequest req, OpReply reply) {
        if (req.getOpsList().stream().anyMatch(OpRunner::isMutation)) {
            long bytes = 0;
            for (OsdOp op : req.getOpsList()) {
                bytes += switch (op.getOpCase()) {
                    case WRITE -> op.getWrite().getData().size();
                    case WRITE_FULL -> op.getWriteFull().getData().size();
                    case APPEND -> op.getAppend().getData().size();
                    default -> 0;
                };
            }
            clientIo.incrementAndGet(1);
            clientIo.addAndGet(3, bytes);
        } else {
            clientIo.incrementAndGet(0);
            clientIo.addAndGet(2, reply.getResultsList().stream().mapToLong(r -> r.getData().size()).sum());
        }
    }

    private CompletableFuture<OpReply> route(OpRequest req) {
        OsdMap map = mapAtLeast(req.getEpoch());
        ObjectLocator oloc = req.getOloc();
        Pool pool = map.pool(oloc.getPool());
        if (pool == null) {
            throw CairnException.notFound("pool " + oloc.getPool() + " does not exist");
        }
        if (oloc.getName().isEmpty() || oloc.getNspace().startsWith(".cairn")) {
            throw CairnException.invalid("bad object name or namespace");
        }
        PgId pg = Placement.objectPg(pool, oloc.getName(), oloc.getNspace(), oloc.getKey());
        PgMapping pm = map.mapPg(pg);
        if (pm.actingPrimary() != who.id()) {
            return CompletableFuture.completedFuture(error(ErrorCode.ESTALE, "osd." + who.id() + " is not the primary of "
                    + pg + " in epoch " + map.epoch(), map.epoch()));
        }
        long silentMs = clock.monotonicMs() - lastMonContactMs;
        if (silentMs > config.get(CairnConfigKeys.Osd.MON_CONTACT_GRACE).toMillis()) {
            // the monitors may have given this PG to another primary in a map we cannot see
            throw new CairnException(ErrorCode.EAGAIN, "osd." + who.id() + " has not heard from the monitors for "
                    + silentMs / 1000 + "s: not serving as primary");
        }
        if (pm.acting().size() < pool.minSize()) {
            throw new CairnException(ErrorCode.EAGAIN, "pg " + pg + " is inactive: " + pm.acting().size()
                    + " OSDs up, min_size " + pool.minSize());
        }
        runner.validate(req.getOpsList());
        ensureCollection(pg);
        if (!ensureActive(map, pg, pm)) {
            throw new CairnException(ErrorCode.EAGAIN, "pg " + pg + " is peering");
        }
        CollectionId coll = CollectionId.of(pg.toString());
        ObjectId oid = objectId(oloc);
        boolean write = req.getOpsList().stream().anyMatch(OpRunner::isMutation);
        return recovery.submit(pg, nameOf(oloc),
                () -> write ? doWrite(map, pg, pm, coll, oid, req) : doRead(map, pg, coll, oid, req), opExecutor);
    }

    private static ObjectName nameOf(ObjectLocator oloc) {
        return new ObjectName(oloc.getNspace(), oloc.getName(), oloc.getKey());
    }

    private CompletableFuture<OpReply> doRead(OsdMap map, PgId pg, CollectionId coll, ObjectId oid, OpRequest req) {
        if (recovery.lacks(pg, nameOf(req.getOloc()))) {
            // a new activation since the op was queued: its slot copies the object first next time
            throw new CairnException(ErrorCode.EAGAIN, "pg " + pg + " is recovering " + req.getOloc().getName());
        }
        runner.checkGuards(coll, oid, req.getOpsList());
        List<io.cairn.proto.v1.OpResult> results;
        try {
            results = runner.read(coll, oid, req.getOpsList());
        } catch (io.cairn.objectstore.ObjectStoreException.ChecksumError e) {
            repairOnRead(map, pg, coll, oid, req.getOloc(), e);
            results = runner.read(coll, oid, req.getOpsList());
        }
        OpReply.Builder b = OpReply.newBuilder().setEpoch(map.epoch()).setVersion(runner.version(coll, oid))
                .addAllResults(results);
        return CompletableFuture.completedFuture(b.build());
    }

    /**
     * Ceph's repair on read: the primary's copy failed its store checksum, so it takes the copy of
     * a member whose copy reads clean and answers from that. Safe in the object's slot: every write
     * before this read is on every member, and none after it has started.
     */
    private void repairOnRead(OsdMap map, PgId pg, CollectionId coll, ObjectId oid, ObjectLocator oloc,
                              io.cairn.objectstore.ObjectStoreException.ChecksumError cause) {
        for (int osd : map.mapPg(pg).acting()) {
            if (osd == who.id()) {
                continue;
            }
            try {
                io.cairn.proto.v1.PullReply r = peerStub(map, osd).pull(io.cairn.proto.v1.PullRequest.newBuilder()
                        .setPool(pg.pool()).setSeed(pg.seed()).setOloc(oloc).build());
                if (r.getCode() != 0 || !r.getState().getExists()) {
                    continue;
                }
                Transaction txn = new Transaction();
                copies.write(txn, coll, oid, r.getState());
                store.queueTransactions(List.of(txn)).join();
                scrubber.repairedHere();
                String line = pg + " " + oloc.getName() + " : read error on osd." + who.id() + " ("
                        + cause.getMessage() + "), repaired from osd." + osd;
                LOG.warn("pg {}", line);
                timers.execute(() -> scrubShell.clusterLog("ERR", line));
                return;
            } catch (RuntimeException e) {
                LOG.info("pg {}: osd.{} could not give {} for a repair on read: {}", pg, osd, oloc.getName(),
                        messageOf(e));
            }
        }
        throw cause;
    }

    private CompletableFuture<OpReply> doWrite(OsdMap map, PgId pg, PgMapping pm, CollectionId coll, ObjectId oid,
                                               OpRequest req) {
        String reqid = req.getClient().isEmpty() ? "" : req.getClient() + ":" + req.getTid();
        long mtime = clock.wallMs();
        boolean delete = req.getOpsList().stream().anyMatch(OsdOp::hasRemove);
        List<CompletableFuture<?>> acks = new ArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        Eversion version;
        List<Integer> replicas;
        synchronized (pgLock(pg)) {
            Integer activeEpoch = activeEpochs.get(pg);
            if (activeEpoch == null || !pm.acting().equals(activeActing.get(pg))) {
                throw new CairnException(ErrorCode.EAGAIN, "pg " + pg + " is peering");
            }
            Optional<CompletableFuture<Void>> held = writeGate.waitFor(pg, oid);
            if (held.isPresent()) {
                // a scrub is comparing this object's copies: go once its chunk is done
                return held.get().thenComposeAsync(v -> doWrite(map, pg, pm, coll, oid, req), opExecutor);
            }
            if (recovery.lacks(pg, nameOf(req.getOloc()))) {
                // a member lacks the object's base: writing now would build on a stale copy
                throw new CairnException(ErrorCode.EAGAIN, "pg " + pg + " is recovering " + req.getOloc().getName());
            }
            // the request ids of this activation, read under the lock: a re-peering in between
            // may have brought in the original of this resend
            RecentRequests recent = recentRequests.get(pg);
            Optional<Long> applied = recent == null || reqid.isEmpty() ? Optional.empty() : recent.find(reqid);
            if (applied.isPresent()) {
                // a resend of a write this PG already holds on every member (it peered since any failure)
                return CompletableFuture.completedFuture(
                        OpReply.newBuilder().setEpoch(map.epoch()).setVersion(applied.get()).build());
            }
            runner.checkGuards(coll, oid, req.getOpsList());
            version = new Eversion(activeEpoch, lastVersion(pg, coll).get() + 1);
            Transaction txn = new Transaction();
            if (runner.mutate(txn, coll, oid, req.getOpsList(), version.version(), mtime)
                    && !req.getOloc().getKey().isEmpty()) {
                txn.setAttr(coll, oid, PgCopies.KEY_ATTR,
                        req.getOloc().getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            recordVersion(txn, pg, coll, version, req.getOloc(), delete, reqid);
            acks.add(store.queueTransactions(List.of(txn)));
            writeGate.track(pg, done);
            replicas = new ArrayList<>(pm.acting());
            replicas.addAll(recovery.upOnlyHolding(pg, pm, nameOf(req.getOloc())));
            if (recent != null && !reqid.isEmpty()) {
                recent.add(reqid, version.version());
            }
        }
        RepOpRequest rep = RepOpRequest.newBuilder().setEpoch(map.epoch()).setPool(pg.pool()).setSeed(pg.seed())
                .setOloc(req.getOloc()).addAllOps(req.getOpsList()).setVersion(version.version())
                .setVersionEpoch(version.epoch()).setMtimeMs(mtime).setReqid(reqid).build();
        for (int osd : replicas) {
            if (osd != who.id()) {
                acks.add(replicate(map, osd, rep));
            }
        }
        return CompletableFuture.allOf(acks.toArray(new CompletableFuture[0])).whenComplete((v, err) -> {
            done.complete(null);
            if (err != null) {
                // a member may lack this write while the primary has it: peer again before serving
                invalidate(pg);
            }
        }).thenApply(v -> OpReply.newBuilder().setEpoch(map.epoch()).setVersion(version.version()).build());
    }

    /** A blocking stub to another OSD for one peer call, bounded by the replica-op timeout. */
    private OsdServiceGrpc.OsdServiceBlockingStub peerStub(OsdMap map, int osd) {
        return OsdServiceGrpc.newBlockingStub(channelTo(osd, map.osd(osd).address()))
                .withDeadlineAfter(REPOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The channel to another OSD at the address the map gives it (a new one when it moved). */
    private ManagedChannel channelTo(int osd, String addr) {
        return peers.compute(osd, (id, p) -> {
            if (p != null && p.address().equals(addr)) {
                return p;
            }
            if (p != null) {
                p.channel().shutdown();
            }
            int colon = addr.lastIndexOf(':');
            return new Peer(addr, NettyChannelBuilder.forAddress(addr.substring(0, colon), Integer.parseInt(addr.substring(colon + 1)))
                    .usePlaintext().maxInboundMessageSize(64 << 20).build());
        }).channel();
    }

    /**
     * Pings every OSD this one shares a PG with; peers silent past osd_heartbeat_grace are
     * reported to the monitors (two reporters from distinct hosts mark one down), and a report is
     * withdrawn when the peer answers again.
     */
    private void heartbeat() {
        try {
            OsdMap m = maps.map();
            Set<Integer> peerIds = new java.util.TreeSet<>();
            for (PgId pg : collections) {
                if (m.pool(pg.pool()) != null && pg.seed() < m.pool(pg.pool()).pgNum()) {
                    for (int osd : m.mapPg(pg).acting()) {
                        if (osd != who.id() && m.isUp(osd)) {
                            peerIds.add(osd);
                        }
                    }
                }
            }
            for (int peer : peerIds) {
                // a peer that came up again is a new incarnation: its silence counts from now, not from its crash
                Integer seen = peerUpFrom.put(peer, m.osd(peer).upFrom());
                if (seen != null && seen != m.osd(peer).upFrom()) {
                    synchronized (heartbeats) {
                        heartbeats.heard(peer, clock.monotonicMs());
                    }
                }
            }
            long timeoutMs = Math.max(500, config.get(CairnConfigKeys.Osd.Heartbeat.HEARTBEAT_INTERVAL).toMillis());
            for (int peer : peerIds) {
                OsdServiceGrpc.newStub(channelTo(peer, m.osd(peer).address()))
                        .withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS)
                        .ping(io.cairn.proto.v1.PingRequest.newBuilder().setFrom(who.id()).setEpoch(m.epoch()).build(),
                                new io.grpc.stub.StreamObserver<>() {
                                    @Override
                                    public void onNext(io.cairn.proto.v1.PingReply r) {
                                        synchronized (heartbeats) {
                                            heartbeats.heard(peer, clock.monotonicMs());
                                        }
                                    }

                                    @Override
                                    public void onError(Throwable t) {
                                    }

                                    @Override
                                    public void onCompleted() {
                                    }
                                });
            }
            List<HeartbeatTracker.Action> actions;
            synchronized (heartbeats) {
                actions = heartbeats.tick(clock.monotonicMs(), peerIds);
            }
            for (HeartbeatTracker.Action a : actions) {
                switch (a) {
                    case HeartbeatTracker.Report r -> {
                        LOG.info("osd.{} has not answered for {} ms: reporting it", r.peer(), r.silentMs());
                        reportFailure(r.peer(), m.epoch(), false, (int) (r.silentMs() / 1000));
                    }
                    case HeartbeatTracker.Cancel c -> reportFailure(c.peer(), m.epoch(), true, 0);
                }
            }
        } catch (RuntimeException e) {
            LOG.debug("heartbeat round failed: {}", e.toString());
        }
    }

    private void reportFailure(int peer, int epoch, boolean stillAlive, int failedForSec) {
        try {
            timers.execute(() -> {
                try {
                    mon.osdFailure(who.id(), peer, epoch, stillAlive, failedForSec);
                } catch (RuntimeException e) {
                    LOG.debug("failure report for osd.{} not sent: {}", peer, e.toString());
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.debug("failure report for osd.{} dropped: stopping", peer);
        }
    }

    private CompletableFuture<Void> replicate(OsdMap map, int osd, RepOpRequest rep) {
        ManagedChannel channel = channelTo(osd, map.osd(osd).address());
        CompletableFuture<Void> done = new CompletableFuture<>();
        OsdServiceGrpc.newStub(channel).withDeadlineAfter(REPOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .repOp(rep, new io.grpc.stub.StreamObserver<>() {
                    @Override
                    public void onNext(RepOpReply r) {
                        if (r.getCode() == 0) {
                            done.complete(null);
                        } else {
                            done.completeExceptionally(new CairnException(ErrorCode.EAGAIN,
                                    "osd." + osd + " refused the replica write: " + r.getMessage()));
                        }
                    }

                    @Override
                    public void onError(Throwable t) {
                        done.completeExceptionally(new CairnException(ErrorCode.EAGAIN,
                                "osd." + osd + " unreachable: " + t.getMessage()));
                    }

                    @Override
                    public void onCompleted() {
                        done.complete(null);
                    }
                });
        return done;
    }

    CompletableFuture<RepOpReply> handleRepOp(RepOpRequest req) {
        return CompletableFuture.supplyAsync(() -> {
            OsdMap map = mapAtLeast(req.getEpoch());
            PgId pg = new PgId(req.getPool(), req.getSeed());
            if (map.pool(pg.pool()) == null || !servesOrTargets(map.mapPg(pg))) {
                throw new CairnException(ErrorCode.ESTALE, "osd." + who.id() + " is not in the acting or up set of " + pg);
            }
            ensureCollection(pg);
            CollectionId coll = CollectionId.of(pg.toString());
            ObjectId oid = objectId(req.getOloc());
            boolean delete = req.getOpsList().stream().anyMatch(OsdOp::hasRemove);
            synchronized (pgLock(pg)) {
                // checked under the lock against the newest map: a newer interval's peering that
                // read this member's info (under the same lock) must not miss a write applied after
                requireCurrentInterval(pg, req.getEpoch(), maps.map());
                Eversion version = new Eversion(req.getVersionEpoch(), req.getVersion());
                if (copies.holds(coll, version)) {
                    // a re-peering of this interval recovered the write while its replica op was queued
                    return CompletableFuture.<Void>completedFuture(null);
                }
                Transaction txn = new Transaction();
                if (runner.mutate(txn, coll, oid, req.getOpsList(), req.getVersion(), req.getMtimeMs())
                        && !req.getOloc().getKey().isEmpty()) {
                    txn.setAttr(coll, oid, PgCopies.KEY_ATTR,
                            req.getOloc().getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                }
                recordVersion(txn, pg, coll, version, req.getOloc(), delete, req.getReqid());
                return store.queueTransactions(List.of(txn));
            }
        }, opExecutor).thenCompose(x -> x).handle((v, err) -> err == null ? RepOpReply.newBuilder().build()
                : RepOpReply.newBuilder().setCode(codeOf(err).code()).setMessage(messageOf(err)).build());
    }

    /**
     * A replica write from an older interval of the PG (a primary that has not yet seen the map
     * that replaced it) is refused: accepting it would add to the log a write the new interval's
     * peering did not account for.
     */
    private void requireCurrentInterval(PgId pg, int senderEpoch, OsdMap now) {
        if (senderEpoch >= now.epoch()) {
            return;
        }
        PgMapping cur = now.mapPg(pg);
        for (int e = senderEpoch; e < now.epoch(); e++) {
            Optional<PgMapping> then = history.get(e).filter(m -> m.pool(pg.pool()) != null).map(m -> m.mapPg(pg));
            int pgNumThen = history.get(e).map(m -> m.pool(pg.pool()) == null ? -1 : m.pool(pg.pool()).pgNum()).orElse(-1);
            if (then.isEmpty() || !then.get().acting().equals(cur.acting())
                    || then.get().actingPrimary() != cur.actingPrimary() || pgNumThen != now.pool(pg.pool()).pgNum()) {
                throw new CairnException(ErrorCode.ESTALE, "pg " + pg + " changed interval after epoch " + senderEpoch);
            }
        }
    }

    ListReply list(ListRequest req) {
        OsdMap map = mapAtLeast(req.getEpoch());
        PgId pg = new PgId(req.getPool(), req.getSeed());
        if (map.pool(pg.pool()) == null) {
            throw CairnException.notFound("pool " + pg.pool() + " does not exist");
        }
        if (!req.getMember() && map.mapPg(pg).actingPrimary() != who.id()) {
            return ListReply.newBuilder().setCode(ErrorCode.ESTALE.code()).setEpoch(map.epoch())
                    .setMessage("not the primary of " + pg).build();
        }
        if (!req.getMember() && recovery.missing(pg).map(ms -> !ms.lackedBy(who.id()).isEmpty()).orElse(false)) {
            // its own copy is still incomplete: a listing now could miss objects or show removed ones
            return ListReply.newBuilder().setCode(ErrorCode.EAGAIN.code()).setEpoch(map.epoch())
                    .setMessage("pg " + pg + " is recovering objects of its primary").build();
        }
        ensureCollection(pg);
        CollectionId coll = CollectionId.of(pg.toString());
        Optional<ObjectId> after = req.getCursor().isEmpty() ? Optional.empty() : Optional.of(ListCursor.decode(req.getCursor()));
        int max = req.getMax() <= 0 ? LIST_MAX : Math.min(req.getMax(), LIST_MAX);
        ListReply.Builder b = ListReply.newBuilder().setEpoch(map.epoch());
        int guard = 0;
        while (b.getEntriesCount() < max && guard++ < 100) {
            ListPage page = store.list(coll, after, max);
            for (ObjectId o : page.objects()) {
                if (o.namespace().startsWith(".cairn")) {
                    continue;
                }
                if (req.getAllNamespaces() || o.namespace().equals(req.getNspace())) {
                    String key = store.getAttr(coll, o, PgCopies.KEY_ATTR)
                            .map(k -> new String(k, java.nio.charset.StandardCharsets.UTF_8)).orElse("");
                    b.addEntries(ListEntry.newBuilder().setName(o.name()).setNspace(o.namespace()).setKey(key));
                }
            }
            if (page.next().isEmpty() || page.objects().isEmpty()) {
                after = Optional.empty();
                break;
            }
            after = Optional.of(page.objects().get(page.objects().size() - 1));
        }
        after.ifPresent(o -> b.setNextCursor(ListCursor.encode(o)));
        return b.build();
    }

    /** This member's summary of one chunk of a PG, for the primary's scrub. */
    io.cairn.proto.v1.ScrubMapReply scrubMap(io.cairn.proto.v1.ScrubMapRequest req) {
        OsdMap map = mapAtLeast(req.getEpoch());
        PgId pg = new PgId(req.getPool(), req.getSeed());
        Pool pool = map.pool(pg.pool());
        if (pool == null || pg.seed() >= pool.pgNum()) {
            throw CairnException.notFound("pg " + pg + " does not exist");
        }
        if (!map.mapPg(pg).acting().contains(who.id())) {
            throw new CairnException(ErrorCode.ESTALE, "osd." + who.id() + " is not in pg " + pg + " in epoch " + map.epoch());
        }
        return io.cairn.proto.v1.ScrubMapReply.newBuilder().addAllObjects(scrubMaps.build(
                CollectionId.of(pg.toString()), ListCursor.decodeOptional(req.getStartAfter()),
                ListCursor.decodeOptional(req.getEnd()), req.getDeep())).build();
    }

    /** {@code pg scrub|deep-scrub|repair} and {@code list-inconsistent-obj}, sent to the PG's primary. */
    io.cairn.proto.v1.PgCommandReply pgCommand(io.cairn.proto.v1.PgCommandRequest req) {
        OsdMap map = mapAtLeast(req.getEpoch());
        PgId pg = new PgId(req.getPool(), req.getSeed());
        Pool pool = map.pool(pg.pool());
        if (pool == null || pg.seed() >= pool.pgNum()) {
            throw CairnException.notFound("pg " + pg + " does not exist");
        }
        var reply = io.cairn.proto.v1.PgCommandReply.newBuilder().setEpoch(map.epoch());
        if (map.mapPg(pg).actingPrimary() != who.id()) {
            return reply.setCode(ErrorCode.ESTALE.code())
                    .setMessage("osd." + who.id() + " is not the primary of " + pg + " in epoch " + map.epoch()).build();
        }
        io.cairn.osd.scrub.ScrubSchedule.Kind kind = switch (req.getCommand()) {
            case "scrub" -> io.cairn.osd.scrub.ScrubSchedule.Kind.SHALLOW;
            case "deep-scrub" -> io.cairn.osd.scrub.ScrubSchedule.Kind.DEEP;
            case "repair" -> io.cairn.osd.scrub.ScrubSchedule.Kind.REPAIR;
            case "list-inconsistent-obj", "query" -> null;
            default -> throw CairnException.invalid("unknown pg command '" + req.getCommand()
                    + "' (scrub, deep-scrub, repair, list-inconsistent-obj, query)");
        };
        if (kind == null) {
            Object out = req.getCommand().equals("query") ? pgQuery(map, pg, pool)
                    : scrubber.listInconsistent(pg);
            return reply.setOutputJson(io.cairn.common.cli.Json.write(out, false)).build();
        }
        scrubber.request(pg, kind);
        String msg = "instructing pg " + pg + " on osd." + who.id() + " to " + req.getCommand();
        return reply.setMessage(msg).setOutputJson(io.cairn.common.cli.Json.write(Map.of("message", msg), false)).build();
    }

    /**
     * {@code pg PGID query} as the primary sees the PG: its state, sets, this copy's info, where
     * peering stands (phase, what blocks it, each member's info) and its scrub record.
     */
    private Map<String, Object> pgQuery(OsdMap map, PgId pg, Pool pool) {
        PgMapping pm = map.mapPg(pg);
        CollectionId coll = CollectionId.of(pg.toString());
        PgInfo info = copies.info(coll);
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("state", pgState(pg, pool, pm, map));
        out.put("epoch", map.epoch());
        out.put("up", pm.up());
        out.put("acting", pm.acting());
        out.put("up_primary", pm.upPrimary());
        out.put("acting_primary", pm.actingPrimary());
        out.put("info", infoJson(pg, info));
        List<Object> recoveryState = new ArrayList<>();
        PeeringMachine m = machines.get(pg);
        if (m != null) {
            Map<String, Object> st = new java.util.LinkedHashMap<>();
            st.put("name", "Started/Primary/" + m.phase().name());
            st.put("acting", m.acting());
            st.put("authority", m.authority());
            m.blockedBy().ifPresent(b -> st.put("blocked_by", b.toString()));
            if (!m.unreachable().isEmpty()) {
                st.put("unreachable", List.copyOf(m.unreachable()));
            }
            List<Object> peers = new ArrayList<>();
            for (int osd : m.acting()) {
                Map<String, Object> peer = new java.util.LinkedHashMap<>();
                peer.put("peer", osd);
                peer.put("info", infoJson(pg, m.info(osd)));
                peers.add(peer);
            }
            st.put("peer_info", peers);
            st.put("missing_objects", m.missingObjects());
            st.put("backfill_targets", m.backfillTargets());
            recoveryState.add(st);
        }
        out.put("recovery_state", recoveryState);
        ScrubRecord scrub = scrubber.record(pg);
        Map<String, Object> sc = new java.util.LinkedHashMap<>();
        sc.put("flags", scrubber.flags(pg).stream().map(PgStateFlag::cephName).toList());
        sc.put("last_scrub_stamp", java.time.Instant.ofEpochMilli(scrub.lastScrubMs()).toString());
        sc.put("last_deep_scrub_stamp", java.time.Instant.ofEpochMilli(scrub.lastDeepScrubMs()).toString());
        sc.put("scrub_errors", scrub.errors());
        out.put("scrubber", sc);
        return out;
    }

    private static Map<String, Object> infoJson(PgId pg, PgInfo info) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("pgid", pg.toString());
        if (info == null) {
            return m;
        }
        m.put("last_update", info.lastUpdate().toString());
        m.put("last_complete", info.lastComplete().toString());
        m.put("log_tail", info.logTail().toString());
        m.put("last_epoch_started", info.lastEpochStarted());
        m.put("last_epoch_clean", info.lastEpochClean());
        return m;
    }

    io.cairn.proto.v1.PgInfoReply pgInfo(io.cairn.proto.v1.PgInfoRequest req) {
        OsdMap map = mapAtLeast(req.getEpoch());
        PgId pg = new PgId(req.getPool(), req.getSeed());
        CollectionId coll = CollectionId.of(pg.toString());
        if (map.pool(pg.pool()) != null && store.collectionExists(coll)) {
            quiesce(pg, coll, map);
        }
        PgInfo info = copies.info(coll);
        return io.cairn.proto.v1.PgInfoReply.newBuilder()
                .setLastUpdate(info.lastUpdate().version()).setLastUpdateEpoch(info.lastUpdate().epoch())
                .setLogTail(info.logTail().version()).setLogTailEpoch(info.logTail().epoch())
                .setLastEpochStarted(info.lastEpochStarted()).setLastEpochClean(info.lastEpochClean())
                .setLastComplete(info.lastComplete().version()).setLastCompleteEpoch(info.lastComplete().epoch()).build();
    }

    /**
     * Before answering a newer interval's peering: stop serving the PG as primary of an older
     * interval (the map listener may not have run yet), and let every write already applied here
     * reach the store, so the info, log and objects peering reads next agree. Otherwise a write
     * committed between the log read and an object pull travels without its log entry, and a
     * client's resend of it is applied twice.
     */
    private void quiesce(PgId pg, CollectionId coll, OsdMap map) {
        synchronized (pgLock(pg)) {
            List<Integer> active = activeActing.get(pg);
            if (active != null && (!active.equals(map.mapPg(pg).acting()) || map.mapPg(pg).actingPrimary() != who.id())) {
                invalidate(pg);
            }
        }
        flush(coll);
    }

    /** Waits until every transaction already queued for the PG is durable: they commit in queue order. */
    private void flush(CollectionId coll) {
        store.queueTransactions(List.of(new Transaction().touch(coll, PGMETA))).join();
    }

    io.cairn.proto.v1.PgLogReply pgLog(io.cairn.proto.v1.PgLogRequest req) {
        CollectionId coll = CollectionId.of(new PgId(req.getPool(), req.getSeed()).toString());
        PgLog log = copies.log(coll, new Eversion(req.getAfterEpoch(), req.getAfter()));
        var b = io.cairn.proto.v1.PgLogReply.newBuilder().setTail(log.tail().version()).setTailEpoch(log.tail().epoch());
        for (LogEntry e : log.entries()) {
            b.addEntries(PgCopies.toProto(req.getPool(), e));
        }
        return b.build();
    }

    io.cairn.proto.v1.PullReply pull(io.cairn.proto.v1.PullRequest req) {
        CollectionId coll = CollectionId.of(new PgId(req.getPool(), req.getSeed()).toString());
        return io.cairn.proto.v1.PullReply.newBuilder().setState(copies.read(coll, objectId(req.getOloc()))).build();
    }

    /** A primary brings this member's copy of a PG up to date, an object at a time, then its last_update. */
    RepOpReply push(io.cairn.proto.v1.PushRequest req) {
        OsdMap map = mapAtLeast(req.getEpoch());
        PgId pg = new PgId(req.getPool(), req.getSeed());
        if (map.pool(pg.pool()) == null) {
            throw CairnException.notFound("pool " + pg.pool() + " does not exist");
        }
        if (req.getRemoveStray()) {
            return removeStray(pg, map);
        }
        ensureCollection(pg);
        CollectionId coll = CollectionId.of(pg.toString());
        synchronized (pgLock(pg)) {
            // a recovery still running for an interval that has ended must not overwrite newer copies
            requireCurrentInterval(pg, req.getEpoch(), maps.map());
            Transaction txn = new Transaction();
            if (req.getRewind()) {
                copies.rewind(txn, coll, new Eversion(req.getRewindToEpoch(), req.getRewindTo()));
            }
            if (req.hasOloc() && !req.getOloc().getName().isEmpty()) {
                // its log entry came with the activation's history
                copies.write(txn, coll, objectId(req.getOloc()), req.getState());
                if (req.getRepair()) {
                    scrubber.repairedHere();
                }
            }
            if (req.getLastUpdate() > 0 || req.getLastEpochStarted() > 0) {
                // recovery sets the member's position outright: a rewound member moves back
                Eversion lu = new Eversion(req.getLastUpdateEpoch(), req.getLastUpdate());
                if (req.getBackfilled()) {
                    copies.resetLog(txn, coll, lu);
                } else {
                    copies.setLastUpdate(txn, coll, lu);
                }
                copies.setLastEpochStarted(txn, coll, req.getLastEpochStarted());
                lastVersions.computeIfAbsent(pg, p -> new AtomicLong()).set(lu.version());
            }
            if (req.getLogEntriesCount() > 0) {
                // after the rewind or reset: the authority's history, request ids included, is what stays
                copies.recordEntries(txn, coll, pg.pool(),
                        req.getLogEntriesList().stream().map(PgCopies::fromProto).toList());
            }
            if (req.getIncomplete()) {
                copies.setLastComplete(txn, coll, new Eversion(req.getLastCompleteEpoch(), req.getLastComplete()));
            }
            if (req.getComplete()) {
                copies.markComplete(txn, coll);
            }
            if (req.getLastEpochClean() > 0) {
                copies.setLastEpochClean(txn, coll, req.getLastEpochClean());
            }
            store.queueTransactions(List.of(txn)).join();
        }
        return RepOpReply.getDefaultInstance();
    }

    /** The PG went clean on its acting set: this OSD's old copy of it (from before a remap) goes. */
    private RepOpReply removeStray(PgId pg, OsdMap map) {
        PgMapping pm = map.mapPg(pg);
        if (servesOrTargets(pm)) {
            throw new CairnException(ErrorCode.ESTALE, "osd." + who.id() + " serves " + pg + " in epoch " + map.epoch());
        }
        if (store.collectionExists(CollectionId.of(pg.toString()))) {
            invalidate(pg);
            collections.remove(pg);
            timers.execute(() -> removePg(pg, "a stray copy; the PG is clean on " + pm.acting()));
        }
        return RepOpReply.getDefaultInstance();
    }

    /** A primary asks for (or gives back) one of this OSD's backfill slots for a PG it will backfill here. */
    io.cairn.proto.v1.BackfillReserveReply backfillReserve(io.cairn.proto.v1.BackfillReserveRequest req) {
        PgId pg = new PgId(req.getPool(), req.getSeed());
        var reply = io.cairn.proto.v1.BackfillReserveReply.newBuilder();
        if (req.getRelease()) {
            remoteBackfills.release(pg);
            return reply.build();
        }
        OsdMap map = mapAtLeast(req.getEpoch());
        if (map.pool(pg.pool()) == null || map.mapPg(pg).actingPrimary() != req.getFrom()
                || !servesOrTargets(map.mapPg(pg))) {
            return reply.setCode(ErrorCode.ESTALE.code()).setMessage("osd." + req.getFrom() + " does not lead " + pg
                    + " with osd." + who.id() + " in epoch " + map.epoch()).build();
        }
        var fs = store.statfs();
        double ratio = config.get(CairnConfigKeys.Osd.BACKFILLFULL_RATIO);
        if (fs.totalBytes() > 0 && fs.allocatedBytes() >= ratio * fs.totalBytes()) {
            return reply.setToofull(true).setMessage(String.format("osd.%d is %.0f%% full (backfillfull ratio %.2f)",
                    who.id(), 100.0 * fs.allocatedBytes() / fs.totalBytes(), ratio)).build();
        }
        return reply.setGranted(remoteBackfills.tryReserve(pg, req.getFrom(), req.getEpoch())).build();
    }

    AdminReadReply adminRead(AdminReadRequest req) {
        OsdMap map = maps.map();
        Pool pool = map.pool(req.getOloc().getPool());
        if (pool == null) {
            throw CairnException.notFound("pool does not exist");
        }
        PgId pg = Placement.objectPg(pool, req.getOloc().getName(), req.getOloc().getNspace(), req.getOloc().getKey());
        CollectionId coll = CollectionId.of(pg.toString());
        ObjectId oid = objectId(req.getOloc());
        AdminReadReply.Builder b = AdminReadReply.newBuilder().setPgid(pg.toString());
        if (!store.collectionExists(coll) || !store.exists(coll, oid)) {
            return b.setCode(ErrorCode.ENOENT.code()).build();
        }
        long size = store.stat(coll, oid).sizeBytes();
        byte[] data = size == 0 ? new byte[0] : store.read(coll, oid, 0, size);
        return b.setData(com.google.protobuf.UnsafeByteOperations.unsafeWrap(data)).setVersion(runner.version(coll, oid)).build();
    }

    private static OpReply error(ErrorCode code, String message, int epoch) {
        return OpReply.newBuilder().setCode(code.code()).setMessage(message).setEpoch(epoch).build();
    }

    static ErrorCode codeOf(Throwable t) {
        Throwable c = unwrap(t);
        if (c instanceof CairnException ce) {
            return ce.code();
        }
        if (c instanceof ObjectStoreException.NoSpace) {
            return ErrorCode.ENOSPC;
        }
        if (c instanceof ObjectStoreException.InvalidArgument) {
            return ErrorCode.EINVAL;
        }
        if (c instanceof ObjectStoreException.NoSuchObject) {
            return ErrorCode.ENOENT;
        }
        if (c instanceof ObjectStoreException.Busy) {
            return ErrorCode.EAGAIN;
        }
        return ErrorCode.EIO;
    }

    static String messageOf(Throwable t) {
        Throwable c = unwrap(t);
        return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    }

    private static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof java.util.concurrent.CompletionException || c instanceof java.util.concurrent.ExecutionException)
                && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    private static OpReply toError(Throwable t, int epoch) {
        ErrorCode code = codeOf(t);
        if (code == ErrorCode.EIO) {
            LOG.warn("op failed: {}", unwrap(t).toString());
        }
        return error(code, messageOf(t), epoch);
    }

    public String address() {
        return address;
    }

    /** The gRPC face: every call is handed to the op pool; replies come from the futures. */
    private final class Service extends OsdServiceGrpc.OsdServiceImplBase {
        @Override
        public void ping(io.cairn.proto.v1.PingRequest req, io.grpc.stub.StreamObserver<io.cairn.proto.v1.PingReply> out) {
            OsdMap m = maps.map();
            out.onNext(io.cairn.proto.v1.PingReply.newBuilder().setFrom(who.id()).setEpoch(m == null ? 0 : m.epoch()).build());
            out.onCompleted();
        }

        @Override
        public void op(OpRequest req, io.grpc.stub.StreamObserver<OpReply> out) {
            handleOp(req).whenComplete((r, e) -> {
                out.onNext(r);
                out.onCompleted();
            });
        }

        @Override
        public void repOp(RepOpRequest req, io.grpc.stub.StreamObserver<RepOpReply> out) {
            handleRepOp(req).whenComplete((r, e) -> {
                out.onNext(r);
                out.onCompleted();
            });
        }

        @Override
        public void list(ListRequest req, io.grpc.stub.StreamObserver<ListReply> out) {
            offload(() -> OsdDaemon.this.list(req),
                    e -> ListReply.newBuilder().setCode(codeOf(e).code()).setMessage(messageOf(e)).build(), out);
        }

        @Override
        public void pgInfo(io.cairn.proto.v1.PgInfoRequest req, io.grpc.stub.StreamObserver<io.cairn.proto.v1.PgInfoReply> out) {
            offload(() -> OsdDaemon.this.pgInfo(req), e -> io.cairn.proto.v1.PgInfoReply.newBuilder()
                    .setCode(codeOf(e).code()).setMessage(messageOf(e)).build(), out);
        }

        @Override
        public void pgLog(io.cairn.proto.v1.PgLogRequest req, io.grpc.stub.StreamObserver<io.cairn.proto.v1.PgLogReply> out) {
            offload(() -> OsdDaemon.this.pgLog(req), e -> io.cairn.proto.v1.PgLogReply.newBuilder()
                    .setCode(codeOf(e).code()).setMessage(messageOf(e)).build(), out);
        }

        @Override
        public void pull(io.cairn.proto.v1.PullRequest req, io.grpc.stub.StreamObserver<io.cairn.proto.v1.PullReply> out) {
            offload(() -> OsdDaemon.this.pull(req), e -> io.cairn.proto.v1.PullReply.newBuilder()
                    .setCode(codeOf(e).code()).setMessage(messageOf(e)).build(), out);
        }

        @Override
        public void push(io.cairn.proto.v1.PushRequest req, io.grpc.stub.StreamObserver<RepOpReply> out) {
            offload(() -> OsdDaemon.this.push(req), e -> RepOpReply.newBuilder().setCode(codeOf(e).code())
                    .setMessage(messageOf(e)).build(), out);
        }

        @Override
        public void backfillReserve(io.cairn.proto.v1.BackfillReserveRequest req,
                                    io.grpc.stub.StreamObserver<io.cairn.proto.v1.BackfillReserveReply> out) {
            offload(() -> OsdDaemon.this.backfillReserve(req), e -> io.cairn.proto.v1.BackfillReserveReply.newBuilder()
                    .setCode(codeOf(e).code()).setMessage(messageOf(e)).build(), out);
        }

        @Override
        public void adminRead(AdminReadRequest req, io.grpc.stub.StreamObserver<AdminReadReply> out) {
            offload(() -> OsdDaemon.this.adminRead(req), e -> AdminReadReply.newBuilder().setCode(codeOf(e).code()).build(),
                    out);
        }

        @Override
        public void scrubMap(io.cairn.proto.v1.ScrubMapRequest req,
                             io.grpc.stub.StreamObserver<io.cairn.proto.v1.ScrubMapReply> out) {
            offload(() -> OsdDaemon.this.scrubMap(req), e -> io.cairn.proto.v1.ScrubMapReply.newBuilder()
                    .setCode(codeOf(e).code()).setMessage(messageOf(e)).build(), out);
        }

        @Override
        public void pgCommand(io.cairn.proto.v1.PgCommandRequest req,
                              io.grpc.stub.StreamObserver<io.cairn.proto.v1.PgCommandReply> out) {
            offload(() -> OsdDaemon.this.pgCommand(req), e -> io.cairn.proto.v1.PgCommandReply.newBuilder()
                    .setCode(codeOf(e).code()).setMessage(messageOf(e)).build(), out);
        }

        /** Runs store reads on the op pool, never on a gRPC thread. */
        private <T> void offload(java.util.function.Supplier<T> work, java.util.function.Function<Throwable, T> onError,
                                 io.grpc.stub.StreamObserver<T> out) {
            CompletableFuture<T> f;
            try {
                f = CompletableFuture.supplyAsync(work, opExecutor);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                f = CompletableFuture.failedFuture(new CairnException(ErrorCode.EAGAIN, "busy"));
            }
            f.whenComplete((r, e) -> {
                out.onNext(e == null ? r : onError.apply(e));
                out.onCompleted();
            });
        }
    }

    @Override
    public void close() {
        stopping = true;
        // like Ceph's mark-me-down: a clean stop tells the monitors at once instead of waiting for reports
        if (grpc != null) {
            try {
                mon.command("osd down", Map.of("ids", Integer.toString(who.id())));
            } catch (RuntimeException e) {
                LOG.debug("could not mark myself down: {}", e.toString());
            }
        }
        timers.shutdownNow();
        heartbeatTimer.shutdownNow();
        maps.close();
        if (grpc != null) {
            grpc.shutdownNow();
        }
        opExecutor.shutdownNow();
        recoveryExecutor.shutdownNow();
        recovery.close();
        scrubber.close();
        peers.values().forEach(p -> p.channel().shutdownNow());
        mon.close();
        try {
            store.umount();
        } catch (RuntimeException e) {
            LOG.warn("umount: {}", e.toString());
        }
        if (metrics != null) {
            metrics.close();
        }
        LOG.info("osd.{} stopped", who.id());
    }
}
