package io.cairn.mds.daemon;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.fs.Caps;
import io.cairn.common.time.Clock;
import io.cairn.mds.CapLocker;
import io.cairn.mds.ClientSessions;
import io.cairn.mds.DentryLeases;
import io.cairn.mds.MdsHealth;
import io.cairn.mds.ClientSessions.Action;
import io.cairn.mds.ClientSessions.Event;
import io.cairn.proto.v1.CapMessage;
import io.cairn.proto.v1.CapOp;
import io.cairn.proto.v1.LeaseMessage;
import io.cairn.proto.v1.MdsHealthMetric;
import io.cairn.proto.v1.MdsReply;
import io.cairn.proto.v1.SessionOp;
import io.cairn.proto.v1.SessionState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shell around a rank's two client machines, {@link ClientSessions} and {@link CapLocker}:
 * feeds them what the client streams say and the tick, and carries out their actions — a session
 * state or a cap grant or revocation down a client's stream, a blocklisting through the monitors,
 * a session opened or ended into the rank's journal, the end of a stream. A client whose session
 * goes stale or away loses its caps; caps freed by an eviction are granted with the OSDMap epoch
 * that blocklists the evicted client as their barrier.
 *
 * <p>A hub starts in up:reconnect: the clients whose sessions the journal says were open come back
 * (open their session, say which caps they hold, resend their unsafe requests, which wait for
 * up:active) until every one has or mds_reconnect_timeout has passed; those that did not are
 * blocklisted and refused. The machines are worked, and what they say is queued on the client
 * streams, under this object's lock, so each client gets its messages in the order they were made
 * (a stream write only queues); journal writes and monitor calls complete on other threads.
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

    /** Journals a session opened or ended (the rank's next holder waits for the open ones). */
    interface SessionJournal {
        CompletableFuture<Void> record(long clientId, String addr, boolean open);
    }

    /** The hub's settings as they are now (the file system's and the daemon's, both may change). */
    record Settings(ClientSessions.Settings sessions, CapLocker.Settings caps, long reconnectTimeoutMs) {}

    /** Leases per rank at most: past it a lookup is answered without one. */
    private static final int LEASES_MAX = 1 << 20;

    private final ClientSessions sessions;
    private final CapLocker caps;
    private final DentryLeases leases;
    /** Changes waiting for the leases on their names to go, by revocation id. */
    private final Map<Long, CompletableFuture<Void>> leaseWaits = new HashMap<>();
    private final Clock clock;
    private final Blocklister blocklister;
    private final SessionJournal journal;
    private final Supplier<Settings> settings;
    /** Each session's address, for the journal's record of its end. */
    private final Map<Long, String> addrs = new HashMap<>();
    /** The previous holder's clients that have not reconnected yet. */
    private final Map<Long, String> awaiting;
    private final long reconnectStartMs;
    private final CompletableFuture<Void> reconnected = new CompletableFuture<>();
    private final Map<Long, Stream> streams = new HashMap<>();
    private final Map<Long, List<CompletableFuture<Void>>> evictions = new HashMap<>();
    /** Newest OSDMap epoch that blocklists a client evicted here: caps given after it carry it. */
    private int osdEpochBarrier;
    /** Counts each revocation sent (the daemon's metric). */
    private final Runnable revoked;

    SessionHub(Clock clock, Blocklister blocklister, SessionJournal journal, Supplier<Settings> settings,
               Runnable revoked, Map<Long, String> expected, long leaseMs) {
        this.leases = new DentryLeases(leaseMs, LEASES_MAX);
        this.revoked = revoked;
        this.clock = clock;
        this.blocklister = blocklister;
        this.journal = journal;
        this.settings = settings;
        this.sessions = new ClientSessions(EVICTED_MAX, clock.monotonicMs());
        this.caps = new CapLocker(clock.monotonicMs());
        this.awaiting = new HashMap<>(expected);
        this.reconnectStartMs = clock.monotonicMs();
        if (awaiting.isEmpty()) {
            reconnected.complete(null);
        } else {
            LOG.info("up:reconnect: waiting for {} clients: {}", awaiting.size(), awaiting.keySet());
        }
    }

    /** Completes when every client of the previous holder reconnected, or was evicted for not doing so in time. */
    CompletableFuture<Void> reconnected() {
        return reconnected;
    }

    /**
     * A session message from a client's stream (a request with a SessionOp). Every entry point
     * works the machines and sends what they say under this object's lock, so each client gets its
     * messages in the order the machines made them (sends only queue on the stream: nothing here
     * waits on I/O).
     */
    synchronized void onSessionOp(long clientId, SessionOp op, Stream from) {
        List<Action> actions;
        Stream replaced = null;
        long now = clock.monotonicMs();
        switch (op.getKind()) {
            case OPEN -> {
                Stream old = streams.put(clientId, from);
                replaced = old == from ? null : old;
                actions = sessions.step(new Event.Open(clientId, op.getAddr(), op.getEntity(), op.getHostname()), now);
                if (!sessions.wasEvicted(clientId)) {
                    addrs.put(clientId, op.getAddr());
                    awaiting.remove(clientId);
                }
            }
            // renewals count only on the stream the client opened its session on
            case RENEW -> actions = streams.get(clientId) != from ? List.of()
                    : sessions.step(new Event.Renew(clientId), now);
            case CLOSE -> actions = sessions.step(new Event.Close(clientId), now);
            default -> actions = List.of();
        }
        if (replaced != null) {
            replaced.end();
        }
        if (op.getKind() == SessionOp.Kind.OPEN && !actions.isEmpty()
                && actions.get(0) instanceof Action.Notify n && n.state() == ClientSessions.State.OPEN) {
            journal(clientId, op.getAddr(), true);
            reconnectedIfNoneLeft();
        }
        if (op.getKind() == SessionOp.Kind.RENEW) {
            from.send(stateReply(ClientSessions.State.OPEN, "renewed", op.getSeq()));
        }
        run(actions);
    }

    /** A cap message from a client whose session is open on this stream. */
    synchronized void onCapOp(long clientId, CapOp op, Stream from) {
        if (streams.get(clientId) != from || sessions.refusal(clientId) != null) {
            LOG.debug("client {}: cap {} on {} ignored: {}", clientId, op.getKind(), Long.toHexString(op.getIno()),
                    streams.get(clientId) != from ? "not its session's stream" : sessions.refusal(clientId));
            return;
        }
        LOG.debug("client {}: cap {} on {} wanted {} seq {} held {}", clientId, op.getKind(),
                Long.toHexString(op.getIno()), Caps.toString(op.getWanted()), op.getSeq(), Caps.toString(op.getHeld()));
        long now = clock.monotonicMs();
        runCaps(switch (op.getKind()) {
            // the previous holder's client says what it holds: taken as it is while reconnecting
            case WANT -> reconnected.isDone()
                    ? caps.step(new CapLocker.Event.Want(clientId, op.getIno(), op.getWanted()), now)
                    : caps.step(new CapLocker.Event.Reclaim(clientId, op.getIno(), op.getWanted(), op.getHeld()), now);
            case ACK -> caps.step(new CapLocker.Event.Ack(clientId, op.getIno(), op.getSeq(), op.getHeld()), now);
            default -> List.of();
        });
    }

    /** A lookup of {@code name} in {@code dirIno} answered: the lease the client gets on it, in ms (0: none). */
    synchronized long leaseFor(long clientId, long dirIno, String name) {
        return sessions.get(clientId) == null ? 0 : leases.grant(clientId, new DentryLeases.Dentry(dirIno, name),
                clock.monotonicMs());
    }

    /**
     * A change to these names comes: completes once every lease on them is dropped or has run out
     * (never exceptionally), so no client answers a lookup from a cache the change makes wrong.
     */
    synchronized CompletableFuture<Void> beforeChange(Set<DentryLeases.Dentry> dentries) {
        long id = leases.nextRevokeId();
        CompletableFuture<Void> done = new CompletableFuture<>();
        leaseWaits.put(id, done);
        runLeases(leases.revoke(id, dentries, clock.monotonicMs()));
        return done;
    }

    /** A client dropped a revoked lease. */
    synchronized void onLeaseAck(long clientId, LeaseMessage m, Stream from) {
        if (streams.get(clientId) == from) {
            runLeases(leases.ack(clientId, new DentryLeases.Dentry(m.getDirIno(), m.getName()), m.getSeq()));
        }
    }

    private void runLeases(List<DentryLeases.Action> actions) {
        for (DentryLeases.Action a : actions) {
            switch (a) {
                case DentryLeases.Action.Revoke r -> {
                    Stream s = streams.get(r.client());
                    if (s != null) {
                        s.send(MdsReply.newBuilder().setLeaseRevoke(LeaseMessage.newBuilder()
                                .setDirIno(r.dentry().dirIno()).setName(r.dentry().name()).setSeq(r.seq())).build());
                    }
                }
                case DentryLeases.Action.Cleared c -> {
                    CompletableFuture<Void> f = leaseWaits.remove(c.id());
                    if (f != null) {
                        f.complete(null);
                    }
                }
            }
        }
    }

    /** Why a request of this client is refused now (EBLOCKLISTED once evicted, ENOTCONN without a session), or null. */
    synchronized CairnException refusal(long clientId, Stream from) {
        String why = sessions.refusal(clientId);
        if (why != null) {
            ClientSessions.Info s = sessions.get(clientId);
            boolean fenced = sessions.wasEvicted(clientId) || s != null && s.state() == ClientSessions.State.KILLING;
            return new CairnException(fenced ? ErrorCode.EBLOCKLISTED : ErrorCode.ENOTCONN, why);
        }
        if (streams.get(clientId) != from) {
            return new CairnException(ErrorCode.ENOTCONN, "client " + clientId + " has no session on this stream: "
                    + "open one first");
        }
        return null;
    }

    /** The stream ended: the session stays (the client may come back on another) until it times out. */
    synchronized void streamEnded(long clientId, Stream s) {
        streams.remove(clientId, s);
    }

    synchronized void tick() {
        Settings now = settings.get();
        run(sessions.tick(clock.monotonicMs(), now.sessions()));
        runCaps(caps.tick(clock.monotonicMs(), now.caps()));
        runLeases(leases.tick(clock.monotonicMs()));
        if (!reconnected.isDone() && !awaiting.isEmpty()
                && clock.monotonicMs() - reconnectStartMs >= now.reconnectTimeoutMs()) {
            Map<Long, String> late = Map.copyOf(awaiting);
            awaiting.clear();
            late.keySet().forEach(sessions::evictedElsewhere);
            evictUnreconnected(late, now.sessions().blocklistOnTimeout());
        }
    }

    /** Clients that did not come back within mds_reconnect_timeout: blocklisted, their sessions ended, then rejoin. */
    private void evictUnreconnected(Map<Long, String> late, boolean blocklist) {
        LOG.warn("up:reconnect: {} clients did not reconnect within mds_reconnect_timeout; evicting {}", late.size(),
                late.keySet());
        List<CompletableFuture<?>> done = new ArrayList<>();
        late.forEach((id, addr) -> {
            if (blocklist && !addr.isEmpty()) {
                done.add(blocklister.blocklist(addr, "did not reconnect").thenAccept(epoch -> {
                    synchronized (this) {
                        osdEpochBarrier = Math.max(osdEpochBarrier, epoch);
                    }
                }));
            }
            done.add(journal.record(id, addr, false));
        });
        // rejoin waits for the fencing (a failed blocklisting still ends the phase: it was asked for)
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).whenComplete((v, t) -> {
            if (t != null) {
                LOG.warn("up:reconnect: fencing a client that did not reconnect failed: {}", t.toString());
            }
            reconnected.complete(null);
        });
    }

    private void reconnectedIfNoneLeft() {
        if (awaiting.isEmpty() && !reconnected.isDone()) {
            LOG.info("up:reconnect: every client of the previous holder reconnected");
            reconnected.complete(null);
        }
    }

    private void journal(long clientId, String addr, boolean open) {
        journal.record(clientId, addr, open).whenComplete((v, t) -> {
            if (t != null) {
                LOG.warn("client {}: session {} not journaled: {}", clientId, open ? "open" : "end", t.toString());
            }
        });
    }

    /** {@code session evict}: completes when the client is gone (blocklisted first unless {@code blocklist} is false). */
    synchronized CompletableFuture<Void> evict(long clientId, boolean blocklist) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (sessions.get(clientId) == null) {
            done.completeExceptionally(new IllegalArgumentException("no session with id " + clientId));
            return done;
        }
        evictions.computeIfAbsent(clientId, k -> new ArrayList<>()).add(done);
        run(sessions.step(new Event.Evict(clientId, "evicted by the operator", blocklist), clock.monotonicMs()));
        return done;
    }

    /** MDS_CLIENT_LATE_RELEASE and MDS_CLIENT_RECALL, as the beacon reports them. */
    synchronized List<MdsHealthMetric> health() {
        CapLocker.Settings now = settings.get().caps();
        return MdsHealth.clients(caps.late(now.revokeWarnMs()), caps.capsPerClient(), now.maxCapsPerClient());
    }

    /** One client as {@code session ls} shows it. */
    record Listed(ClientSessions.Info info, int numCaps, int numLeases) {}

    synchronized List<Listed> list() {
        Map<Long, Integer> capsOf = caps.capsPerClient();
        Map<Long, Integer> leasesOf = leases.perClient(clock.monotonicMs());
        return sessions.list().stream().map(i -> new Listed(i, capsOf.getOrDefault(i.id(), 0),
                leasesOf.getOrDefault(i.id(), 0))).toList();
    }

    synchronized long nowMs() {
        return sessions.nowMs();
    }

    /** Carries out the session machine's actions (under this object's lock, as every caller holds it). */
    private void run(List<Action> actions) {
        for (Action a : actions) {
            switch (a) {
                case Action.Notify n -> {
                    Stream s = streams.get(n.id());
                    if (s != null) {
                        s.send(stateReply(n.state(), n.why(), 0));
                    }
                    LOG.info("client {}: session {} ({})", n.id(), n.state().cephName(), n.why());
                    if (n.state() == ClientSessions.State.STALE) {
                        // a stale client's caps may go to others (it asks again when it renews), and
                        // its leases count for nothing (it drops its cache when it hears it is stale)
                        runCaps(caps.step(new CapLocker.Event.ClientGone(n.id()), clock.monotonicMs()));
                        runLeases(leases.clientGone(n.id()));
                    }
                }
                case Action.Blocklist b -> blocklister.blocklist(b.addr(), b.why()).whenComplete((epoch, e) -> {
                    synchronized (this) {
                        if (e == null) {
                            osdEpochBarrier = Math.max(osdEpochBarrier, epoch);
                        } else {
                            LOG.warn("client {}: blocklisting {} failed (asked again): {}", b.id(), b.addr(),
                                    e.toString());
                        }
                        run(sessions.step(e == null ? new Event.Blocklisted(b.id())
                                : new Event.BlocklistFailed(b.id(), e.toString()), clock.monotonicMs()));
                    }
                });
                case Action.Drop d -> {
                    Stream s = streams.remove(d.id());
                    String addr = addrs.remove(d.id());
                    if (addr != null) {
                        journal(d.id(), addr, false);
                    }
                    if (s != null) {
                        s.end();
                    }
                    runCaps(caps.step(new CapLocker.Event.ClientGone(d.id()), clock.monotonicMs()));
                    runLeases(leases.clientGone(d.id()));
                    List<CompletableFuture<Void>> waiting = evictions.remove(d.id());
                    if (waiting != null) {
                        waiting.forEach(f -> f.complete(null));
                    }
                }
            }
        }
    }

    /** Carries out the cap machine's actions (under this object's lock). */
    private void runCaps(List<CapLocker.Action> actions) {
        for (CapLocker.Action a : actions) {
            switch (a) {
                case CapLocker.Action.Grant g -> sendCap(g.client(), CapMessage.Kind.GRANT, g.ino(), g.issued(), g.seq());
                case CapLocker.Action.Revoke r -> {
                    revoked.run();
                    sendCap(r.client(), CapMessage.Kind.REVOKE, r.ino(), r.issued(), r.seq());
                }
                case CapLocker.Action.Evict e -> run(sessions.step(new Event.Evict(e.client(), e.why(),
                        settings.get().sessions().blocklistOnEvict()), clock.monotonicMs()));
            }
        }
    }

    private void sendCap(long client, CapMessage.Kind kind, long ino, int issued, long seq) {
        Stream s = streams.get(client);
        LOG.debug("client {}: {} {} on {} seq {}{}", client, kind, Caps.toString(issued), Long.toHexString(ino), seq,
                s == null ? " not sent (no stream)" : "");
        if (s != null) {
            s.send(MdsReply.newBuilder().setCap(CapMessage.newBuilder().setKind(kind).setIno(ino).setIssued(issued)
                    .setSeq(seq).setOsdEpochBarrier(osdEpochBarrier)).build());
        }
    }

    /** Every state message carries session_timeout: the client renews a few times within it. */
    private MdsReply stateReply(ClientSessions.State state, String message, long seq) {
        return MdsReply.newBuilder().setSession(SessionState.newBuilder().setState(state.cephName())
                .setMessage(message).setSeq(seq)
                .setSessionTimeoutS((int) Math.max(1, settings.get().sessions().sessionTimeoutMs() / 1000))).build();
    }
}
