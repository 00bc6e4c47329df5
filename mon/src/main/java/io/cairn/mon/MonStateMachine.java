package io.cairn.mon;

import io.cairn.common.config.CentralValues;
import io.cairn.common.config.ConfigWho;
import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.Invariants;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.OsdMapCodec;
import io.cairn.common.osdmap.OsdMapIncremental;
import io.cairn.crush.CrushMapBuilder;
import io.cairn.proto.v1.CommandReply;
import io.cairn.proto.v1.GetIncrementalsReply;
import io.cairn.proto.v1.GetMapReply;
import io.cairn.proto.v1.MdsBeaconReply;
import io.cairn.proto.v1.MonLogEntry;
import io.cairn.proto.v1.MonQuery;
import io.cairn.proto.v1.MonSnapshotData;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.MD5FileUtil;

/**
 * The monitors' Ratis state machine. {@link #applyTransaction} runs each command on the newest
 * map in log order and is deterministic: it reads no clock and no local config (both travel in
 * the log entry). {@link #query} answers reads, beacons and failure reports on the leader.
 * Snapshots hold the kept map history; the log behind them is purged by Ratis.
 */
final class MonStateMachine extends BaseStateMachine {
    /** Answers the parts of a query that are not replicated state (quorum, failure detector). */
    interface LeaderSide {
        QuorumView quorum();

        void beacon(io.cairn.proto.v1.OsdBeaconRequest beacon, long nowMs);

        void failure(io.cairn.proto.v1.OsdFailureRequest report, long nowMs);

        void stats(io.cairn.proto.v1.OsdStatsRequest report);

        PgStatsTable.Summary summary(OsdMap map);

        /** An MDS beacon, answered with {@code fsMap} (the newest this monitor applied). */
        void mdsBeacon(io.cairn.proto.v1.MdsBeaconRequest beacon, FsMap fsMap);

        /** {@code fsMap} with what its daemons last reported in their beacons (health, clients, caps). */
        FsView fsView(FsMap fsMap);
    }

    private static final int INCREMENTALS_PER_REPLY_MAX = 1000;
    /** Who the cluster log names for the lines a map change makes (every monitor applies them alike). */
    private static final String MON_ENTITY = "mon";

    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    private final MonState state = new MonState();
    private final Supplier<Integer> keepEpochs;
    private final Consumer<OsdMap> onNewEpoch;
    private final LongConsumer onConfigVersion;
    private volatile LeaderSide leaderSide;

    MonStateMachine(Supplier<Integer> keepEpochs, Consumer<OsdMap> onNewEpoch) {
        this(keepEpochs, onNewEpoch, v -> { });
    }

    /**
     * {@code onNewEpoch} hears every applied epoch and {@code onConfigVersion} every new version of
     * the central config database, both on the apply thread (they must only hand the work on).
     */
    MonStateMachine(Supplier<Integer> keepEpochs, Consumer<OsdMap> onNewEpoch, LongConsumer onConfigVersion) {
        this.keepEpochs = keepEpochs;
        this.onNewEpoch = onNewEpoch;
        this.onConfigVersion = onConfigVersion;
    }

    void setLeaderSide(LeaderSide side) {
        leaderSide = side;
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        super.initialize(server, groupId, raftStorage);
        storage.init(raftStorage);
        load(storage.getLatestSnapshot());
    }

    @Override
    public void reinitialize() throws IOException {
        load(storage.getLatestSnapshot());
    }

    @Override
    public SimpleStateMachineStorage getStateMachineStorage() {
        return storage;
    }

