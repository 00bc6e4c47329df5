package io.cairn.mds;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * A pool held in memory, for tests of a rank without a cluster: objects with data, xattrs and an
 * omap, and a log of every write so a test can see what a writeback sent.
 */
public final class MemoryPool implements PoolIo {
    private final long poolId;
    private final TreeMap<String, Obj> objects = new TreeMap<>();
    private final List<Write> writes = new ArrayList<>();
    private Predicate<String> failing = oid -> false;

    /** One write as sent: its kind, object, and the omap keys it set and removed. */
    public record Write(String kind, String oid, Set<String> omapSet, Set<String> omapRemoved) { }

    private static final class Obj {
        byte[] data = new byte[0];
        final TreeMap<String, byte[]> xattrs = new TreeMap<>();
        final TreeMap<String, byte[]> omap = new TreeMap<>(Names.ORDER);
    }

    public MemoryPool(long poolId) {
        this.poolId = poolId;
    }

    @Override
    public long poolId() {
        return poolId;
    }

    /** Writes to objects matching this fail with EIO from now on (reads still work). */
    public synchronized void failWrites(Predicate<String> oids) {
        failing = oids;
    }

    @Override
    public synchronized CompletableFuture<Optional<byte[]>> read(String oid) {
        Obj o = objects.get(oid);
        return CompletableFuture.completedFuture(o == null ? Optional.empty() : Optional.of(o.data.clone()));
    }

    @Override
    public synchronized CompletableFuture<OmapPage> omapPage(String oid, String after, int max) {
        Obj o = objects.get(oid);
        if (o == null) {
            return CompletableFuture.completedFuture(new OmapPage(false, new TreeMap<>(), false));
        }
        SortedMap<String, byte[]> out = new TreeMap<>(Names.ORDER);
        SortedMap<String, byte[]> tail = after.isEmpty() ? o.omap : o.omap.tailMap(after, false);
        for (Map.Entry<String, byte[]> e : tail.entrySet()) {
            if (out.size() == max) {
                return CompletableFuture.completedFuture(new OmapPage(true, out, true));
            }
            out.put(e.getKey(), e.getValue().clone());
        }
        return CompletableFuture.completedFuture(new OmapPage(true, out, false));
    }

    @Override
    public synchronized CompletableFuture<Void> omapUpdate(String oid, Map<String, byte[]> set, Collection<String> remove) {
        if (failing.test(oid)) {
            return failed(oid);
        }
        writes.add(new Write("omap", oid, new TreeSet<>(set.keySet()), new TreeSet<>(remove)));
        Obj o = objects.computeIfAbsent(oid, k -> new Obj());
        set.forEach((k, v) -> o.omap.put(k, v.clone()));
        remove.forEach(o.omap::remove);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletableFuture<Void> writeFull(String oid, byte[] data) {
        if (failing.test(oid)) {
            return failed(oid);
        }
        writes.add(new Write("write_full", oid, Set.of(), Set.of()));
        objects.computeIfAbsent(oid, k -> new Obj()).data = data.clone();
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletableFuture<Boolean> remove(String oid) {
        if (failing.test(oid)) {
            return failed(oid);
        }
        writes.add(new Write("remove", oid, Set.of(), Set.of()));
        return CompletableFuture.completedFuture(objects.remove(oid) != null);
    }

    @Override
    public synchronized CompletableFuture<Void> setXattr(String oid, String name, byte[] value) {
        if (failing.test(oid)) {
            return failed(oid);
        }
        writes.add(new Write("setxattr", oid, Set.of(), Set.of()));
        objects.computeIfAbsent(oid, k -> new Obj()).xattrs.put(name, value.clone());
        return CompletableFuture.completedFuture(null);
    }

    /** Writes data the way a file-system client would (for tests of purges). */
    public synchronized void put(String oid, byte[] data) {
        objects.computeIfAbsent(oid, k -> new Obj()).data = data.clone();
    }

    public synchronized boolean exists(String oid) {
        return objects.containsKey(oid);
    }

    public synchronized Set<String> objectNames() {
        return new TreeSet<>(objects.keySet());
    }

    /** The object's omap (a copy); empty when there is no such object. */
    public synchronized SortedMap<String, byte[]> omap(String oid) {
        Obj o = objects.get(oid);
        return o == null ? new TreeMap<>(Names.ORDER) : new TreeMap<>(o.omap);
    }

    public synchronized Optional<byte[]> xattr(String oid, String name) {
        Obj o = objects.get(oid);
        return o == null ? Optional.empty() : Optional.ofNullable(o.xattrs.get(name));
    }

    /** Every write so far, in order. */
    public synchronized List<Write> writes() {
        return List.copyOf(writes);
    }

    public synchronized void clearWrites() {
        writes.clear();
    }

    private static <T> CompletableFuture<T> failed(String oid) {
        return CompletableFuture.failedFuture(new CairnException(ErrorCode.EIO, "injected write failure on " + oid));
    }
}
