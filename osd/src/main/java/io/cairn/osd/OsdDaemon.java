package io.cairn.osd;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.config.CairnConfig;
import io.cairn.common.config.CairnConfigKeys;
import io.cairn.common.config.ConfigAdminService;
import io.cairn.common.config.ConfigFollower;
import io.cairn.common.metrics.MetricsServer;
import io.cairn.common.mon.MapFollower;
import io.cairn.common.mon.MonClient;
import io.cairn.common.net.AliasingMarshaller;
import io.cairn.common.net.HostPort;
import io.cairn.common.net.Messenger;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.PgId;
import io.cairn.common.time.Clock;
import io.cairn.objectstore.ObjectStore;
import io.cairn.objectstore.block.BlockStore;
import io.cairn.objectstore.block.BlockStoreOptions;
import io.cairn.osd.heartbeat.Heartbeater;
import io.cairn.osd.mon.Booter;
import io.cairn.osd.mon.MonLink;
import io.cairn.osd.net.PeerChannels;
import io.cairn.osd.op.ClientOps;
import io.cairn.osd.op.ObjectLister;
import io.cairn.osd.op.ObjectOrder;
import io.cairn.osd.op.OpRunner;
import io.cairn.osd.op.OpTracker;
import io.cairn.osd.op.ReplicaOps;
import io.cairn.osd.op.Replicator;
import io.cairn.osd.op.WriteGate;
import io.cairn.osd.peering.PgStateFlag;
import io.cairn.osd.peering.driver.PeeringDriver;
import io.cairn.osd.peering.driver.PeeringMember;
import io.cairn.osd.peering.driver.StrayChecker;
import io.cairn.osd.pg.IntervalCheck;
import io.cairn.osd.pg.MapGate;
import io.cairn.osd.pg.MapHistory;
import io.cairn.osd.pg.PgCopies;
import io.cairn.osd.pg.PgMapHandler;
import io.cairn.osd.pg.PgRegistry;
import io.cairn.osd.pg.PgRemover;
import io.cairn.osd.pg.PgSplitter;
import io.cairn.osd.pg.SlotReserver;
import io.cairn.osd.recovery.ObjectCopier;
import io.cairn.osd.recovery.PgRecovery;
import io.cairn.osd.scrub.PgScrubber;
import io.cairn.osd.scrub.RepairOnRead;
import io.cairn.osd.scrub.ScrubContext;
import io.cairn.osd.scrub.ScrubMapBuilder;
import io.cairn.osd.scrub.ScrubSchedule;
import io.cairn.osd.scrub.ShardsRepaired;
import io.cairn.osd.snap.SnapTrimmer;
import io.cairn.osd.snap.driver.SnapTrimDriver;
import io.cairn.osd.stats.PgCommands;
import io.cairn.osd.stats.PgStates;
import io.cairn.osd.stats.StatsReporter;
import io.grpc.Server;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One OSD process over one ObjectStore: builds its parts (see osd/README.md for the layout), starts
 * them in order — central config, store, monitors, gRPC, boot — and stops them in reverse. It only
 * wires; no part calls back into it.
 */
