package io.cairn.mds;

import io.cairn.client.IoCtx;
import io.cairn.client.ObjectReadOperation;
import io.cairn.client.ObjectWriteOperation;
import io.cairn.client.RadosException;
import io.cairn.proto.v1.OpResult;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** {@link PoolIo} on a pool of the cluster, through the async forms of an IoCtx. */
public final class RadosPoolIo implements PoolIo {
    private final IoCtx io;

    public RadosPoolIo(IoCtx io) {
        this.io = io;
    }

    @Override
    public long poolId() {
        return io.poolId();
    }

    @Override
    public CompletableFuture<Optional<byte[]>> read(String oid) {
        return io.readAsync(oid, 0, 0).thenApply(Optional::of)
                .exceptionally(t -> ifNotFound(t, Optional.empty()));
    }

    @Override
    public CompletableFuture<OmapPage> omapPage(String oid, String after, int max) {
        return io.operateAsync(oid, new ObjectReadOperation().omapGetVals(after, "", max)).thenApply(r -> {
            OpResult res = r.results().get(0);
            SortedMap<String, byte[]> out = new TreeMap<>(Names.ORDER);
            res.getValsMap().forEach((k, v) -> out.put(k, v.toByteArray()));
            return new OmapPage(true, out, res.getMore());
        }).exceptionally(t -> ifNotFound(t, new OmapPage(false, new TreeMap<>(), false)));
    }

    @Override
    public CompletableFuture<Void> omapUpdate(String oid, Map<String, byte[]> set, Collection<String> remove) {
        ObjectWriteOperation op = new ObjectWriteOperation().create(false);
        if (!set.isEmpty()) {
            op.omapSet(set);
        }
        if (!remove.isEmpty()) {
            op.omapRmKeys(remove);
        }
        return io.operateAsync(oid, op).thenApply(v -> null);
    }

    @Override
    public CompletableFuture<Void> writeFull(String oid, byte[] data) {
        return io.writeFullAsync(oid, data).thenApply(v -> null);
    }

    @Override
    public CompletableFuture<Boolean> remove(String oid) {
        return io.removeAsync(oid).thenApply(v -> true).exceptionally(t -> ifNotFound(t, false));
    }

    @Override
    public CompletableFuture<Void> setXattr(String oid, String name, byte[] value) {
        return io.operateAsync(oid, new ObjectWriteOperation().setXattr(name, value)).thenApply(v -> null);
    }

    private static <T> T ifNotFound(Throwable t, T absent) {
        Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        if (cause instanceof RadosException.NotFound) {
            return absent;
        }
        if (cause instanceof RuntimeException re) {
            throw re;
        }
        throw new CompletionException(cause);
    }
}
