package io.cairn.mon;

import io.cairn.common.ErrorCode;
import io.cairn.common.config.CairnConfig;
import io.cairn.common.config.CairnConfigKeys;
import io.cairn.common.config.ConfigAdminService;
import io.cairn.common.config.ConfigFollower;
import io.cairn.common.config.ConfigWho;
import io.cairn.common.metrics.MetricsServer;
import io.cairn.common.net.HostPort;
import io.cairn.common.net.Messenger;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.time.Clock;
import io.cairn.proto.v1.CommandReply;
import io.cairn.proto.v1.CommandRequest;
import io.cairn.proto.v1.MdsBeaconRequest;
import io.cairn.proto.v1.OsdBeaconRequest;
import io.cairn.proto.v1.OsdFailureRequest;
import io.grpc.Server;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.proto.RaftProtos;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One monitor process: a member of the Ratis group that replicates the maps, the public gRPC
 * service, map subscriptions, the leader's duties (creating the first map, failure detection,
 * down-out), the monitor's own following of the central config database, the
 * {@code DaemonAdminService} ({@code config show mon.X}) and a Prometheus endpoint. A thin shell around {@link MonStateMachine},
 * {@link WriteCommands}/{@link ReadCommands} and {@link FailureDetector}.
 */
public final class MonDaemon implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MonDaemon.class);
    private static final long QUORUM_RPC_MAX_MS = 5_000;
    private static final int GRPC_THREADS = 8;
    private static final int PROPOSERS = 16;
    private static final int PROPOSALS_QUEUED_MAX = 4096;
    private static final int GRPC_MESSAGE_MAX_BYTES = 64 << 20;
    /** How long a stopping monitor lets its calls in flight finish. */
    private static final long STOP_DRAIN_MS = 2_000;

    private final CairnConfig config;
    private final Clock clock;
    /** The monitor map the config gives: the group's first configuration, and the map until Ratis reports one. */
    private final MonMap initialMap;
    private final MonMap.Member me;
    private final int raftPortOffset;
    /** Set once this monitor has seen itself in the Raft configuration; a later one without it means removed. */
    private volatile boolean wasMember;
    private long lastNotMemberLogMs;
    private final CompletableFuture<Void> removed = new CompletableFuture<>();
    private final RaftGroup group;
    private final MonStateMachine sm;
    private final Subscriptions subscriptions;
    private final RaftServer raftServer;
    private final RaftCalls calls;
    private final MonitorChanges monitorChanges;
    private final Server grpcServer;
    private final ExecutorService grpcExecutor;
    private final ScheduledExecutorService ticker;
    private final java.util.concurrent.ThreadPoolExecutor proposer;
    private final PrometheusMeterRegistry registry;
    private final ClusterMetrics clusterMetrics;
    private final MetricsServer metrics;
    private final Object leaderLock = new Object();
    private final PgStatsTable pgStats;
    private final HealthLog healthLog = new HealthLog();
    /** One for the monitor's life, fed every applied map; guarded by leaderLock. */
    private final FailureDetector detector = new FailureDetector();
    private final SnapPurges snapPurges = new SnapPurges();
    private final BlocklistExpiry blocklistExpiry = new BlocklistExpiry();
    /** The leader's MDS beacons and graces; guarded by leaderLock. */
    private final MdsBeaconTracker mdsTracker = new MdsBeaconTracker();
    /** The Raft term this monitor last led in, or -1 while it does not lead (ticker thread only). */
    private long leaderTerm = -1;
    private long lastInitProposalMs;
    private boolean initProposed;
    private final ConfigFollower configFollower;

    private MonDaemon(CairnConfig config, Clock clock) throws IOException {
        this.config = config;
        // read on every summary, so thresholds set centrally at runtime apply at the next tick
        pgStats = new PgStatsTable(() -> thresholds(config), clock::wallMs);
        this.clock = clock;
        initialMap = MonMap.fromConfig(config);
        raftPortOffset = config.get(CairnConfigKeys.Global.MON_RAFT_PORT_OFFSET);
        me = self(config, initialMap, raftPortOffset);
        group = RaftGroup.valueOf(RaftGroupId.valueOf(MonMap.groupId(config, initialMap)), initialMap.peers());
        Subscriptions[] subs = new Subscriptions[1];
        ConfigFollower[] follower = new ConfigFollower[1];
        ConfigWho self = ConfigWho.entity(config.entity());
        sm = new MonStateMachine(() -> config.get(CairnConfigKeys.Mon.MIN_OSDMAP_EPOCHS), map -> {
            synchronized (leaderLock) {
                detector.step(new FailureDetector.MapApplied(map, clock.monotonicMs()));
            }
            if (subs[0] != null) {
                subs[0].published(map);
            }
        }, version -> {
            if (subs[0] != null) {
                subs[0].configChanged(version);
            }
            if (follower[0] != null) {
                follower[0].versionSeen(version);
            }
        });
        // a monitor follows the database from its own applied state: no RPC, and no quorum needed
        configFollower = new ConfigFollower(config, entity -> sm.configFor(self));
        follower[0] = configFollower;
        subscriptions = new Subscriptions(sm);
        subs[0] = subscriptions;
        Path data = dataDir(config);
        RaftProperties props = raftProperties(config, me, data);
        // a monitor that has run before recovers its log and snapshots; a new one formats its storage
        boolean hasRun = Files.isDirectory(data.resolve(group.getGroupId().getUuid().toString()));
        // a monitor not in the initial map starts in the group with no configuration of its own, and
        // waits for `mon add` to let it in (a restarted one finds its configuration in its log)
        RaftGroup serverGroup = initialMap.has(me.name()) ? group : RaftGroup.valueOf(group.getGroupId());
        raftServer = RaftServer.newBuilder().setServerId(RaftPeerId.valueOf(me.name())).setGroup(serverGroup)
                .setProperties(props).setStateMachine(sm)
                .setOption(hasRun ? RaftStorage.StartupOption.RECOVER : RaftStorage.StartupOption.FORMAT).build();
        registry = MetricsServer.newRegistry(config.entity());
        clusterMetrics = new ClusterMetrics(registry);
        grpcExecutor = Executors.newFixedThreadPool(GRPC_THREADS, named("mon-grpc"));
        grpcServer = Messenger.server(new HostPort(me.host(), me.port()),
                        grpcExecutor, GRPC_MESSAGE_MAX_BYTES)
                .addService(new MonServiceImpl(this, registry))
                .addService(new ConfigAdminService(config)).build();
        ticker = Executors.newSingleThreadScheduledExecutor(named("mon-tick"));
        proposer = new java.util.concurrent.ThreadPoolExecutor(PROPOSERS, PROPOSERS, 60, TimeUnit.SECONDS,
                new java.util.concurrent.ArrayBlockingQueue<>(PROPOSALS_QUEUED_MAX), named("mon-propose"));
        calls = new RaftCalls(group, this::divisionInfo, sm, clock, proposer, ticker);
        monitorChanges = new MonitorChanges(raftServer, group.getGroupId(), raftPortOffset, calls::read, proposer);
        int metricsOffset = config.get(CairnConfigKeys.Global.METRICS_PORT_OFFSET);
        metrics = metricsOffset == 0 ? null : MetricsServer.start(registry, me.host(), me.port() + metricsOffset);
        registerGauges();
    }

    /**
     * This monitor's entry: from mon_host when it is one of the initial members, else from its
     * public_addr (a monitor that joins later); refuses a joining monitor without an fsid, whose
     * Raft group it could not name.
     */
    private static MonMap.Member self(CairnConfig config, MonMap initial, int raftPortOffset) {
        String name = config.entityId();
        if (initial.has(name)) {
            return initial.member(name);
        }
        String addr = config.get(CairnConfigKeys.Global.PUBLIC_ADDR).strip();
        if (addr.endsWith(":0")) {
            throw new IllegalArgumentException("mon." + name + " is not in mon_initial_members: set public_addr = "
                    + "HOST:PORT for it (then `cairn mon add " + name + " HOST:PORT` lets it in)");
        }
        if (config.get(CairnConfigKeys.Global.FSID).isBlank()) {
            throw new IllegalArgumentException("mon." + name + " joins a running cluster: set fsid in its config "
                    + "(cairn status shows the cluster's id)");
        }
        return MonMap.member(name, -1, addr, raftPortOffset);
    }

    /** Starts a monitor and returns once it serves (the quorum may still be forming). */
    public static MonDaemon start(CairnConfig config, Clock clock) throws IOException {
        MonDaemon d = new MonDaemon(config, clock);
        try {
            d.raftServer.start();
            d.sm.setLeaderSide(d.new Leader());
            d.grpcServer.start();
        } catch (IOException | RuntimeException e) {
            d.close();
            throw e;
        }
        long tickMs = Math.max(100, config.get(CairnConfigKeys.Mon.TICK_INTERVAL).toMillis());
        d.ticker.scheduleWithFixedDelay(d::tick, 200, tickMs, TimeUnit.MILLISECONDS);
        LOG.info("mon.{} serving on {} (raft {}), group {}{}", d.me.name(), d.me.publicAddr(), d.me.raftAddr(),
                d.group.getGroupId(), d.monMap().has(d.me.name()) ? "" : ", waiting to be added to the monitor map");
        return d;
    }

    static Path dataDir(CairnConfig config) throws IOException {
        String data = config.get(CairnConfigKeys.Mon.MON_DATA);
        if (data.isEmpty()) {
            String run = config.get(CairnConfigKeys.Global.RUN_DIR);
            if (run.isEmpty()) {
                throw new IllegalArgumentException("set mon_data (or run_dir) for " + config.entity());
            }
            data = Path.of(run, config.entity()).toString();
        }
        Path dir = Path.of(data);
        Files.createDirectories(dir);
        return dir;
    }

    private static PgStatsTable.Thresholds thresholds(CairnConfig config) {
        return new PgStatsTable.Thresholds(config.get(CairnConfigKeys.Osd.Scrub.WARN_NUM_REPAIRED),
                config.get(CairnConfigKeys.Osd.Scrub.SCRUB_MAX_INTERVAL).toMillis(),
                config.get(CairnConfigKeys.Osd.Scrub.DEEP_SCRUB_INTERVAL).toMillis(),
                config.get(CairnConfigKeys.Osd.Scrub.WARN_NOT_SCRUBBED_RATIO),
                config.get(CairnConfigKeys.Osd.Scrub.WARN_NOT_DEEP_SCRUBBED_RATIO),
                config.get(CairnConfigKeys.Osd.NEARFULL_RATIO), config.get(CairnConfigKeys.Osd.BACKFILLFULL_RATIO),
                config.get(CairnConfigKeys.Osd.FULL_RATIO), config.get(CairnConfigKeys.Osd.SnapTrim.QUEUE_WARN_ON));
    }

    private static RaftProperties raftProperties(CairnConfig config, MonMap.Member me, Path dir) {
        RaftProperties p = new RaftProperties();
        RaftServerConfigKeys.setStorageDir(p, List.of(dir.toFile()));
        GrpcConfigKeys.Server.setHost(p, me.host());
        GrpcConfigKeys.Server.setPort(p, me.raftPort());
        long min = config.get(CairnConfigKeys.Mon.ELECTION_TIMEOUT_MIN).toMillis();
        long max = Math.max(min + 1, config.get(CairnConfigKeys.Mon.ELECTION_TIMEOUT_MAX).toMillis());
        RaftServerConfigKeys.Rpc.setTimeoutMin(p, TimeDuration.valueOf(min, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, TimeDuration.valueOf(max, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, config.get(CairnConfigKeys.Mon.SNAPSHOT_THRESHOLD));
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, 2);
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
        RaftServerConfigKeys.Log.setPurgePreservationLogNum(p, config.get(CairnConfigKeys.Mon.LOG_PRESERVE));
        RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf("1MB"));
        // log entries are commands (small): Ratis's default message and buffer sizes fit them
        return p;
    }

    private void registerGauges() {
        Gauge.builder("cairn.mon.raft.term", this, d -> d.divisionInfo() == null ? 0 : d.divisionInfo().getCurrentTerm())
                .description("Current Raft term (Ceph's election epoch)").register(registry);
        Gauge.builder("cairn.mon.raft.commit.index", this, MonDaemon::commitIndex)
                .description("Raft commit index").register(registry);
        Gauge.builder("cairn.mon.raft.applied.index", this,
                d -> d.divisionInfo() == null ? 0 : d.divisionInfo().getLastAppliedIndex())
                .description("Last log index applied to the maps").register(registry);
        Gauge.builder("cairn.mon.raft.leader", this, d -> d.isLeader() ? 1 : 0)
                .description("1 if this monitor leads the quorum").register(registry);
        Gauge.builder("cairn.mon.osdmap.epoch", sm, MonStateMachine::epoch)
                .description("Newest OSDMap epoch this monitor has applied").register(registry);
        Gauge.builder("cairn.mon.fsmap.epoch", sm, m -> m.fsMap().epoch())
                .description("Newest FsMap epoch this monitor has applied").register(registry);
        Gauge.builder("cairn.mon.subscribers", subscriptions, Subscriptions::count)
                .description("Open map subscriptions").register(registry);
    }

    private static java.util.concurrent.ThreadFactory named(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    CairnConfig config() {
        return config;
    }

    MonStateMachine stateMachine() {
        return sm;
    }

    Subscriptions subscriptions() {
        return subscriptions;
    }

    public int metricsPort() {
        return metrics == null ? -1 : metrics.port();
    }

    public int epoch() {
        return sm.epoch();
    }

    private DivisionInfo divisionInfo() {
        try {
            return raftServer.getDivision(group.getGroupId()).getInfo();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private long commitIndex() {
        try {
            return raftServer.getDivision(group.getGroupId()).getRaftLog().getLastCommittedIndex();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** This monitor's name (a, b, ...). */
    String name() {
        return me.name();
    }

    /** Whether this monitor is in touch with a leader (or is one): false while it is a candidate, cut off or electing. */
    boolean hasLeader() {
        DivisionInfo info = divisionInfo();
        return info != null && !info.isCandidate() && info.getLeaderId() != null;
    }

    boolean isLeader() {
        DivisionInfo info = divisionInfo();
        return info != null && info.isLeader();
    }

    /** The monitor map as this monitor's Raft configuration has it (the config's until Ratis knows one). */
    MonMap monMap() {
        try {
            RaftConfiguration conf = raftServer.getDivision(group.getGroupId()).getRaftConf();
            if (conf != null && !conf.getCurrentPeers().isEmpty()) {
                return MonMap.fromPeers(conf.getCurrentPeers(), Math.max(1, conf.getLogEntryIndex()), raftPortOffset);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("no Raft configuration yet: {}", e.toString());
        }
        return initialMap;
    }

    /** The fsid the config sets, or a new one (the first `mon init` applied wins either way). */
    private String clusterFsid() {
        String fsid = config.get(CairnConfigKeys.Global.FSID).strip();
        return fsid.isEmpty() ? UUID.randomUUID().toString() : fsid;
    }

    /** Completes when this monitor finds itself removed from the monitor map (the daemon then stops). */
    CompletableFuture<Void> removed() {
        return removed;
    }

    /**
     * Ticker thread: notices this monitor being let in, and being removed. A monitor that was never
     * a member (new, or restarted after its removal) only waits, saying so now and then.
     */
    private void followMembership() {
        RaftConfiguration conf;
        try {
            conf = raftServer.getDivision(group.getGroupId()).getRaftConf();
        } catch (IOException | RuntimeException e) {
            return;
        }
        if (conf == null) {
            return;
        }
        calls.followMembers(conf);
        boolean inConf = conf.getCurrentPeers().stream().anyMatch(p -> p.getId().toString().equals(me.name()));
        if (inConf) {
            if (!wasMember) {
                LOG.info("mon.{} is in the monitor map (epoch {})", me.name(), conf.getLogEntryIndex());
            }
            wasMember = true;
        } else if (wasMember) {
            // the joint configuration that drops this monitor is as far as it gets: the final one is sent
            // only to the monitors that stay. (Were that change to abort, `mon add` brings this one back.)
            if (!removed.isDone()) {
                LOG.warn("mon.{} was removed from the monitor map (epoch {}): stopping", me.name(), conf.getLogEntryIndex());
                removed.complete(null);
            }
        } else if (clock.monotonicMs() - lastNotMemberLogMs >= 30_000) {
            lastNotMemberLogMs = clock.monotonicMs();
            LOG.info("mon.{} at {} is not in the monitor map {}: waiting for `cairn mon add {} {}`", me.name(),
                    me.publicAddr(), monMap().members().stream().map(MonMap.Member::name).toList(), me.name(),
                    me.publicAddr());
        }
    }

    /** The monitor's way to the Raft group: proposals, reads and the leader's queries. */
    RaftCalls calls() {
        return calls;
    }

    /** {@code mon add} / {@code mon remove} ({@link MonitorChanges}). */
    CompletableFuture<CommandReply> changeMonitors(CommandRequest req) {
        return monitorChanges.apply(req);
    }

    static String describe(Throwable t) {
        Throwable c = t;
        while ((c instanceof java.util.concurrent.CompletionException || c instanceof java.util.concurrent.ExecutionException)
                && c.getCause() != null) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    }

    /** Runs on the ticker thread: create the first map, and on the leader detect failures. */
    private void tick() {
        try {
            long now = clock.monotonicMs();
            OsdMap map = sm.current();
            followMembership();
            if (map == null && (!initProposed || now - lastInitProposalMs >= 2_000)) {
                initProposed = true;
                lastInitProposalMs = now;
                // every monitor proposes; the first one applied creates the cluster, the rest are no-ops
                calls.propose(CommandRequest.newBuilder().setPrefix("mon init").setEntity(config.entity())
                        .putArgs("fsid", clusterFsid()).build(), true)
                        .whenComplete((r, e) -> {
                            if (e != null) {
                                LOG.debug("mon init not yet accepted: {}", describe(e));
                            }
                        });
            }
            DivisionInfo info = divisionInfo();
            boolean leading = info != null && info.isLeader();
            PgStatsTable.Summary stats = leading && map != null ? pgStats.summarize(map) : null;
            List<FailureDetector.Action> actions;
            List<MdsBeaconTracker.Action> mdsActions;
            FsMap fsMap = sm.fsMap();
            if (!leading) {
                clusterMetrics.clear();
            }
            synchronized (leaderLock) {
                if (!leading) {
                    if (leaderTerm != -1) {
                        detector.step(new FailureDetector.LeadershipLost());
                        mdsTracker.leadershipLost();
                        leaderTerm = -1;
                    }
                    healthLog.reset();
                    return;
                }
                if (leaderTerm != info.getCurrentTerm()) {
                    // a new term may hide a lost-and-regained leadership: start over with fresh graces
                    detector.step(new FailureDetector.LeadershipGained(now));
                    mdsTracker.leadershipGained(now);
                    leaderTerm = info.getCurrentTerm();
                }
                if (stats != null) {
                    detector.step(new FailureDetector.RepairCounts(stats.shardsRepaired()));
                }
                actions = detector.tick(now, FailureProposals.settings(config));
                mdsActions = mdsTracker.tick(fsMap, now, MdsProposals.settings(config));
            }
            for (FailureDetector.Action a : actions) {
                calls.propose(FailureProposals.command(a, config.entity()), true).whenComplete((r, e) -> LOG.info("{} -> {}", a,
                        e != null ? describe(e) : r.getMessage()));
            }
            proposeMds(mdsActions);
            if (map != null) {
                for (CommandRequest c : snapPurges.due(map, pgStats, config.entity())) {
                    calls.propose(c, true).whenComplete((r, e) -> LOG.info("{} {} -> {}", c.getPrefix(), c.getArgsMap(),
                            e != null ? describe(e) : r.getMessage()));
                }
                blocklistExpiry.due(map, clock.wallMs(), config.entity()).ifPresent(c -> calls.propose(c, true)
                        .whenComplete((r, e) -> LOG.info("{} -> {}", c.getPrefix(), e != null ? describe(e)
                                : r.getMessage())));
                followHealth(map, stats);
            }
        } catch (RuntimeException e) {
            LOG.warn("mon tick failed: {}", e.toString());
        }
    }

    /**
     * Leader only: logs health checks failing and clearing, and ends non-sticky mutes whose check
     * cleared (Ceph's rule: a mute covers one occurrence).
     */
    private void followHealth(OsdMap map, PgStatsTable.Summary stats) {
        FsMap fsMap = sm.fsMap();
        FsView fs;
        synchronized (leaderLock) {
            fs = mdsTracker.view(fsMap);
        }
        List<HealthChecks.Check> checks = HealthChecks.compute(map, new Leader().quorum(), stats, fs);
        if (stats != null) {
            clusterMetrics.update(map, stats,
                    HealthChecks.overall(new HealthChecks.Health(checks, sm.mutes(clock.wallMs()))));
        }
        // one after another, so the log keeps their order
        CompletableFuture<?> chain = CompletableFuture.completedFuture(null);
        for (String[] line : healthLog.update(checks)) {
            CommandRequest req = CommandRequest.newBuilder().setPrefix("log").setEntity("mon." + config.entityId())
                    .putArgs("level", line[0]).putArgs("logtext", line[1]).build();
            chain = chain.thenCompose(x -> calls.propose(req, true));
        }
        chain.whenComplete((r, e) -> {
            if (e != null) {
                LOG.debug("cluster log lines not committed: {}", describe(e));
            }
        });
        java.util.Set<String> raised = new java.util.HashSet<>();
        checks.forEach(c -> raised.add(c.code()));
        for (var m : sm.mutes(clock.wallMs())) {
            if (!m.getSticky() && !raised.contains(m.getCode())) {
                calls.propose(CommandRequest.newBuilder().setPrefix("health unmute").setEntity(config.entity())
                        .putArgs("code", m.getCode()).build(), true);
            }
        }
    }

    /** Proposes what the MDS beacon tracker decided; never waits (beacons arrive on Ratis's query thread). */
    private void proposeMds(List<MdsBeaconTracker.Action> actions) {
        for (MdsBeaconTracker.Action a : actions) {
            calls.propose(MdsProposals.command(a, config.entity()), true).whenComplete((r, e) -> LOG.info("{} -> {}", a,
                    e != null ? describe(e) : r.getCode() != 0 ? ErrorCode.of(r.getCode()) + " " + r.getMessage()
                            : r.getMessage()));
        }
    }

    /** The leader-only answers of the state machine's query path. */
    private final class Leader implements MonStateMachine.LeaderSide {
        @Override
        public void mdsBeacon(MdsBeaconRequest beacon, FsMap fsMap) {
            // the leader's own monotonic clock, as for OSD beacons
            long at = clock.monotonicMs();
            List<MdsBeaconTracker.Action> actions;
            synchronized (leaderLock) {
                actions = mdsTracker.beacon(beacon, fsMap, at);
            }
            proposeMds(actions);
        }

        @Override
        public FsView fsView(FsMap fsMap) {
            synchronized (leaderLock) {
                return mdsTracker.view(fsMap);
            }
        }

        @Override
        public void stats(io.cairn.proto.v1.OsdStatsRequest report) {
            pgStats.report(report);
        }

        @Override
        public PgStatsTable.Summary summary(OsdMap map) {
            return pgStats.summarize(map);
        }

        @Override
        public QuorumView quorum() {
            DivisionInfo info = divisionInfo();
            MonMap monMap = monMap();
            if (info == null) {
                return new QuorumView(0, null, List.of(), monMap, 0, false);
            }
            List<String> quorum = new ArrayList<>();
            RaftPeerId leader = info.getLeaderId();
            if (info.isLeader()) {
                quorum.add(me.name());
                RaftProtos.RoleInfoProto role = info.getRoleInfoProto();
                for (RaftProtos.ServerRpcProto f : role.getLeaderInfo().getFollowerInfoList()) {
                    if (f.getLastRpcElapsedTimeMs() <= QUORUM_RPC_MAX_MS) {
                        quorum.add(f.getId().getId().toStringUtf8());
                    }
                }
            }
            List<String> ordered = monMap.members().stream().map(MonMap.Member::name).filter(quorum::contains).toList();
            return new QuorumView(info.getCurrentTerm(), leader == null ? null : leader.toString(), ordered, monMap,
                    commitIndex(), info.isLeader());
        }

        @Override
        public void beacon(OsdBeaconRequest beacon, long nowMs) {
            // the leader's own monotonic clock: nowMs is the forwarding monitor's wall clock
            long at = clock.monotonicMs();
            synchronized (leaderLock) {
                detector.step(new FailureDetector.Beacon(beacon.getOsdId(), at));
            }
        }

        @Override
        public void failure(OsdFailureRequest report, long nowMs) {
            long at = clock.monotonicMs();
            FailureDetector.Event e = report.getStillAlive()
                    ? new FailureDetector.FailureCancelled(report.getReporter(), report.getTarget())
                    : new FailureDetector.FailureReport(report.getReporter(), report.getTarget(), report.getEpoch(), at);
            synchronized (leaderLock) {
                detector.step(e);
            }
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        configFollower.close();
        subscriptions.close();
        // calls in flight (a proposal waiting for its commit) get their answers; new ones go elsewhere
        grpcServer.shutdown();
        try {
            grpcServer.awaitTermination(STOP_DRAIN_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        grpcServer.shutdownNow();
        proposer.shutdownNow();
        calls.close();
        try {
            raftServer.close();
        } catch (IOException e) {
            LOG.warn("closing raft server: {}", e.toString());
        }
        grpcExecutor.shutdownNow();
        if (metrics != null) {
            metrics.close();
        }
        LOG.info("mon.{} stopped", me.name());
    }
}
