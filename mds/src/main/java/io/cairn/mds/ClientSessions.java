package io.cairn.mds;

import io.cairn.common.Invariants;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedSet;
import java.util.TreeMap;

/**
 * The client sessions of an active rank, as a pure machine (Ceph's Session states): events in —
 * a client opens, renews, closes, an operator evicts, a blocklisting is done — and {@link #tick}
 * with the time; actions out for the shell to carry out. A session that does not renew within
 * {@code session_timeout} goes {@code stale}; one silent for {@code session_autoclose} is evicted:
 * {@code killing} while its address is blocklisted in the OSDMap (so its writes can no longer reach
 * an OSD), then gone. An evicted client is refused from then on; it has to mount again as a new
 * client (a new address).
 */
public final class ClientSessions {
    /** Ceph's names, as {@code session ls} shows them. */
    public enum State {
        OPEN("open"), STALE("stale"), KILLING("killing");

        private final String cephName;

        State(String cephName) {
            this.cephName = cephName;
        }

        public String cephName() {
            return cephName;
        }
    }

    /**
     * @param sessionTimeoutMs without a renewal for this long a session is stale
     * @param sessionAutocloseMs without one for this long it is evicted
     * @param blocklistOnTimeout blocklist a client evicted for silence (mds_session_blocklist_on_timeout)
     * @param blocklistOnEvict blocklist a client an operator evicts (mds_session_blocklist_on_evict)
     */
    public record Settings(long sessionTimeoutMs, long sessionAutocloseMs, boolean blocklistOnTimeout,
                           boolean blocklistOnEvict) {
        public Settings {
            Invariants.check(sessionTimeoutMs > 0 && sessionAutocloseMs > 0, "session times must be positive");
        }
    }

    /** One client's session as {@code session ls} shows it. */
    public record Info(long id, String addr, String entity, String hostname, State state, long openedMs,
                       long lastRenewMs) {}

    public sealed interface Event {
        /** The first message of a client's stream: a new session, or the same client on a new stream. */
        record Open(long id, String addr, String entity, String hostname) implements Event {}

        record Renew(long id) implements Event {}

        /** The client unmounts. */
        record Close(long id) implements Event {}

        /** {@code session evict}: blocklist (unless told not to) and drop. */
        record Evict(long id, String why, boolean blocklist) implements Event {}

        /** The OSDMap now lists the address the shell was asked to blocklist. */
        record Blocklisted(long id) implements Event {}

        /** The blocklisting failed; it is asked for again at the next tick. */
        record BlocklistFailed(long id, String why) implements Event {}
    }

    public sealed interface Action {
        /** Tell the client its session's state changed (it learns it is stale, or evicted). */
        record Notify(long id, State state, String why) implements Action {}

        /** Add the address to the OSDMap blocklist, then step {@link Event.Blocklisted}. */
        record Blocklist(long id, String addr, String why) implements Action {}

        /** End the client's stream: its session is gone. */
        record Drop(long id, String why) implements Action {}
    }

    private static final class Session {
        final long id;
        String addr;
        String entity;
        String hostname;
        State state = State.OPEN;
        final long openedMs;
        long lastRenewMs;
        String killWhy;
        boolean blocklistAsked;

        Session(long id, long nowMs) {
            this.id = id;
            this.openedMs = nowMs;
            this.lastRenewMs = nowMs;
        }

        Info info() {
            return new Info(id, addr, entity, hostname, state, openedMs, lastRenewMs);
        }
    }

    private final int evictedMax;
    private final Map<Long, Session> sessions = new TreeMap<>();
    /** Clients evicted here, newest last: they may not open again (bounded; the blocklist fences them too). */
    private final SequencedSet<Long> evicted = Collections.newSequencedSetFromMap(new LinkedHashMap<>());
    private long nowMs;

    public ClientSessions(int evictedMax, long nowMs) {
        Invariants.check(evictedMax > 0, "evictedMax must be positive");
        this.evictedMax = evictedMax;
        this.nowMs = nowMs;
    }

    /** Why this client may not send requests now, or null when its session is open (or stale). */
    public String refusal(long id) {
        if (evicted.contains(id)) {
            return "client " + id + " was evicted: mount again";
        }
        Session s = sessions.get(id);
        if (s == null) {
            return "client " + id + " has no session: open one first";
        }
        return s.state == State.KILLING ? "client " + id + " is being evicted: " + s.killWhy : null;
    }

