package io.cairn.mds;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** Sends a writeback round's writes: metadata objects and backtraces, a bounded number at a time. */
final class WritebackIo {
    static final int WRITES_IN_FLIGHT_MAX = 64;

    private final PoolIo meta;
    private final PoolIo data;
    private final int rank;

    WritebackIo(PoolIo meta, PoolIo data, int rank) {
        this.meta = meta;
        this.data = data;
        this.rank = rank;
    }

    /** Completes when every write of the round is durable; fails if any failed (the rest still ran). */
    CompletableFuture<Void> run(WritebackPlan plan) {
        List<Supplier<CompletableFuture<?>>> writes = new ArrayList<>();
        for (WritebackPlan.MetaWrite w : plan.metaWrites(rank)) {
            writes.add(() -> switch (w) {
                case WritebackPlan.OmapWrite o -> meta.omapUpdate(o.oid(), o.set(), o.remove());
                case WritebackPlan.FullWrite f -> meta.writeFull(f.oid(), f.data());
                case WritebackPlan.RemoveObject r -> meta.remove(r.oid());
            });
        }
        for (WritebackPlan.BacktraceWrite b : plan.backtraces()) {
            writes.add(() -> setBacktrace(b));
        }
        return Window.runAll(writes, WRITES_IN_FLIGHT_MAX);
    }

    CompletableFuture<Void> setBacktrace(WritebackPlan.BacktraceWrite b) {
        return data.setXattr(MdsObjects.dataObject(b.ino(), 0), MdsObjects.BACKTRACE_XATTR, b.value());
    }

    int objects(WritebackPlan plan) {
        return plan.metaWrites(rank).size() + plan.backtraces().size();
    }
}