    private void load(SingleFileSnapshotInfo snapshot) throws IOException {
        if (snapshot == null || !Files.exists(snapshot.getFile().getPath())) {
            return;
        }
        Path path = snapshot.getFile().getPath();
        MD5Hash md5 = snapshot.getFile().getFileDigest();
        if (md5 != null) {
            MD5FileUtil.verifySavedMD5(path.toFile(), md5);
        }
        MonSnapshotData data;
        try (InputStream in = Files.newInputStream(path)) {
            data = MonSnapshotData.parseFrom(in);
        }
        TermIndex last = SimpleStateMachineStorage.getTermIndexFromSnapshotFile(path.toFile());
        synchronized (state) {
            state.restore(data);
            updateLastAppliedTermIndex(last.getTerm(), last.getIndex());
        }
        LOG.info("loaded snapshot {} at epoch {}, config v{}", last, state.epoch(), state.config().version());
        if (state.initialized()) {
            onNewEpoch.accept(state.current());
        }
        onConfigVersion.accept(configVersion());
    }

    @Override
    public long takeSnapshot() throws IOException {
        MonSnapshotData data;
        TermIndex applied;
        synchronized (state) {
            data = state.snapshot();
            applied = getLastAppliedTermIndex();
        }
        if (applied == null || applied.getIndex() < 0) {
            return RaftLog.INVALID_LOG_INDEX;
        }
        Path file = storage.getSnapshotFile(applied.getTerm(), applied.getIndex()).toPath();
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE, StandardOpenOption.SYNC)) {
            data.writeTo(out);
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        MD5Hash md5 = MD5FileUtil.computeAndSaveMd5ForFile(file.toFile());
        storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(file, md5), applied));
        return applied.getIndex();
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        TermIndex ti = TermIndex.valueOf(trx.getLogEntry());
        CommandReply reply;
        OsdMap published = null;
        long configPublished = -1;
        try {
            MonLogEntry entry = MonLogEntry.parseFrom(
                    trx.getLogEntry().getStateMachineLogEntry().getLogData().asReadOnlyByteBuffer());
            synchronized (state) {
                int before = state.epoch();
                long configBefore = state.config().version();
                reply = apply(entry);
                if (state.epoch() != before) {
                    published = state.current();
                }
                if (state.config().version() != configBefore) {
                    configPublished = state.config().version();
                }
                updateLastAppliedTermIndex(ti.getTerm(), ti.getIndex());
            }
        } catch (IOException e) {
            // a malformed entry cannot be applied anywhere; answer and move on, identically on every monitor
            reply = CommandReply.newBuilder().setCode(ErrorCode.EINVAL.code()).setMessage("malformed log entry").build();
            synchronized (state) {
                updateLastAppliedTermIndex(ti.getTerm(), ti.getIndex());
            }
        }
        if (published != null) {
            onNewEpoch.accept(published);
        }
        if (configPublished >= 0) {
            onConfigVersion.accept(configPublished);
        }
        return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFrom(reply.toByteArray())));
    }

    /** One log entry on the state (applyTransaction holds the lock; tests call it directly). */
    CommandReply apply(MonLogEntry entry) {
        String prefix = entry.getCommand().getPrefix();
        if (prefix.equals("mon init")) {
            if (state.initialized()) {
                return CommandReply.newBuilder().setMessage("cluster " + state.current().fsid() + " already initialised")
                        .setEpoch(state.epoch()).build();
            }
            if (!entry.getInternal()) {
                return error(ErrorCode.EPERM, "'mon init' is for monitors only");
            }
            String fsid = entry.getCommand().getArgsOrDefault("fsid", "");
            if (fsid.isEmpty()) {
                return error(ErrorCode.EINVAL, "mon init needs an fsid");
            }
            state.initialize(OsdMap.initial(fsid, entry.getProposedMs(), CrushMapBuilder.newDefault().build()));
            return CommandReply.newBuilder().setMessage("created cluster " + fsid).setEpoch(1).build();
        }
        if (ConfigCommands.WRITES.contains(prefix)) {
            // the config database does not depend on the maps, so it works before the first one
            return ConfigCommands.apply(state.config(), entry.getCommand()).toReply(state.epoch());
        }
        if (!state.initialized()) {
            return error(ErrorCode.EAGAIN, "the cluster is not initialised yet");
        }
        state.mutes().expire(entry.getProposedMs());
        if (NoteCommands.WRITES.contains(prefix)) {
            return NoteCommands.apply(state.log(), state.mutes(), entry.getCommand(), entry.getProposedMs())
                    .toReply(state.epoch());
        }
        if (FsCommands.isWrite(prefix)) {
            return applyFs(entry);
        }
        if (!WriteCommands.isWrite(prefix)) {
            return error(ErrorCode.EINVAL, "'" + prefix + "' is not a command that changes the map");
        }
        CommandResult refused = FsCommands.refusePoolRemoval(state.fsMap(), state.current(), entry.getCommand());
        if (refused != null) {
            return refused.toReply(state.epoch());
        }
        CommandResult r = WriteCommands.apply(state.current(), entry.getCommand(), entry.getProposedMs(), entry.getInternal());
        if (r.newMap() != null) {
            Invariants.check(r.newMap().epoch() == state.epoch() + 1, "a command moves the map one epoch");
            for (String[] event : NoteCommands.mapEvents(state.current(), r.newMap(), entry.getCommand())) {
                state.log().add(entry.getProposedMs(), MON_ENTITY, event[0], event[1]);
            }
            state.append(r.newMap());
            state.trim(keepEpochs.get());
        }
        return r.toReply(state.epoch());
    }

    /** A file-system command: the next FsMap epoch, and its cluster log lines. The reply carries the OSDMap epoch. */
    private CommandReply applyFs(MonLogEntry entry) {
        FsMap before = state.fsMap();
        CommandResult r = FsCommands.apply(before, state.current(), entry.getCommand(), entry.getProposedMs(),
                entry.getInternal());
        if (r.newFsMap() != null) {
            state.setFsMap(r.newFsMap());
            for (String[] event : FsLog.events(before, r.newFsMap(), entry.getCommand())) {
                state.log().add(entry.getProposedMs(), MON_ENTITY, event[0], event[1]);
            }
        }
        return r.toReply(state.epoch());
    }

    private static CommandReply error(ErrorCode code, String message) {
        return CommandReply.newBuilder().setCode(code.code()).setMessage(message).build();
    }

    @Override
    public CompletableFuture<Message> query(Message request) {
        MonQuery q;
        try {
            q = MonQuery.parseFrom(request.getContent().asReadOnlyByteBuffer());
        } catch (IOException e) {
            return CompletableFuture.completedFuture(bytes(error(ErrorCode.EINVAL, "malformed query").toByteArray()));
        }
        LeaderSide side = leaderSide;
        return CompletableFuture.completedFuture(switch (q.getKindCase()) {
            case READ -> {
                OsdMap map;
                FsMap fsMap;
                List<io.cairn.proto.v1.HealthMute> mutes;
                synchronized (state) {
                    map = state.current();
                    fsMap = state.fsMap();
                    mutes = state.mutes().active(q.getNowMs());
                    if (q.getRead().getPrefix().equals(NoteCommands.LOG_LAST)) {
                        yield bytes(NoteCommands.last(state.log(), q.getRead()).toReply(state.epoch()).toByteArray());
                    }
                    if (ConfigViews.READS.contains(q.getRead().getPrefix())) {
                        yield bytes(ConfigViews.run(state.config(), q.getRead()).toReply(state.epoch()).toByteArray());
                    }
                }
                if (side == null) {
                    yield bytes(error(ErrorCode.EAGAIN, "monitor starting").toByteArray());
                }
                FsView fs = side.fsView(fsMap);
                yield bytes(ReadCommands.run(map, fs, q.getRead(), side.quorum(), map == null ? null : side.summary(map),
                        mutes).toReply(map == null ? 0 : map.epoch()).toByteArray());
            }
            case MDS_BEACON -> {
                FsMap fsMap = fsMap();
                if (side == null) {
                    yield bytes(MdsBeaconReply.newBuilder().setCode(ErrorCode.EAGAIN.code()).setMessage("monitor starting")
                            .build().toByteArray());
                }
                side.mdsBeacon(q.getMdsBeacon(), fsMap);
                yield bytes(MdsBeaconReply.newBuilder().setFsmap(fsMap.data()).build().toByteArray());
            }
            case GET_FSMAP -> bytes(fsMap().data().toByteArray());
            case BEACON -> {
                if (side != null) {
                    side.beacon(q.getBeacon(), q.getNowMs());
                }
                yield bytes(CommandReply.newBuilder().setEpoch(epoch()).build().toByteArray());
            }
            case FAILURE -> {
                if (side != null) {
                    side.failure(q.getFailure(), q.getNowMs());
                }
                yield bytes(CommandReply.newBuilder().setEpoch(epoch()).build().toByteArray());
            }
            case STATS -> {
                if (side != null) {
                    side.stats(q.getStats());
                }
                yield bytes(CommandReply.newBuilder().setEpoch(epoch()).build().toByteArray());
            }
            case GET_MAP -> {
                try {
                    yield bytes(getMap(q.getGetMap().getEpoch()).toByteArray());
                } catch (CairnException e) {
                    yield bytes(GetMapReply.getDefaultInstance().toByteArray());
                }
            }
            case GET_INCREMENTALS -> bytes(incrementals(q.getGetIncrementals().getSinceEpoch(),
                    q.getGetIncrementals().getMaxCount()).toByteArray());
            case KIND_NOT_SET -> bytes(error(ErrorCode.EINVAL, "empty query").toByteArray());
        });
    }

    private static Message bytes(byte[] b) {
        return Message.valueOf(ByteString.copyFrom(b));
    }

    List<io.cairn.proto.v1.HealthMute> mutes(long nowMs) {
        synchronized (state) {
            return state.mutes().active(nowMs);
        }
    }

    int epoch() {
        synchronized (state) {
            return state.epoch();
        }
    }

    long configVersion() {
        synchronized (state) {
            return state.config().version();
        }
    }

    /** This monitor's applied central config for {@code who}, for its own follower (not a linearizable read). */
    CentralValues configFor(ConfigWho who) {
        synchronized (state) {
            return new CentralValues(state.config().version(), state.config().valuesFor(who));
        }
    }

    OsdMap current() {
        synchronized (state) {
            return state.current();
        }
    }

    /** The newest FsMap this monitor applied. */
    FsMap fsMap() {
        synchronized (state) {
            return state.fsMap();
        }
    }

    /** The full map at an epoch (0 = newest); throws ENOENT if trimmed or not yet reached. */
    GetMapReply getMap(int epoch) {
        synchronized (state) {
            OsdMap m = epoch == 0 ? state.current() : state.mapAt(epoch);
            if (m == null) {
                throw new CairnException(ErrorCode.ENOENT, state.initialized()
                        ? "epoch " + epoch + " is not kept (have " + state.oldestEpoch() + ".." + state.epoch() + ")"
                        : "the cluster is not initialised yet");
            }
            return GetMapReply.newBuilder().setMap(OsdMapCodec.encode(m)).build();
        }
    }

    /** Incrementals after an epoch, or the newest full map when they were trimmed. */
    GetIncrementalsReply incrementals(int sinceEpoch, int max) {
        int limit = max <= 0 ? INCREMENTALS_PER_REPLY_MAX : Math.min(max, INCREMENTALS_PER_REPLY_MAX);
        synchronized (state) {
            GetIncrementalsReply.Builder b = GetIncrementalsReply.newBuilder();
            if (!state.initialized()) {
                return b.build();
            }
            if (!state.hasIncrementalsSince(sinceEpoch)) {
                return b.setFull(OsdMapCodec.encode(state.current())).build();
            }
            List<OsdMapIncremental> incs = state.incrementalsSince(sinceEpoch, limit);
            incs.forEach(i -> b.addIncrementals(OsdMapCodec.encode(i)));
            return b.build();
        }
    }
}
