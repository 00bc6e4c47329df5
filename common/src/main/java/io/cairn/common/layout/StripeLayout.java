package io.cairn.common.layout;

import io.cairn.common.CairnException;
import java.util.ArrayList;
import java.util.List;

/**
 * How a byte stream (a journal, a file's data) is laid over numbered objects, as Ceph's file
 * layout stripes a file: the stream is cut into stripe units, dealt round-robin over {@code stripeCount} objects,
 * and once those objects are full the next set of objects starts. With one stripe per object set
 * (the default) byte {@code p} is simply at {@code p % objectSize} in object {@code p / objectSize}.
 * Within one object, object offsets run in stream order, which is what lets recovery cut a torn
 * tail off each object with one truncate.
 */
public record StripeLayout(int stripeUnitBytes, int stripeCount, int objectSizeBytes) {
    /** 4 MiB objects, one at a time: Ceph's default journal and file layout. */
    public static final StripeLayout DEFAULT = new StripeLayout(4 << 20, 1, 4 << 20);
    private static final int STRIPE_UNIT_MIN_BYTES = 4096;
    private static final int OBJECT_SIZE_MAX_BYTES = 64 << 20;
    private static final int STRIPE_COUNT_MAX = 64;

    public StripeLayout {
        if (stripeUnitBytes < STRIPE_UNIT_MIN_BYTES || objectSizeBytes > OBJECT_SIZE_MAX_BYTES
                || objectSizeBytes % stripeUnitBytes != 0 || stripeCount < 1 || stripeCount > STRIPE_COUNT_MAX) {
            throw CairnException.invalid("layout stripe_unit=" + stripeUnitBytes + " stripe_count=" + stripeCount
                    + " object_size=" + objectSizeBytes + ": the stripe unit must be at least 4 KiB and divide the "
                    + "object size (at most 64 MiB), and the stripe count must be 1.." + STRIPE_COUNT_MAX);
        }
    }

    /** Objects of {@code objectSizeBytes} holding the stream in order, without striping. */
    public static StripeLayout ofObjectSize(int objectSizeBytes) {
        return new StripeLayout(objectSizeBytes, 1, objectSizeBytes);
    }

    /** Stream bytes in one object set: every object of the set full. */
    public long periodBytes() {
        return (long) objectSizeBytes * stripeCount;
    }

    private int unitsPerObject() {
        return objectSizeBytes / stripeUnitBytes;
    }

    /** The object set holding stream byte {@code pos}. */
    public long objectSetOf(long pos) {
        return pos / periodBytes();
    }

    /** The first object of object set {@code set}; the set's objects are this and the next stripeCount - 1. */
    public long firstObjectOf(long set) {
        return set * stripeCount;
    }

    /** One piece of a stream range, inside one stripe unit of one object. */
    public record Extent(long objectNo, long objectOffset, int lengthBytes, long streamPos) { }

    /** Where stream byte {@code pos} is, with the bytes left in its stripe unit as the length. */
    public Extent locate(long pos) {
        long block = pos / stripeUnitBytes;
        long stripe = block / stripeCount;
        long stripePos = block % stripeCount;
        long set = stripe / unitsPerObject();
        long objectNo = set * stripeCount + stripePos;
        long inUnit = pos % stripeUnitBytes;
        long objectOffset = (stripe % unitsPerObject()) * stripeUnitBytes + inUnit;
        return new Extent(objectNo, objectOffset, (int) (stripeUnitBytes - inUnit), pos);
    }

    /** The stream position of byte {@code objectOffset} of object {@code objectNo}. */
    public long streamPos(long objectNo, long objectOffset) {
        long set = objectNo / stripeCount;
        long stripePos = objectNo % stripeCount;
        long stripe = set * unitsPerObject() + objectOffset / stripeUnitBytes;
        return (stripe * stripeCount + stripePos) * stripeUnitBytes + objectOffset % stripeUnitBytes;
    }

    /** The stream range [pos, pos + length) as extents in stream order. */
    public List<Extent> extents(long pos, long length) {
        List<Extent> out = new ArrayList<>();
        long at = pos;
        long end = pos + length;
        while (at < end) {
            Extent e = locate(at);
            int len = (int) Math.min(e.lengthBytes(), end - at);
            out.add(new Extent(e.objectNo(), e.objectOffset(), len, at));
            at += len;
        }
        return out;
    }

    /**
     * The smallest offset in object {@code objectNo} whose stream position is at least
     * {@code pos}; the object's size when every byte it can hold is below {@code pos}. Truncating
     * the object there removes exactly its bytes at or after {@code pos}.
     */
    public long objectOffsetAtOrAfter(long objectNo, long pos) {
        for (int unit = 0; unit < unitsPerObject(); unit++) {
            long unitStart = streamPos(objectNo, (long) unit * stripeUnitBytes);
            if (pos <= unitStart) {
                return (long) unit * stripeUnitBytes;
            }
            if (pos < unitStart + stripeUnitBytes) {
                return (long) unit * stripeUnitBytes + (pos - unitStart);
            }
        }
        return objectSizeBytes;
    }
}
