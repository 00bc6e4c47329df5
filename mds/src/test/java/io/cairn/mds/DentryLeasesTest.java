package io.cairn.mds;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cairn.mds.DentryLeases.Action;
import io.cairn.mds.DentryLeases.Dentry;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Scripted lease histories: grants, a change waiting for acks or expiry, no new lease while revoking, bounds. */
class DentryLeasesTest {
    private static final Dentry D = new Dentry(1, "a");
    private static final Dentry E = new Dentry(1, "b");

    private final DentryLeases leases = new DentryLeases(10_000, 3);

    @Test
    void aChangeToANameNobodyLeasesGoesAtOnce() {
        assertEquals(List.of(new Action.Cleared(7)), leases.revoke(7, Set.of(D), 0));
    }

    @Test
    void aChangeWaitsForEveryHolderToAcknowledgeAndNoLeaseIsGivenMeanwhile() {
        assertEquals(10_000, leases.grant(1, D, 0));
        assertEquals(10_000, leases.grant(2, D, 0));
        List<Action> r = leases.revoke(7, Set.of(D), 100);
        assertEquals(2, r.size(), r.toString());
        assertEquals(0, leases.grant(3, D, 200), "no lease on a name being changed");
        Action.Revoke first = (Action.Revoke) r.get(0);
        Action.Revoke second = (Action.Revoke) r.get(1);
        assertEquals(List.of(), leases.ack(first.client(), D, first.seq() + 100), "a wrong seq counts for nothing");
        assertEquals(List.of(), leases.ack(first.client(), D, first.seq()));
        assertEquals(List.of(new Action.Cleared(7)), leases.ack(second.client(), D, second.seq()));
        assertEquals(10_000, leases.grant(3, D, 300), "leases again once the change went through");
    }

    @Test
    void aSilentHolderHoldsTheChangeUntilItsLeaseEnds() {
        leases.grant(1, D, 0);
        leases.revoke(7, Set.of(D, E), 5_000);
        assertEquals(List.of(), leases.tick(9_999));
        assertEquals(List.of(new Action.Cleared(7)), leases.tick(10_000));
        assertEquals(0, leases.count());
    }

    @Test
    void aClientGoneReleasesItsLeasesAndTheBoundHolds() {
        leases.grant(1, D, 0);
        leases.revoke(7, Set.of(D), 1);
        assertEquals(List.of(new Action.Cleared(7)), leases.clientGone(1));
        leases.grant(1, D, 2);
        leases.grant(2, D, 2);
        leases.grant(1, E, 2);
        assertEquals(0, leases.grant(2, E, 2), "past the bound a lookup gets no lease");
        assertEquals(10_000, leases.grant(1, E, 3), "a holder renews its own");
        assertEquals(3, leases.count());
        assertEquals(java.util.Map.of(1L, 2, 2L, 1), leases.perClient(3));
        assertEquals(java.util.Map.of(), leases.perClient(20_000), "run out");
    }
}
