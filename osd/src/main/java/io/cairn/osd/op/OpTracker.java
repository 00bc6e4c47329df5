package io.cairn.osd.op;

import io.cairn.common.time.Clock;
import io.cairn.proto.v1.OpReply;
import io.cairn.proto.v1.OpRequest;
import io.cairn.proto.v1.OsdOp;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The client ops this OSD works on as primary: admission (osd_client_message_cap at once; more
 * are told EAGAIN), when each arrived (for SLOW_OPS), and the counters behind the monitors' client
 * io rates and the op latency metric.
 */
public final class OpTracker {
    /** A read or write op counted, and its payload bytes, as the stats report them. */
    public record ClientIo(long readOps, long writeOps, long readBytes, long writeBytes) { }

    /** Ops in flight past the complaint time, and how long the oldest of them has been waiting. */
    public record SlowOps(int count, long oldestMs) { }

    private static final int READ_OPS = 0;
    private static final int WRITE_OPS = 1;
    private static final int READ_BYTES = 2;
    private static final int WRITE_BYTES = 3;

    private final Semaphore admitted;
    private final Clock clock;
    private final Map<Long, Long> arrivedMs = new ConcurrentHashMap<>();
    private final AtomicLong seq = new AtomicLong();
    private final AtomicLongArray io = new AtomicLongArray(4);
    private final Timer latency;

    public OpTracker(int capOps, Clock clock, MeterRegistry registry) {
        this.admitted = new Semaphore(capOps);
        this.clock = clock;
        this.latency = Timer.builder("cairn.osd.op.latency").description("Client operation latency at the primary")
                .publishPercentileHistogram().register(registry);
    }

    /** Admits one op, returning its id; -1 when osd_client_message_cap ops are already in flight. */
    public long admit() {
        if (!admitted.tryAcquire()) {
            return -1;
        }
        long id = seq.incrementAndGet();
        arrivedMs.put(id, clock.monotonicMs());
        return id;
    }

    /** The op {@code id} was answered with {@code reply} after {@code nanos}. */
    public void done(long id, OpRequest req, OpReply reply, long nanos) {
        if (arrivedMs.remove(id) != null) {
            admitted.release();
        }
        latency.record(nanos, TimeUnit.NANOSECONDS);
        if (reply.getCode() == 0) {
            count(req, reply);
        }
    }

    /** A write moves its data in, a read its results out. */
    private void count(OpRequest req, OpReply reply) {
        if (req.getOpsList().stream().anyMatch(OpRunner::isMutation)) {
            long bytes = 0;
            for (OsdOp op : req.getOpsList()) {
                bytes += switch (op.getOpCase()) {
                    case WRITE -> op.getWrite().getData().size();
                    case WRITE_FULL -> op.getWriteFull().getData().size();
                    case APPEND -> op.getAppend().getData().size();
                    default -> 0;
                };
            }
            io.incrementAndGet(WRITE_OPS);
            io.addAndGet(WRITE_BYTES, bytes);
        } else {
            io.incrementAndGet(READ_OPS);
            io.addAndGet(READ_BYTES, reply.getResultsList().stream().mapToLong(r -> r.getData().size()).sum());
        }
    }

    public ClientIo clientIo() {
        return new ClientIo(io.get(READ_OPS), io.get(WRITE_OPS), io.get(READ_BYTES), io.get(WRITE_BYTES));
    }

    public SlowOps slowOps(long complaintMs) {
        long nowMs = clock.monotonicMs();
        int slow = 0;
        long oldestMs = 0;
        for (long since : arrivedMs.values()) {
            if (nowMs - since >= complaintMs) {
                slow++;
                oldestMs = Math.max(oldestMs, nowMs - since);
            }
        }
        return new SlowOps(slow, oldestMs);
    }
}
