package io.cairn.mds.daemon;

import io.cairn.common.fs.Caps;
import io.cairn.common.time.Clock;
import io.cairn.mds.CapLocker;
import io.cairn.mds.ClientSessions;
import io.cairn.mds.MdsHealth;
import io.cairn.mds.ClientSessions.Action;
import io.cairn.mds.ClientSessions.Event;
import io.cairn.proto.v1.CapMessage;
import io.cairn.proto.v1.CapOp;
import io.cairn.proto.v1.MdsHealthMetric;
import io.cairn.proto.v1.MdsReply;
import io.cairn.proto.v1.SessionOp;
import io.cairn.proto.v1.SessionState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shell around an active rank's two client machines, {@link ClientSessions} and
 * {@link CapLocker}: feeds them what the client streams say and the tick, and carries out their
 * actions — a session state or a cap grant or revocation down a client's stream, a blocklisting
 * through the monitors, the end of a stream. A client whose session goes stale or away loses its
 * caps; caps freed by an eviction are granted with the OSDMap epoch that blocklists the evicted
 * client as their barrier. The machines are only touched under this object's lock; stream writes
 * and monitor calls happen outside it.
 */
final class SessionHub {
    private static final Logger LOG = LoggerFactory.getLogger(SessionHub.class);
    private static final int EVICTED_MAX = 10_000;

    /** A client's stream as the hub writes to it. */
    interface Stream {
        void send(MdsReply reply);

        /** Sends nothing more and ends the stream. */
        void end();
    }

    /** Adds an address to the OSDMap blocklist; completes with the OSDMap epoch that has it. */
    interface Blocklister {
        CompletableFuture<Integer> blocklist(String addr, String why);
    }

    /** The hub's settings as they are now (the file system's and the daemon's, both may change). */
    record Settings(ClientSessions.Settings sessions, CapLocker.Settings caps) {}

    private final ClientSessions sessions;
    private final CapLocker caps;
    private final Clock clock;
    private final Blocklister blocklister;
    private final Supplier<Settings> settings;
    private final Map<Long, Stream> streams = new HashMap<>();
    private final Map<Long, List<CompletableFuture<Void>>> evictions = new HashMap<>();
    /** Newest OSDMap epoch that blocklists a client evicted here: caps given after it carry it. */
    private int osdEpochBarrier;
    /** Counts each revocation sent (the daemon's metric). */
    private final Runnable revoked;

    SessionHub(Clock clock, Blocklister blocklister, Supplier<Settings> settings, Runnable revoked) {
        this.revoked = revoked;
        this.clock = clock;
        this.blocklister = blocklister;
        this.settings = settings;
        this.sessions = new ClientSessions(EVICTED_MAX, clock.monotonicMs());
        this.caps = new CapLocker(clock.monotonicMs());
    }

    /** A session message from a client's stream (a request with a SessionOp). */
    void onSessionOp(long clientId, SessionOp op, Stream from) {
        List<Action> actions;
        Stream replaced = null;
        synchronized (this) {
            long now = clock.monotonicMs();
            switch (op.getKind()) {
                case OPEN -> {
                    Stream old = streams.put(clientId, from);
                    replaced = old == from ? null : old;
                    actions = sessions.step(new Event.Open(clientId, op.getAddr(), op.getEntity(), op.getHostname()),
                            now);
                }
                // renewals count only on the stream the client opened its session on
                case RENEW -> actions = streams.get(clientId) != from ? List.of()
                        : sessions.step(new Event.Renew(clientId), now);
                case CLOSE -> actions = sessions.step(new Event.Close(clientId), now);
                default -> actions = List.of();
            }
        }
        if (replaced != null) {
            replaced.end();
        }
        if (op.getKind() == SessionOp.Kind.RENEW) {
            from.send(stateReply(ClientSessions.State.OPEN, "renewed", op.getSeq()));
        }
        run(actions);
    }

    /** A cap message from a client whose session is open on this stream. */
    void onCapOp(long clientId, CapOp op, Stream from) {
        List<CapLocker.Action> actions;
        synchronized (this) {
            if (streams.get(clientId) != from || sessions.refusal(clientId) != null) {
                return;
            }
            long now = clock.monotonicMs();
            actions = switch (op.getKind()) {
                case WANT -> caps.step(new CapLocker.Event.Want(clientId, op.getIno(), op.getWanted()), now);
                case ACK -> caps.step(new CapLocker.Event.Ack(clientId, op.getIno(), op.getSeq(), op.getHeld()), now);
                default -> List.of();
            };
        }
        runCaps(actions);
    }

    /** Why a request of this client is refused now, or null. */
    synchronized String refusal(long clientId, Stream from) {
        String why = sessions.refusal(clientId);
        if (why == null && streams.get(clientId) != from) {
            return "client " + clientId + " has no session on this stream: open one first";
        }
        return why;
    }

    /** The stream ended: the session stays (the client may come back on another) until it times out. */
    synchronized void streamEnded(long clientId, Stream s) {
        streams.remove(clientId, s);
    }

    void tick() {
        List<Action> actions;
        List<CapLocker.Action> capActions;
        synchronized (this) {
            Settings now = settings.get();
            actions = sessions.tick(clock.monotonicMs(), now.sessions());
            capActions = caps.tick(clock.monotonicMs(), now.caps());
        }
        run(actions);
        runCaps(capActions);
    }

