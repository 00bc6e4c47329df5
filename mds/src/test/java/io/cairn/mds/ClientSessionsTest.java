package io.cairn.mds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.mds.ClientSessions.Action;
import io.cairn.mds.ClientSessions.Event;
import io.cairn.mds.ClientSessions.State;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Scripted session histories: renewals, staleness, autoclose, manual eviction with and without a blocklist. */
class ClientSessionsTest {
    private static final ClientSessions.Settings SETTINGS = new ClientSessions.Settings(60_000, 300_000, true, true);
    private static final String ADDR = "127.0.0.1:0/4242";

    private final ClientSessions sessions = new ClientSessions(100, 0);

    private List<Action> open(long id, long nowMs) {
        return sessions.step(new Event.Open(id, ADDR, "client.admin", "h1"), nowMs);
    }

    @Test
    void aRenewingClientStaysOpen() {
        assertEquals(List.of(new Action.Notify(7, State.OPEN, "session open")), open(7, 0));
        for (long t = 20_000; t <= 600_000; t += 20_000) {
            sessions.step(new Event.Renew(7), t);
            assertEquals(List.of(), sessions.tick(t + 1, SETTINGS));
        }
        assertEquals(State.OPEN, sessions.get(7).state());
        assertNull(sessions.refusal(7));
    }

    @Test
    void aSilentClientGoesStaleThenIsEvictedAndBlocklistedThenRefused() {
        open(7, 0);
        assertEquals(List.of(), sessions.tick(59_999, SETTINGS));
        assertEquals(List.of(new Action.Notify(7, State.STALE, "no renewal for 60 s (session_timeout)")),
                sessions.tick(60_000, SETTINGS));
        assertEquals(List.of(), sessions.tick(61_000, SETTINGS), "stale once");
        assertNull(sessions.refusal(7), "a stale client may still ask");
        List<Action> kill = sessions.tick(300_000, SETTINGS);
        assertEquals(List.of(new Action.Blocklist(7, ADDR, "stale for 300 s (session_autoclose)")), kill);
        assertEquals(State.KILLING, sessions.get(7).state());
        assertTrue(sessions.refusal(7).contains("being evicted"));
        assertEquals(List.of(), sessions.tick(301_000, SETTINGS), "the blocklisting is asked for once");
        assertEquals(List.of(), sessions.step(new Event.Renew(7), 302_000), "too late to renew");
        List<Action> done = sessions.step(new Event.Blocklisted(7), 303_000);
        assertEquals(2, done.size());
        assertEquals(new Action.Drop(7, "evicted: stale for 300 s (session_autoclose)"), done.get(1));
        assertNull(sessions.get(7));
        assertTrue(sessions.wasEvicted(7));
        assertTrue(sessions.refusal(7).contains("evicted"));
        assertEquals(List.of(new Action.Notify(7, State.KILLING, "client 7 was evicted: mount again"),
                new Action.Drop(7, "client 7 was evicted: mount again")), open(7, 304_000),
                "an evicted client cannot open again, and is told so");
    }

    @Test
    void aRenewalBringsAStaleSessionBack() {
        open(7, 0);
        sessions.tick(70_000, SETTINGS);
        assertEquals(State.STALE, sessions.get(7).state());
        assertEquals(List.of(new Action.Notify(7, State.OPEN, "renewed")), sessions.step(new Event.Renew(7), 80_000));
        assertEquals(List.of(), sessions.tick(139_000, SETTINGS));
        assertEquals(State.OPEN, sessions.get(7).state());
    }

    @Test
    void aFailedBlocklistingIsAskedForAgainAtTheNextTick() {
        open(7, 0);
        List<Action> evict = sessions.step(new Event.Evict(7, "by the operator", true), 1_000);
        assertEquals(List.of(new Action.Blocklist(7, ADDR, "by the operator")), evict);
        sessions.step(new Event.BlocklistFailed(7, "no quorum"), 2_000);
        assertEquals(List.of(new Action.Blocklist(7, ADDR, "by the operator")), sessions.tick(3_000, SETTINGS));
    }

    @Test
    void anEvictionWithoutBlocklistDropsAtOnceAndAClosedClientCanOpenAgain() {
        open(7, 0);
        open(8, 0);
        List<Action> evict = sessions.step(new Event.Evict(7, "by the operator", false), 1_000);
        assertEquals(new Action.Drop(7, "evicted: by the operator"), evict.get(evict.size() - 1));
        assertEquals(List.of(new Action.Drop(8, "session closed by the client")), sessions.step(new Event.Close(8), 2_000));
        assertTrue(sessions.refusal(8).contains("no session"));
        assertEquals(List.of(new Action.Notify(8, State.OPEN, "session open")), open(8, 3_000));
        assertEquals(List.of(8L), sessions.list().stream().map(ClientSessions.Info::id).toList());
    }

    @Test
    void theClockGoingBackDoesNotFreshenASilentSession() {
        open(7, 100_000);
        sessions.tick(160_000, SETTINGS);
        assertEquals(State.STALE, sessions.get(7).state());
        sessions.tick(10_000, SETTINGS);
        assertEquals(State.STALE, sessions.get(7).state());
    }
}
