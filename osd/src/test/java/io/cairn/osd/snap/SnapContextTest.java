package io.cairn.osd.snap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.osdmap.Pool;
import io.cairn.common.osdmap.SnapIntervals;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which snap context a write to a pool is applied under. */
class SnapContextTest {
    private static Pool pool() {
        return new Pool(1, "p", Pool.TYPE_REPLICATED, 3, 2, 8, 8, 0, Pool.FLAG_HASHPSPOOL, 0, 1);
    }

    /** A client's context as it comes off the wire. */
    private static io.cairn.proto.v1.SnapContext wire(long seq, Long... snapsNewestFirst) {
        return SnapSetCodec.toProto(new SnapContext(seq, List.of(snapsNewestFirst)));
    }

    @Test
    void aPoolThatNeverHadSnapsWritesWithout() {
        assertEquals(Optional.empty(), SnapContext.forWrite(pool(), wire(5, 5L)));
    }

    @Test
    void poolSnapsModeUsesThePoolsOwnContext() {
        Pool p = pool().withPoolSnap("a", 1).withPoolSnap("b", 2).withPoolSnap("c", 3).withSnapRemoved(2);
        assertEquals(Optional.of(new SnapContext(4, List.of(3L, 1L))), SnapContext.forWrite(p, wire(0)),
                "the client's context does not count; removed snaps are gone, seq moved on with the removal");
    }

    @Test
    void selfManagedContextsAreCheckedAndClearedOfRemovedSnaps() {
        Pool p = pool().withSelfManagedSnap().withSelfManagedSnap().withSelfManagedSnap(); // 2, 3, 4
        p = p.withSnapRemoved(3).withSnapsPurged(SnapIntervals.EMPTY.with(3)).withSnapRemoved(2); // seq 6
        assertEquals(Optional.of(new SnapContext(4, List.of(4L))),
                SnapContext.forWrite(p, wire(4, 4L, 3L, 2L)),
                "queued (2) and purged (3) snaps leave the context");
        CairnException order = assertThrows(CairnException.class,
                () -> SnapContext.forWrite(pool().withSelfManagedSnap(), wire(2, 1L, 2L)));
        assertEquals(ErrorCode.EINVAL, order.code());
        CairnException future = assertThrows(CairnException.class,
                () -> SnapContext.forWrite(pool().withSelfManagedSnap(), wire(99, 99L)));
        assertEquals(ErrorCode.EINVAL, future.code());
        assertEquals("snap context seq 99 is newer than pool p's snap_seq 2", future.getMessage());
    }
}