    /** {@code session evict}: completes when the client is gone (blocklisted first unless {@code blocklist} is false). */
    CompletableFuture<Void> evict(long clientId, boolean blocklist) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        List<Action> actions;
        synchronized (this) {
            if (sessions.get(clientId) == null) {
                done.completeExceptionally(new IllegalArgumentException("no session with id " + clientId));
                return done;
            }
            evictions.computeIfAbsent(clientId, k -> new ArrayList<>()).add(done);
            actions = sessions.step(new Event.Evict(clientId, "evicted by the operator", blocklist),
                    clock.monotonicMs());
        }
        run(actions);
        return done;
    }

    /** MDS_CLIENT_LATE_RELEASE and MDS_CLIENT_RECALL, as the beacon reports them. */
    synchronized List<MdsHealthMetric> health() {
        CapLocker.Settings now = settings.get().caps();
        return MdsHealth.clients(caps.late(now.revokeWarnMs()), caps.capsPerClient(), now.maxCapsPerClient());
    }

    /** One client as {@code session ls} shows it. */
    record Listed(ClientSessions.Info info, int numCaps) {}

    synchronized List<Listed> list() {
        Map<Long, Integer> perClient = caps.capsPerClient();
        return sessions.list().stream().map(i -> new Listed(i, perClient.getOrDefault(i.id(), 0))).toList();
    }

    synchronized long nowMs() {
        return sessions.nowMs();
    }

    /** Caps a client holds on an inode (Ceph's text), for status. */
    synchronized String issued(long clientId, long ino) {
        return Caps.toString(caps.issued(clientId, ino));
    }

    private void run(List<Action> actions) {
        for (Action a : actions) {
            switch (a) {
                case Action.Notify n -> {
                    Stream s;
                    List<CapLocker.Action> freed = List.of();
                    synchronized (this) {
                        s = streams.get(n.id());
                        if (n.state() == ClientSessions.State.STALE) {
                            // a stale client's caps may go to others (it asks again when it renews)
                            freed = caps.step(new CapLocker.Event.ClientGone(n.id()), clock.monotonicMs());
                        }
                    }
                    if (s != null) {
                        s.send(stateReply(n.state(), n.why(), 0));
                    }
                    LOG.info("client {}: session {} ({})", n.id(), n.state().cephName(), n.why());
                    runCaps(freed);
                }
                case Action.Blocklist b -> blocklister.blocklist(b.addr(), b.why()).whenComplete((epoch, e) -> {
                    List<Action> next;
                    synchronized (this) {
                        if (e == null) {
                            osdEpochBarrier = Math.max(osdEpochBarrier, epoch);
                        }
                        next = sessions.step(e == null ? new Event.Blocklisted(b.id())
                                : new Event.BlocklistFailed(b.id(), e.toString()), clock.monotonicMs());
                    }
                    if (e != null) {
                        LOG.warn("client {}: blocklisting {} failed (asked again): {}", b.id(), b.addr(), e.toString());
                    }
                    run(next);
                });
                case Action.Drop d -> {
                    Stream s;
                    List<CompletableFuture<Void>> waiting;
                    List<CapLocker.Action> freed;
                    synchronized (this) {
                        s = streams.remove(d.id());
                        waiting = evictions.remove(d.id());
                        freed = caps.step(new CapLocker.Event.ClientGone(d.id()), clock.monotonicMs());
                    }
                    if (s != null) {
                        s.end();
                    }
                    runCaps(freed);
                    if (waiting != null) {
                        waiting.forEach(f -> f.complete(null));
                    }
                }
            }
        }
    }

    private void runCaps(List<CapLocker.Action> actions) {
        for (CapLocker.Action a : actions) {
            switch (a) {
                case CapLocker.Action.Grant g -> sendCap(g.client(), CapMessage.Kind.GRANT, g.ino(), g.issued(), g.seq());
                case CapLocker.Action.Revoke r -> {
                    revoked.run();
                    sendCap(r.client(), CapMessage.Kind.REVOKE, r.ino(), r.issued(), r.seq());
                }
                case CapLocker.Action.Evict e -> {
                    List<Action> next;
                    synchronized (this) {
                        next = sessions.step(new Event.Evict(e.client(), e.why(), settings.get().sessions()
                                .blocklistOnEvict()), clock.monotonicMs());
                    }
                    run(next);
                }
            }
        }
    }

    private void sendCap(long client, CapMessage.Kind kind, long ino, int issued, long seq) {
        Stream s;
        int barrier;
        synchronized (this) {
            s = streams.get(client);
            barrier = osdEpochBarrier;
        }
        if (s != null) {
            s.send(MdsReply.newBuilder().setCap(CapMessage.newBuilder().setKind(kind).setIno(ino).setIssued(issued)
                    .setSeq(seq).setOsdEpochBarrier(barrier)).build());
        }
    }

    /** Every state message carries session_timeout: the client renews a few times within it. */
    private MdsReply stateReply(ClientSessions.State state, String message, long seq) {
        return MdsReply.newBuilder().setSession(SessionState.newBuilder().setState(state.cephName())
                .setMessage(message).setSeq(seq)
                .setSessionTimeoutS((int) Math.max(1, settings.get().sessions().sessionTimeoutMs() / 1000))).build();
    }
}
