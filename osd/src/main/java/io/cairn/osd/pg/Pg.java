package io.cairn.osd.pg;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.Invariants;
import io.cairn.common.osdmap.PgId;
import io.cairn.objectstore.CollectionId;
import io.cairn.osd.peering.Eversion;
import io.cairn.osd.peering.PeeringMachine;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Everything this OSD holds in memory for one PG: its lock, its interval (a sequence bumped on
 * every change, so work begun for an older one can tell), what it serves as primary (the acting
 * set made consistent, the epoch its versions carry, the requests it has applied), its newest
 * version, its peering machine, its own queue of small tasks, and its object counts for stats.
 *
 * <p>The lock orders version assignment with queueing the transaction, so the log and last_update
 * grow in order; it is held only for in-memory work and queueing, never for network or monitor
 * calls.
 */
public final class Pg {
    private final PgId id;
    private final CollectionId coll;
    private final Object lock = new Object();
    private final PgQueue queue;
    private final LongSupplier storedLastUpdate;
    private final AtomicBoolean peeringQueued = new AtomicBoolean();
    private final AtomicLong objects = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private volatile PeeringMachine machine;

    // guarded by lock
    private int intervalSeq;
    private List<Integer> servingActing;
    private int servingEpoch;
    private RecentRequests recent;
    private long lastVersion = -1;
    /** The newest version this OSD assigned as the PG's primary, across activations. */
    private Eversion lastAssigned = Eversion.ZERO;
    /** The last_update the newest activation gave this copy: entries up to it came with the authoritative log. */
    private long activatedAt;

    Pg(PgId id, PgQueue queue, LongSupplier storedLastUpdate) {
        this.id = id;
        this.coll = CollectionId.of(id.toString());
        this.queue = queue;
        this.storedLastUpdate = storedLastUpdate;
    }

    public PgId id() {
        return id;
    }

    public CollectionId coll() {
        return coll;
    }

    /** The PG's lock: version assignment, interval checks and queueing the PG's transactions. */
    public Object lock() {
        return lock;
    }

    public PgQueue queue() {
        return queue;
    }

    public int intervalSeq() {
        synchronized (lock) {
            return intervalSeq;
        }
    }

    /** The PG must peer again before it serves: its interval changed, or a member missed a write. */
    public void invalidate() {
        synchronized (lock) {
            intervalSeq++;
            servingActing = null;
            servingEpoch = 0;
            recent = null;
        }
    }

    /**
     * Starts serving as primary for {@code acting} with versions of {@code epoch}, if no
     * invalidation came since {@code seq} was read; false otherwise (the peering that led here is
     * stale). Call with the copy's last_update as peering left it and the requests its log holds.
     */
    public boolean serve(int seq, List<Integer> acting, int epoch, long lastUpdate, RecentRequests requests) {
        synchronized (lock) {
            if (seq != intervalSeq) {
                return false;
            }
            Invariants.check(epoch >= lastAssigned.epoch(), "pg %s serves epoch %d after assigning %s", id, epoch,
                    lastAssigned);
            servingActing = List.copyOf(acting);
            servingEpoch = epoch;
            recent = requests;
            lastVersion = lastUpdate;
            activatedAt = lastUpdate;
            return true;
        }
    }

    /** True while this primary serves {@code acting}: peering made every member consistent for it. */
    public boolean serves(List<Integer> acting) {
        synchronized (lock) {
            return servingActing != null && servingActing.equals(acting);
        }
    }

    /** The acting set this primary serves, if any. */
    public Optional<List<Integer>> servingActing() {
        synchronized (lock) {
            return Optional.ofNullable(servingActing);
        }
    }

    /** The requests this primary applied since it went active; empty while not serving. */
    public Optional<RecentRequests> recentRequests() {
        synchronized (lock) {
            return Optional.ofNullable(recent);
        }
    }

    /**
     * The version of the next write this primary applies, recorded as the newest; call holding the
     * lock, while serving. Versions only grow.
     */
    public Eversion assignVersion() {
        synchronized (lock) {
            if (servingActing == null) {
                throw new CairnException(ErrorCode.EAGAIN, "pg " + id + " is peering");
            }
            Eversion v = new Eversion(servingEpoch, lastVersion() + 1);
            Invariants.check(v.newerThan(lastAssigned), "pg %s assigns %s after %s", id, v, lastAssigned);
            lastAssigned = v;
            lastVersion = v.version();
            return v;
        }
    }

    /**
     * A replica applies {@code v} from its primary: true if it is the PG's newest (then it becomes
     * last_update). A replica never applies an entry at or below what its activation already gave it
     * with the authoritative log.
     */
    public boolean recordReplicaVersion(Eversion v) {
        synchronized (lock) {
            Invariants.check(v.version() > activatedAt, "pg %s replica applies %s at or below its activation's %d",
                    id, v, activatedAt);
            long last = lastVersion();
            if (v.version() > last) {
                lastVersion = v.version();
                return true;
            }
            return false;
        }
    }

    /** Recovery set this copy's position outright (a rewound member moves back). */
    public void setPosition(long lastUpdate) {
        synchronized (lock) {
            lastVersion = lastUpdate;
            activatedAt = lastUpdate;
        }
    }

    /** The newest version this copy holds, read from the store the first time. */
    public long lastVersion() {
        synchronized (lock) {
            if (lastVersion < 0) {
                lastVersion = storedLastUpdate.getAsLong();
            }
            return lastVersion;
        }
    }

    /** Forgets the in-memory position (the copy was split or removed): the store is asked again. */
    public void forgetPosition() {
        synchronized (lock) {
            lastVersion = -1;
            activatedAt = 0;
        }
    }

    public PeeringMachine machine() {
        return machine;
    }

    public void setMachine(PeeringMachine m) {
        machine = m;
    }

    /** Claims the right to queue a peering pass; false if one is queued or running already. */
    public boolean claimPeering() {
        return peeringQueued.compareAndSet(false, true);
    }

    public void peeringDone() {
        peeringQueued.set(false);
    }

    /** Objects and bytes this copy holds, kept up to date by the writes applied here (primary's view). */
    public long objects() {
        return objects.get();
    }

    public long bytes() {
        return bytes.get();
    }

    /** Counts taken by one scan of the copy (at activation). */
    public void setCounts(long objectCount, long byteCount) {
        objects.set(objectCount);
        bytes.set(byteCount);
    }

    /** One write changed the copy by this many objects and bytes. */
    public void addCounts(long objectDelta, long byteDelta) {
        objects.addAndGet(objectDelta);
        bytes.addAndGet(byteDelta);
    }
}
