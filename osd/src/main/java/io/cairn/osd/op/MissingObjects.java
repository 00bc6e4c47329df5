package io.cairn.osd.op;

import io.cairn.common.osdmap.PgId;
import io.cairn.common.osdmap.PgMapping;
import io.cairn.osd.peering.ObjectName;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/** What client ops need to know of the objects members of an active PG still lack (recovery owns them). */
public interface MissingObjects {
    /** An acting member lacks {@code o}: an op on it must wait until it is copied. */
    boolean lacks(PgId pg, ObjectName o);

    /** The primary's own copy still lacks objects (a listing now could miss some). */
    boolean primaryLacksAny(PgId pg);

    /** Up members outside the acting set (backfill targets under a pg_temp) that hold {@code o}: they get its writes. */
    List<Integer> upOnlyHolding(PgId pg, PgMapping pm, ObjectName o);

    /** Runs {@code op} in the object's slot, first copying the object to every acting member lacking it. */
    <T> CompletableFuture<T> submit(PgId pg, ObjectName o, Supplier<CompletableFuture<T>> op, Executor opExecutor);
}