    public List<Action> step(Event event, long nowMs) {
        advance(nowMs);
        List<Action> out = new ArrayList<>();
        switch (event) {
            case Event.Open o -> {
                if (evicted.contains(o.id())) {
                    // told, so that it stops coming back (a client cut off by the network learns it here)
                    String why = "client " + o.id() + " was evicted: mount again";
                    out.add(new Action.Notify(o.id(), State.KILLING, why));
                    out.add(new Action.Drop(o.id(), why));
                    break;
                }
                Session s = sessions.computeIfAbsent(o.id(), k -> new Session(k, this.nowMs));
                if (s.state == State.KILLING) {
                    out.add(new Action.Drop(o.id(), "client " + o.id() + " is being evicted: " + s.killWhy));
                    break;
                }
                s.addr = o.addr();
                s.entity = o.entity();
                s.hostname = o.hostname();
                s.state = State.OPEN;
                s.lastRenewMs = this.nowMs;
                out.add(new Action.Notify(o.id(), State.OPEN, "session open"));
            }
            case Event.Renew r -> {
                Session s = sessions.get(r.id());
                if (s != null && (s.state == State.OPEN || s.state == State.STALE)) {
                    if (s.state == State.STALE) {
                        out.add(new Action.Notify(s.id, State.OPEN, "renewed"));
                    }
                    s.state = State.OPEN;
                    s.lastRenewMs = this.nowMs;
                }
            }
            case Event.Close c -> {
                Session s = sessions.get(c.id());
                if (s != null && s.state != State.KILLING) {
                    // nothing of the session outlives it here yet (its caps will be released with it)
                    sessions.remove(c.id());
                    out.add(new Action.Drop(c.id(), "session closed by the client"));
                }
            }
            case Event.Evict e -> {
                Session s = sessions.get(e.id());
                if (s != null && s.state != State.KILLING) {
                    kill(s, e.why(), e.blocklist(), out);
                }
            }
            case Event.Blocklisted b -> {
                Session s = sessions.get(b.id());
                if (s != null && s.state == State.KILLING) {
                    finishKill(s, out);
                }
            }
            case Event.BlocklistFailed f -> {
                Session s = sessions.get(f.id());
                if (s != null && s.state == State.KILLING) {
                    s.blocklistAsked = false;
                }
            }
        }
        return out;
    }

    /** Sessions go stale and are evicted as their renewals stop; failed blocklistings are asked again. */
    public List<Action> tick(long nowMs, Settings settings) {
        advance(nowMs);
        List<Action> out = new ArrayList<>();
        for (Session s : List.copyOf(sessions.values())) {
            long silentMs = this.nowMs - s.lastRenewMs;
            switch (s.state) {
                case OPEN -> {
                    if (silentMs >= settings.sessionAutocloseMs()) {
                        kill(s, "no renewal for " + silentMs / 1000 + " s (session_autoclose)",
                                settings.blocklistOnTimeout(), out);
                    } else if (silentMs >= settings.sessionTimeoutMs()) {
                        s.state = State.STALE;
                        out.add(new Action.Notify(s.id, State.STALE, "no renewal for " + silentMs / 1000
                                + " s (session_timeout)"));
                    }
                }
                case STALE -> {
                    if (silentMs >= settings.sessionAutocloseMs()) {
                        kill(s, "stale for " + silentMs / 1000 + " s (session_autoclose)", settings.blocklistOnTimeout(),
                                out);
                    }
                }
                case KILLING -> {
                    if (!s.blocklistAsked) {
                        s.blocklistAsked = true;
                        out.add(new Action.Blocklist(s.id, s.addr, s.killWhy));
                    }
                }
            }
        }
        return out;
    }

    private void kill(Session s, String why, boolean blocklist, List<Action> out) {
        s.state = State.KILLING;
        s.killWhy = why;
        if (blocklist && s.addr != null && !s.addr.isEmpty()) {
            s.blocklistAsked = true;
            out.add(new Action.Blocklist(s.id, s.addr, why));
        } else {
            finishKill(s, out);
        }
    }

    private void finishKill(Session s, List<Action> out) {
        sessions.remove(s.id);
        evicted.add(s.id);
        while (evicted.size() > evictedMax) {
            evicted.removeFirst();
        }
        out.add(new Action.Notify(s.id, State.KILLING, "evicted: " + s.killWhy));
        out.add(new Action.Drop(s.id, "evicted: " + s.killWhy));
    }

    private void advance(long nowMs) {
        // a clock that stepped back must not make a silent session look fresh
        this.nowMs = Math.max(this.nowMs, nowMs);
    }

    public List<Info> list() {
        return sessions.values().stream().map(Session::info).toList();
    }

    public Info get(long id) {
        Session s = sessions.get(id);
        return s == null ? null : s.info();
    }

    /** A client of the rank's previous holder that did not reconnect in time: refused from now on. */
    public void evictedElsewhere(long id) {
        sessions.remove(id);
        evicted.add(id);
        while (evicted.size() > evictedMax) {
            evicted.removeFirst();
        }
    }

    public boolean wasEvicted(long id) {
        return evicted.contains(id);
    }

    public long nowMs() {
        return nowMs;
    }
}
