package io.cairn.mon;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.proto.v1.CommandReply;
import io.cairn.proto.v1.CommandRequest;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.protocol.exceptions.ReconfigurationInProgressException;
import org.apache.ratis.protocol.exceptions.ReconfigurationTimeoutException;
import org.apache.ratis.retry.ExceptionDependentRetry;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The monitor's side of {@code mon add} and {@code mon remove}: the pure plan
 * ({@link MonMembership}) made against the leader's view of the quorum, then applied to the Raft
 * group as one configuration change. Blocking Ratis calls, so it runs on the executor it is given
 * (the monitor's proposer pool), never on a gRPC thread.
 */
final class MonitorChanges {
    private static final Logger LOG = LoggerFactory.getLogger(MonitorChanges.class);
    /** How long one monitor change may take, a new monitor's catch-up included. */
    private static final long MEMBERSHIP_CHANGE_TIMEOUT_S = 60;
    /** How long to wait for a new monitor's Raft port to accept a connection. */
    private static final int PROBE_TIMEOUT_MS = 2_000;

    private final RaftServer server;
    private final RaftGroupId groupId;
    private final int raftPortOffset;
    private final Function<CommandRequest, CompletableFuture<CommandReply>> leaderRead;
    private final Executor executor;

    MonitorChanges(RaftServer server, RaftGroupId groupId, int raftPortOffset,
                   Function<CommandRequest, CompletableFuture<CommandReply>> leaderRead, Executor executor) {
        this.server = server;
        this.groupId = groupId;
        this.raftPortOffset = raftPortOffset;
        this.leaderRead = leaderRead;
        this.executor = executor;
    }

    /**
     * {@code mon add NAME HOST:PORT} and {@code mon remove NAME}: planned against the leader's view
     * of the quorum, then applied as one Raft configuration change (joint consensus: the old and
     * the new majority both agree, so the monitors keep committing throughout). A new monitor must
     * answer on its Raft port first; Ratis then lets it catch up before it counts. Runs on the
     * proposer pool, never on a gRPC thread.
     */
    CompletableFuture<CommandReply> apply(CommandRequest req) {
        CommandRequest quorumRead = CommandRequest.newBuilder().setPrefix("quorum_status").setEntity(req.getEntity())
                .build();
        return leaderRead.apply(quorumRead).thenApplyAsync(q -> {
            if (q.getCode() != 0) {
                return q;
            }
            Map<?, ?> json = (Map<?, ?>) io.cairn.common.cli.Json.parse(q.getOutputJson());
            List<String> quorum = ((List<?>) json.get("quorum_names")).stream().map(Object::toString).toList();
            RaftConfiguration conf;
            try {
                conf = server.getDivision(groupId).getRaftConf();
            } catch (IOException e) {
                return error(ErrorCode.EAGAIN, "no Raft group yet: " + e.getMessage());
            }
            if (!conf.getPreviousPeers().isEmpty()) {
                return error(ErrorCode.EAGAIN, "a monitor change is in progress; try again");
            }
            MonMap now = MonMap.fromPeers(conf.getCurrentPeers(), conf.getLogEntryIndex(), raftPortOffset);
            CommandArgs a = new CommandArgs(req.getArgsMap());
            MonMembership.Plan plan;
            try {
                plan = req.getPrefix().equals("mon add")
                        ? MonMembership.add(now, a.str("name"), a.str("addr"), raftPortOffset)
                        : MonMembership.remove(now, quorum, a.str("name"));
            } catch (CairnException e) {
                return error(e.code(), e.getMessage());
            } catch (IllegalArgumentException e) {
                return error(ErrorCode.EINVAL, e.getMessage());
            }
            if (plan.noop()) {
                return CommandReply.newBuilder().setMessage(plan.message()).build();
            }
            if (req.getPrefix().equals("mon add") && !listening(plan.next().getLast())) {
                // Ratis would stage a peer that never answers for a long while, blocking every other change
                MonMap.Member j = plan.next().getLast();
                return error(ErrorCode.EAGAIN, "mon." + j.name() + " was not added: it must be running at "
                        + j.publicAddr() + " first (nothing answers on its Raft port " + j.raftPort() + "): start "
                        + "cairn mon --id " + j.name() + " there with public_addr = " + j.publicAddr()
                        + " and this cluster's fsid");
            }
            List<RaftPeer> next = plan.next().stream().map(MonMap.Member::peer).toList();
            // its own client: a catch-up can outlast the proposals' request timeout, and a retried change
            // would only find the first one in progress; it knows the current members, not the initial ones
            try (RaftClient admin = RaftClient.newBuilder().setProperties(membershipClientProperties())
                    .setRaftGroup(RaftGroup.valueOf(groupId, now.peers()))
                    .setRetryPolicy(membershipRetries()).build()) {
                RaftClientReply r = admin.admin().setConfiguration(SetConfigurationRequest.Arguments.newBuilder()
                        .setServersInNewConf(next).setServersInCurrentConf(now.peers())
                        .setMode(SetConfigurationRequest.Mode.COMPARE_AND_SET).build());
                if (!r.isSuccess() && !reached(plan)) {
                    return error(ErrorCode.EAGAIN, membershipFailure(req, r.getException()));
                }
            } catch (IOException e) {
                // a retried request finds its own change made (its first reply was lost): that is success
                if (!reached(plan)) {
                    return error(ErrorCode.EAGAIN, membershipFailure(req, e));
                }
            }
            LOG.info("{}", plan.message());
            return CommandReply.newBuilder().setMessage(plan.message()).build();
        }, executor);
    }

    /** Whether the monitor map already has exactly the planned members. */
    private boolean reached(MonMembership.Plan plan) {
        java.util.Set<String> want = new java.util.HashSet<>();
        plan.next().forEach(m -> want.add(m.name()));
        java.util.Set<String> have = new java.util.HashSet<>();
        try {
            server.getDivision(groupId).getRaftConf().getCurrentPeers().forEach(p -> have.add(p.getId().toString()));
        } catch (IOException e) {
            return false;
        }
        return want.equals(have);
    }

    private static boolean listening(MonMap.Member m) {
        try (java.net.Socket probe = new java.net.Socket()) {
            probe.connect(new java.net.InetSocketAddress(m.host(), m.raftPort()), PROBE_TIMEOUT_MS);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String membershipFailure(CommandRequest req, Throwable e) {
        String why = e == null ? "no reply" : e.getClass().getSimpleName() + ": " + e.getMessage();
        if (req.getPrefix().equals("mon add")) {
            return "mon." + req.getArgsMap().get("name") + " was not added (" + why + "): it must be running at "
                    + req.getArgsMap().get("addr") + " (cairn mon --id " + req.getArgsMap().get("name")
                    + " with public_addr and this cluster's fsid) to catch up before it can join";
        }
        return "mon." + req.getArgsMap().get("name") + " was not removed: " + why;
    }

    private static CommandReply error(ErrorCode code, String message) {
        return CommandReply.newBuilder().setCode(code.code()).setMessage(message).build();
    }

    /**
     * A change whose new monitor made no progress is answered at once: retrying it would only start
     * another catch-up that blocks every change behind it. One in progress (perhaps from another
     * operator) is waited for; leader moves and lost connections are retried briefly.
     */
    private static RetryPolicy membershipRetries() {
        return ExceptionDependentRetry.newBuilder()
                .setDefaultPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(10,
                        TimeDuration.valueOf(500, TimeUnit.MILLISECONDS)))
                .setExceptionToPolicy(ReconfigurationTimeoutException.class, RetryPolicies.noRetry())
                .setExceptionToPolicy(ReconfigurationInProgressException.class,
                        RetryPolicies.retryUpToMaximumCountWithFixedSleep(30, TimeDuration.valueOf(1, TimeUnit.SECONDS)))
                .setMaxAttempts(40).build();
    }

    private static RaftProperties membershipClientProperties() {
        RaftProperties p = new RaftProperties();
        RaftClientConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(MEMBERSHIP_CHANGE_TIMEOUT_S, TimeUnit.SECONDS));
        return p;
    }
}
