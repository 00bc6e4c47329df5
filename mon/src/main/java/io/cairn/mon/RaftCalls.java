package io.cairn.mon;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.time.Clock;
import io.cairn.proto.v1.CommandReply;
import io.cairn.proto.v1.CommandRequest;
import io.cairn.proto.v1.FsMapData;
import io.cairn.proto.v1.GetFsMapRequest;
import io.cairn.proto.v1.GetMapReply;
import io.cairn.proto.v1.GetMapRequest;
import io.cairn.proto.v1.MdsBeaconReply;
import io.cairn.proto.v1.MdsBeaconRequest;
import io.cairn.proto.v1.MonLogEntry;
import io.cairn.proto.v1.MonQuery;
import io.cairn.proto.v1.OsdBeaconRequest;
import io.cairn.proto.v1.OsdFailureRequest;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a monitor's requests reach the Raft group: commands proposed (each its own blocking call on
 * the bounded proposer pool), linearizable reads and the leader's queries (beacons, failure
 * reports, stats, maps) on Ratis's read-only path, with the client rebuilt when the monitor map
 * changes so it knows every member. Thread-safe; the ticker thread calls {@link #followMembers}.
 */
final class RaftCalls implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RaftCalls.class);
    private static final int READ_RETRIES_MAX = 25;
    /** When a raft client replaced after a monitor change is closed: past any call it still carries. */
    private static final long RETIRED_CLIENT_CLOSE_S = 120;

    private final RaftGroup group;
    /** This monitor's view of the group (its leader), null while Ratis has none. */
    private final Supplier<DivisionInfo> division;
    private final MonStateMachine sm;
    private final Clock clock;
    private final Executor proposer;
    private final ScheduledExecutorService ticker;
    /** Proposes and reads through the leader; rebuilt when the monitor map changes, so it knows every member. */
    private volatile RaftLink raft;
    /** The configuration (log index) {@link #raft} was built for; ticker thread only. */
    private long clientConfIndex = Long.MIN_VALUE;

    RaftCalls(RaftGroup group, Supplier<DivisionInfo> division, MonStateMachine sm, Clock clock, Executor proposer,
              ScheduledExecutorService ticker) {
        this.group = group;
        this.division = division;
        this.sm = sm;
        this.clock = clock;
        this.proposer = proposer;
        this.ticker = ticker;
        this.raft = RaftLink.of(group);
    }

    private static RaftProperties clientProperties() {
        RaftProperties p = new RaftProperties();
        RaftClientConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(10, TimeUnit.SECONDS));
        return p;
    }

    /**
     * The Raft client and the members it was built for. Right after a monitor change this monitor
     * may name a leader its client does not know (one just removed, or one that joined before the
     * client was rebuilt); such a read goes where the client chooses, and a follower's NOT_LEADER
     * answer retries it.
     */
    private record RaftLink(RaftClient client, java.util.Set<RaftPeerId> members) {
        static RaftLink of(RaftGroup group) {
            java.util.Set<RaftPeerId> ids = new java.util.HashSet<>();
            group.getPeers().forEach(p -> ids.add(p.getId()));
            RaftClient c = RaftClient.newBuilder().setProperties(clientProperties()).setRaftGroup(group)
                    .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(40,
                            TimeDuration.valueOf(250, TimeUnit.MILLISECONDS)))
                    .build();
            return new RaftLink(c, java.util.Set.copyOf(ids));
        }

        RaftPeerId known(RaftPeerId leader) {
            return leader != null && members.contains(leader) ? leader : null;
        }
    }

    /**
     * Ticker thread: after a monitor change, a new client that knows the members (the old one only
     * knows those it started with, and cannot reach a leader that joined later); the old one is
     * closed once the calls it carries are long over.
     */
    void followMembers(RaftConfiguration conf) {
        if (conf.getLogEntryIndex() == clientConfIndex || !conf.getPreviousPeers().isEmpty()
                || conf.getCurrentPeers().isEmpty()) {
            return;
        }
        clientConfIndex = conf.getLogEntryIndex();
        if (new java.util.HashSet<>(conf.getCurrentPeers()).equals(new java.util.HashSet<>(group.getPeers()))) {
            return; // the members the first client was built with
        }
        RaftClient old = raft.client();
        raft = RaftLink.of(RaftGroup.valueOf(group.getGroupId(), conf.getCurrentPeers()));
        ticker.schedule(() -> {
            try {
                old.close();
            } catch (IOException e) {
                LOG.debug("closing the previous raft client: {}", e.toString());
            }
        }, RETIRED_CLIENT_CLOSE_S, TimeUnit.SECONDS);
    }

    /**
     * Proposes a command to the group; completes with the reply once a majority applied it. Each
     * proposal is its own blocking Raft call on a bounded pool: Ratis's ordered async stream would
     * make every later request wait behind one that is being retried.
     */
    CompletableFuture<CommandReply> propose(CommandRequest req, boolean internal) {
        MonLogEntry entry = MonLogEntry.newBuilder().setProposedMs(clock.wallMs()).setCommand(req)
                .setInternal(internal).build();
        Message msg = Message.valueOf(ByteString.copyFrom(entry.toByteArray()));
        try {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return parseReply(raft.client().io().send(msg));
                } catch (IOException e) {
                    throw new CairnException(ErrorCode.EAGAIN, "quorum unavailable: " + e.getMessage());
                }
            }, proposer);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return CompletableFuture.completedFuture(CommandReply.newBuilder().setCode(ErrorCode.EAGAIN.code())
                    .setMessage("monitor busy: too many commands in flight").build());
        }
    }

    /**
     * A linearizable read, sent to the leader: only the leader knows the quorum, so a read that
     * needs it and lands on a follower (leadership just moved) is retried a bounded number of times.
     */
    CompletableFuture<CommandReply> read(CommandRequest req) {
        return readAttempt(req, 0);
    }

    private CompletableFuture<CommandReply> readAttempt(CommandRequest req, int attempt) {
        MonQuery q = MonQuery.newBuilder().setRead(req).setNowMs(clock.wallMs()).build();
        DivisionInfo info = division.get();
        RaftPeerId leader = info == null ? null : info.getLeaderId();
        Message msg = Message.valueOf(ByteString.copyFrom(q.toByteArray()));
        RaftLink link = raft;
        CompletableFuture<RaftClientReply> sent = link.client().async().sendReadOnlyUnordered(msg, link.known(leader));
        return sent.thenApply(RaftCalls::parseReply).thenCompose(reply -> {
            if (reply.getCode() == ErrorCode.EAGAIN.code() && reply.getMessage().equals(ReadCommands.NOT_LEADER)
                    && attempt < READ_RETRIES_MAX) {
                return CompletableFuture.supplyAsync(() -> null,
                        CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS)).thenCompose(x -> readAttempt(req, attempt + 1));
            }
            return CompletableFuture.completedFuture(reply);
        });
    }

    CompletableFuture<CommandReply> beacon(OsdBeaconRequest req) {
        return query(MonQuery.newBuilder().setBeacon(req).setNowMs(clock.wallMs()).build());
    }

    CompletableFuture<CommandReply> failure(OsdFailureRequest req) {
        return query(MonQuery.newBuilder().setFailure(req).setNowMs(clock.wallMs()).build());
    }

    CompletableFuture<CommandReply> stats(io.cairn.proto.v1.OsdStatsRequest req) {
        return query(MonQuery.newBuilder().setStats(req).setNowMs(clock.wallMs()).build());
    }

    /** An MDS beacon goes to the leader, whose tracker hears it; the reply carries the leader's FsMap. */
    CompletableFuture<MdsBeaconReply> mdsBeacon(MdsBeaconRequest req) {
        return query(MonQuery.newBuilder().setMdsBeacon(req).setNowMs(clock.wallMs()).build(), MdsBeaconReply::parseFrom);
    }

    /** The newest FsMap, as the leader has it. */
    CompletableFuture<FsMapData> getFsMap() {
        return query(MonQuery.newBuilder().setGetFsmap(GetFsMapRequest.getDefaultInstance()).setNowMs(clock.wallMs())
                .build(), FsMapData::parseFrom);
    }

    /**
     * The newest map as the leader has it (a linearizable read, so a client sees its own writes);
     * an older epoch from this monitor's own history. Empty when that epoch is not kept.
     */
    CompletableFuture<GetMapReply> getMap(int epoch) {
        if (epoch > 0 && epoch <= sm.epoch()) {
            try {
                return CompletableFuture.completedFuture(sm.getMap(epoch));
            } catch (CairnException e) {
                return CompletableFuture.completedFuture(GetMapReply.getDefaultInstance());
            }
        }
        return query(MonQuery.newBuilder().setGetMap(GetMapRequest.newBuilder().setEpoch(epoch)).build(),
                GetMapReply::parseFrom);
    }

    /** Beacons and failure reports feed the leader's detector, so they go to the leader. */
    private CompletableFuture<CommandReply> query(MonQuery q) {
        return query(q, CommandReply::parseFrom);
    }

    /** How a reply the state machine wrote is read back: a message's {@code parseFrom}. */
    private interface ReplyParser<T> {
        T parse(java.nio.ByteBuffer bytes) throws IOException;
    }

    /** Asks the leader's state machine on Raft's read-only path and reads its reply with {@code parser}. */
    private <T> CompletableFuture<T> query(MonQuery q, ReplyParser<T> parser) {
        DivisionInfo info = division.get();
        RaftPeerId leader = info == null ? null : info.getLeaderId();
        Message msg = Message.valueOf(ByteString.copyFrom(q.toByteArray()));
        RaftLink link = raft;
        return link.client().async().sendReadOnlyUnordered(msg, link.known(leader)).thenApply(r -> parsed(r, parser));
    }

    private static CommandReply parseReply(RaftClientReply r) {
        return parsed(r, CommandReply::parseFrom);
    }

    private static <T> T parsed(RaftClientReply r, ReplyParser<T> parser) {
        if (!r.isSuccess()) {
            throw new CairnException(ErrorCode.EAGAIN, "quorum unavailable: "
                    + (r.getException() == null ? "no reply" : r.getException().getMessage()));
        }
        try {
            return parser.parse(r.getMessage().getContent().asReadOnlyByteBuffer());
        } catch (IOException e) {
            throw new CairnException(ErrorCode.EIO, "unreadable reply from the state machine");
        }
    }

    @Override
    public void close() {
        try {
            raft.client().close();
        } catch (IOException e) {
            LOG.debug("closing raft client: {}", e.toString());
        }
    }
}