public final class OsdDaemon implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OsdDaemon.class);
    private static final long SCRUB_TICK_MS = 1000;
    private static final long SNAP_TRIM_TICK_MS = 500;
    private static final long PEERING_TICK_MS = 500;
    /** How often copies of PGs this OSD no longer serves are checked with their primaries. */
    private static final long STRAY_CHECK_MS = 10_000;
    /** How often replica writes past osd_peer_op_timeout are failed. */
    private static final long REPLICA_EXPIRY_MS = 1000;
    private static final Duration CONFIG_WAIT = Duration.ofSeconds(10);
    private static final Duration FIRST_MAP_WAIT = Duration.ofSeconds(60);
    private static final int REPLY_SLACK_BYTES = 4 << 20;

    private final CairnConfig config;
    private final Clock clock;
    private final OsdIdentity who;
    private final BlockStore store;
    private final MonClient monClient;
    private final ConfigFollower configFollower;
    private final MapFollower maps;
    private final OsdThreads threads;
    private final PeerChannels peers;
    private final MonLink mon;
    private final Booter booter;
    private final PgRegistry registry;
    private final PgRecovery recovery;
    private final ObjectCopier copier;
    private final PeeringDriver driver;
    private final StrayChecker strays;
    private final PgScrubber scrubber;
    private final SnapTrimDriver snapTrimmer;
    private final PgMapHandler mapHandler;
    private final Heartbeater heartbeater;
    private final StatsReporter stats;
    private final Replicator replicator;
    private final OsdService service;
    private final SlotReserver<PgId> remoteBackfills;
    private final PrometheusMeterRegistry metricsRegistry;
    private Server grpc;
    private MetricsServer metrics;
    private String address;

    private OsdDaemon(CairnConfig config, Clock clock, Path dataDir) {
        this.config = config;
        this.clock = clock;
        who = OsdIdentity.read(dataDir);
        if (!config.entityId().equals(Integer.toString(who.id()))) {
            throw new CairnException(ErrorCode.EINVAL, dataDir + " belongs to osd." + who.id() + ", not " + config.entity());
        }
        int me = who.id();
        monClient = MonClient.fromConfig(config);
        // the central config database first, so that even options read only at start take its values
        configFollower = ConfigFollower.overMonitors(config, monClient).start(CONFIG_WAIT);
        store = new BlockStore(dataDir.resolve(OsdIdentity.STORE_DIR), BlockStoreOptions.DEFAULT
                .withPreferDeferredBytes(Math.toIntExact(config.get(CairnConfigKeys.Osd.PREFER_DEFERRED_SIZE))));
        threads = new OsdThreads(config);
        maps = new MapFollower(monClient);
        configFollower.follow(maps);
        metricsRegistry = MetricsServer.newRegistry(config.entity());
        long maxWrite = config.get(CairnConfigKeys.Osd.Op.MAX_WRITE_SIZE);
        peers = new PeerChannels((int) Math.min(Integer.MAX_VALUE, maxWrite + REPLY_SLACK_BYTES),
                config.get(CairnConfigKeys.Osd.Op.PEER_OP_TIMEOUT).toMillis());
        mon = new MonLink(monClient, threads.mon, clock, me);
        booter = new Booter(mon, maps, clock, me, who.uuid(), () -> store.statfs().totalBytes());
        // a piece must fit the peer messages, which are sized for the largest write
        PgCopies copies = new PgCopies(store,
                () -> Math.min(config.get(CairnConfigKeys.Osd.Recovery.RECOVERY_MAX_CHUNK), maxWrite));
        registry = new PgRegistry(store, copies, threads.pgQueues, clock);
        MapHistory history = new MapHistory(config.get(CairnConfigKeys.Osd.Recovery.MAP_CACHE_SIZE), monClient::getMap);
        MapGate gate = new MapGate(maps, registry, () -> config.get(CairnConfigKeys.Osd.Op.MAP_WAIT).toMillis(), me);
        ObjectOrder order = new ObjectOrder(threads.ops);
        copier = new ObjectCopier(peers, copies, store, registry, gate, me);
        recovery = new PgRecovery(copier, peers, order, maps::map, threads.timers, recoveryThrottles(), clock, me,
                OsdThreads.named("osd-recovery"));
        driver = new PeeringDriver(registry, gate, history, copies, store, peers, mon, recovery, threads.peering,
                clock, me);
        WriteGate writeGate = new WriteGate(registry::lockOf);
        ShardsRepaired shardsRepaired = new ShardsRepaired(dataDir);
        PgStates[] states = new PgStates[1];
        scrubber = new PgScrubber(store, copies, writeGate, new ScrubContext(maps, registry, peers, mon, me,
                id -> states[0].cleanActing(id, maps.map())), clock::wallMs, this::scrubOptions, me,
                shardsRepaired.saved(), OsdThreads.named("osd-scrub"));
        SnapTrimDriver[] trimmer = new SnapTrimDriver[1];
        states[0] = new PgStates(registry, recovery, scrubber, copies, id -> trimmer[0].flags(id), me);
        OpRunner runner = new OpRunner(store, config.get(CairnConfigKeys.Osd.Op.MAX_OBJECT_SIZE), maxWrite);
        replicator = new Replicator(peers, clock, () -> config.get(CairnConfigKeys.Osd.Op.PEER_OP_TIMEOUT).toMillis());
        OpTracker tracker = new OpTracker(config.get(CairnConfigKeys.Osd.Op.CLIENT_MESSAGE_CAP), clock, metricsRegistry);
        ClientOps clientOps = new ClientOps(new ClientOps.Deps(gate, registry, driver, recovery, runner, writeGate,
                copies, store, replicator, new RepairOnRead(peers, copies, store, scrubber, mon, me), tracker,
                mon::lastContactMs, () -> config.get(CairnConfigKeys.Osd.MON_CONTACT_GRACE).toMillis(), clock,
                threads.ops), me);
        remoteBackfills = new SlotReserver<>(() -> config.get(CairnConfigKeys.Osd.Recovery.MAX_BACKFILLS));
        snapTrimmer = trimmer[0] = new SnapTrimDriver(new SnapTrimDriver.Deps(maps::map, registry, store,
                clientOps::trimWrite, (id, m) -> states[0].cleanActing(id, m).isPresent(),
                id -> scrubber.flags(id).contains(PgStateFlag.SCRUBBING),
                new SlotReserver<>(() -> config.get(CairnConfigKeys.Osd.SnapTrim.MAX_TRIMMING_PGS)),
                () -> new SnapTrimmer.Settings(config.get(CairnConfigKeys.Osd.SnapTrim.MAX_CONCURRENT),
                        config.get(CairnConfigKeys.Osd.SnapTrim.SLEEP).toMillis())), threads.snapTrim, me);
        PgRemover remover = new PgRemover(store, registry, maps::map, threads.removal, me);
        remover.onRemoved(id -> {
            scrubber.forget(id);
            driver.forget(id);
        });
        PeeringMember member = new PeeringMember(gate, history, registry, copies, store, remoteBackfills,
                () -> config.get(CairnConfigKeys.Osd.BACKFILLFULL_RATIO), remover::remove, scrubber::repairedHere,
                states[0]::cleanActing, me);
        strays = new StrayChecker(maps::map, registry, peers, remover::remove, me);
        mapHandler = new PgMapHandler(registry, history, new PgSplitter(store, copies), copies, store, remover, driver,
                threads.maps, this::afterMap, me);
        heartbeater = new Heartbeater(peers, mon, maps::map, registry::held, threads.heartbeat,
                () -> config.get(CairnConfigKeys.Osd.Heartbeat.HEARTBEAT_INTERVAL).toMillis(),
                () -> config.get(CairnConfigKeys.Osd.Heartbeat.HEARTBEAT_GRACE).toMillis(), clock, me);
        stats = new StatsReporter(mon, maps::map, registry, states[0], store, tracker, copier, scrubber, shardsRepaired,
                snapTrimmer, () -> config.get(CairnConfigKeys.Osd.Op.OP_COMPLAINT_TIME).toMillis(), clock, me);
        service = new OsdService(clientOps, new ReplicaOps(gate, history, registry, runner, copies, store, threads.ops,
                me), new ObjectLister(gate, registry, store, recovery, runner, clock, me), member,
                new PgCommands(gate, states[0], scrubber, new ScrubMapBuilder(store), me), gate, threads.ops, me);
    }

    private PgRecovery.Throttles recoveryThrottles() {
        return new PgRecovery.Throttles(() -> config.get(CairnConfigKeys.Osd.Recovery.RECOVERY_MAX_ACTIVE),
                () -> config.get(CairnConfigKeys.Osd.Recovery.RECOVERY_SLEEP).toMillis(),
                () -> config.get(CairnConfigKeys.Osd.Recovery.MAX_BACKFILLS),
                () -> config.get(CairnConfigKeys.Osd.Recovery.BACKFILL_RETRY_INTERVAL).toMillis());
    }

    /** The scrub options as they are now (read at each scrub: they can change at runtime). */
    private PgScrubber.Options scrubOptions() {
        int chunkMin = config.get(CairnConfigKeys.Osd.Scrub.SCRUB_CHUNK_MIN);
        return new PgScrubber.Options(config.get(CairnConfigKeys.Osd.Scrub.MAX_SCRUBS),
                config.get(CairnConfigKeys.Osd.Scrub.SCRUB_SLEEP).toMillis(), chunkMin,
                Math.max(chunkMin, config.get(CairnConfigKeys.Osd.Scrub.SCRUB_CHUNK_MAX)),
                new ScrubSchedule.Options(config.get(CairnConfigKeys.Osd.Scrub.SCRUB_MIN_INTERVAL).toMillis(),
                        config.get(CairnConfigKeys.Osd.Scrub.SCRUB_MAX_INTERVAL).toMillis(),
                        config.get(CairnConfigKeys.Osd.Scrub.DEEP_SCRUB_INTERVAL).toMillis(),
                        config.get(CairnConfigKeys.Osd.Scrub.SCRUB_LOAD_THRESHOLD)));
    }

    /** After the PGs took a new map (map thread): the rest of the OSD hears of it. */
    private void afterMap(OsdMap m) {
        driver.mapChanged();
        // a backfill slot held for a primary that no longer leads the PG goes back
        remoteBackfills.releaseIf((pg, holder) -> m.pool(pg.pool()) == null
                || m.mapPg(pg).actingPrimary() != holder.primary()
                || !IntervalCheck.servesOrTargets(m.mapPg(pg), who.id()));
        if (booter.markedDownWhileAlive(m)) {
            mon.submit(() -> {
                booter.bootAgainIfMarkedDown(m);
                return null;
            });
        }
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

    /**
     * As {@link #mkfs}, with the store's data written straight to the block device {@code device}
     * and its metadata in the data directory (see {@link BlockStore#mkfsOnDevice}).
     */
    public static OsdIdentity mkfsOnDevice(Path dataDir, int id, String uuid, Path device, boolean force)
            throws IOException {
        if (Files.exists(dataDir.resolve("whoami"))) {
            throw new CairnException(ErrorCode.EEXIST, dataDir + " already holds an OSD");
        }
        OsdIdentity who = new OsdIdentity(id, uuid);
        Files.createDirectories(dataDir);
        BlockStore.mkfsOnDevice(dataDir.resolve(OsdIdentity.STORE_DIR), device, BlockStore.UNIT_BYTES_DEFAULT, force);
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

    private void startServing() throws IOException {
        store.mount();
        booter.register();
        HostPort bind = HostPort.parse(config.get(CairnConfigKeys.Global.PUBLIC_ADDR));
        long maxMsg = config.get(CairnConfigKeys.Osd.Op.MAX_WRITE_SIZE) + REPLY_SLACK_BYTES;
        // every handler hands its work to the op pool or answers at once (OsdService, ConfigAdminService)
        grpc = Messenger.serverOnNetworkThreads(bind, (int) Math.min(Integer.MAX_VALUE, maxMsg))
                .addService(AliasingMarshaller.service(service.bindService()))
                .addService(new ConfigAdminService(config)).build().start();
        address = bind.host() + ":" + grpc.getPort();
        startMetrics(bind.host());
        maps.addListener(mapHandler::onMap);
        maps.start(FIRST_MAP_WAIT);
        String host = crushHost();
        booter.boot(address, host, config.get(CairnConfigKeys.Osd.CRUSH_LOCATION));
        long beaconMs = Math.max(1000, config.get(CairnConfigKeys.Osd.BEACON_REPORT_INTERVAL).toMillis());
        threads.timers.scheduleWithFixedDelay(() -> mon.submit(() -> {
            booter.beacon();
            return null;
        }), beaconMs, beaconMs, TimeUnit.MILLISECONDS);
        long reportMs = Math.max(500, config.get(CairnConfigKeys.Osd.MON_REPORT_INTERVAL).toMillis());
        threads.stats.scheduleWithFixedDelay(this::reportStats, 0, reportMs, TimeUnit.MILLISECONDS);
        long heartbeatMs = Math.max(200, config.get(CairnConfigKeys.Osd.Heartbeat.HEARTBEAT_INTERVAL).toMillis());
        threads.heartbeat.scheduleWithFixedDelay(heartbeater::round, heartbeatMs, heartbeatMs, TimeUnit.MILLISECONDS);
        threads.timers.scheduleWithFixedDelay(scrubber::tick, SCRUB_TICK_MS, SCRUB_TICK_MS, TimeUnit.MILLISECONDS);
        snapTrimmer.start(SNAP_TRIM_TICK_MS);
        threads.timers.scheduleWithFixedDelay(driver::tick, PEERING_TICK_MS, PEERING_TICK_MS, TimeUnit.MILLISECONDS);
        threads.timers.scheduleWithFixedDelay(strays::tick, STRAY_CHECK_MS, STRAY_CHECK_MS, TimeUnit.MILLISECONDS);
        threads.timers.scheduleWithFixedDelay(replicator::expire, REPLICA_EXPIRY_MS, REPLICA_EXPIRY_MS,
                TimeUnit.MILLISECONDS);
        LOG.info("osd.{} serving on {} (host {})", who.id(), address, host);
    }

    private void reportStats() {
        // the map that marked us down may have come too soon after a boot to act on, and no other since
        OsdMap m = maps.map();
        if (booter.markedDownWhileAlive(m)) {
            booter.bootAgainIfMarkedDown(m);
        }
        stats.report();
    }

    private void startMetrics(String bindHost) {
        Gauge.builder("cairn.osd.map.epoch", maps, f -> f.map() == null ? 0 : f.map().epoch())
                .description("Newest OSDMap epoch this OSD has").register(metricsRegistry);
        Gauge.builder("cairn.osd.pgs", registry, PgRegistry::heldCount).description("PGs this OSD holds")
                .register(metricsRegistry);
        Gauge.builder("cairn.osd.recovery.ops.active", recovery, PgRecovery::runningCopies)
                .description("Background recovery and backfill copies running now").register(metricsRegistry);
        FunctionCounter.builder("cairn.osd.recovery.objects", copier, ObjectCopier::copiedObjects)
                .description("Objects copied by recovery and backfill (pulled and pushed)").register(metricsRegistry);
        FunctionCounter.builder("cairn.osd.recovery.bytes", copier, ObjectCopier::copiedBytes).baseUnit("bytes")
                .description("Object data recovery and backfill copied, clones included").register(metricsRegistry);
        FunctionCounter.builder("cairn.osd.recovery.objects.pieced", copier, ObjectCopier::copiedInPieces)
                .description("Objects recovery and backfill copied in pieces of osd_recovery_max_chunk")
                .register(metricsRegistry);
        FunctionCounter.builder("cairn.osd.snaptrim.objects", snapTrimmer, SnapTrimDriver::trimmedObjects)
                .description("Heads whose clones this OSD trimmed as primary").register(metricsRegistry);
        Gauge.builder("cairn.osd.store.total.bytes", store, s -> s.statfs().totalBytes()).baseUnit("bytes")
                .description("Size of this OSD's store").register(metricsRegistry);
        Gauge.builder("cairn.osd.store.used.bytes", store, s -> s.statfs().allocatedBytes()).baseUnit("bytes")
                .description("Space allocated in this OSD's store").register(metricsRegistry);
        storeCounter("commits", BlockStore::commitCount, "Metadata commits of this OSD's store (each carries a batch)");
        storeCounter("transactions", BlockStore::submissionCount, "Transactions those commits carried");
        storeCounter("lone.syncs", BlockStore::loneSyncCount,
                "Extra metadata syncs for a commit that nothing queued after it could carry");
        storeCounter("deferred.write.bytes", BlockStore::deferredBytesCommitted,
                "Bytes written as deferred writes (in the metadata commit, the block file later)");
        storeCounter("direct.write.bytes", BlockStore::directBytesCommitted, "Bytes written to the block file directly");
        int metricsOffset = config.get(CairnConfigKeys.Global.METRICS_PORT_OFFSET);
        if (metricsOffset > 0 && grpc.getPort() + metricsOffset < 65536) {
            try {
                metrics = MetricsServer.start(metricsRegistry, bindHost, grpc.getPort() + metricsOffset);
            } catch (IOException e) {
                LOG.warn("no metrics endpoint: {}", e.toString());
            }
        }
    }

    private void storeCounter(String name, ToLongFunction<BlockStore> value, String description) {
        FunctionCounter.builder("cairn.osd.store." + name, store, s -> s.isMounted() ? value.applyAsLong(s) : 0)
                .description(description).register(metricsRegistry);
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

    public String address() {
        return address;
    }

    @Override
    public void close() {
        booter.stopping();
        if (grpc != null) {
            mon.markMeDown();
        }
        configFollower.close();
        maps.close();
        if (grpc != null) {
            grpc.shutdownNow();
        }
        threads.close();
        recovery.close();
        scrubber.close();
        replicator.close();
        peers.close();
        monClient.close();
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
