package io.cairn.objectstore;

import io.cairn.common.Utf8Order;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Checks every op's arguments against {@link StoreLimits} before a store touches anything. Both
 * stores call this, so they reject the same input with the same error. Checks that need the
 * store's state (does the collection exist?) happen while applying.
 */
public final class TransactionChecks {
    private final StoreLimits limits;

    public TransactionChecks(StoreLimits limits) {
        this.limits = limits;
    }

    public void check(List<Transaction> txns) {
        if (txns.isEmpty()) {
            throw new ObjectStoreException.InvalidArgument("no transactions to queue");
        }
        for (Transaction t : txns) {
            for (Op op : t.ops()) {
                check(op);
            }
        }
    }

    public void check(Op op) {
        switch (op) {
            case Op.CreateCollection c -> { }
            case Op.RemoveCollection r -> { }
            case Op.SplitCollection s -> {
                if (s.bits() < 1 || s.bits() > HashRange.BITS_MAX) {
                    throw new ObjectStoreException.InvalidArgument("split bits " + s.bits() + " outside 1..32");
                }
                new HashRange(s.bits(), s.destValue());
                if (s.source().equals(s.dest())) {
                    throw new ObjectStoreException.InvalidArgument("split of " + s.source() + " onto itself");
                }
            }
            case Op.Touch t -> { }
            case Op.Write w -> range("write", w.offset(), w.lengthBytes());
            case Op.Zero z -> range("zero", z.offset(), z.length());
            case Op.Truncate t -> range("truncate", t.sizeBytes(), 0);
            case Op.Remove r -> { }
            case Op.SetAttrs s -> s.attrs().forEach(this::attr);
            case Op.RmAttrs r -> r.names().forEach(n -> attr(n, new byte[0]));
            case Op.Clone c -> {
                if (c.source().equals(c.dest())) {
                    throw new ObjectStoreException.InvalidArgument("clone of " + c.source() + " onto itself");
                }
            }
            case Op.CloneRange c -> {
                if (c.source().equals(c.dest())) {
                    throw new ObjectStoreException.InvalidArgument("clone_range of " + c.source() + " onto itself");
                }
                range("clone_range source", c.sourceOffset(), c.length());
                range("clone_range dest", c.destOffset(), c.length());
            }
            case Op.OmapSetKeys s -> s.entries().forEach(this::omapEntry);
            case Op.OmapRmKeys r -> r.keys().forEach(k -> omapEntry(k, new byte[0]));
            case Op.OmapRmRange r -> {
                omapEntry(r.first(), new byte[0]);
                omapEntry(r.last(), new byte[0]);
                if (Utf8Order.compare(r.first(), r.last()) > 0) {
                    throw new ObjectStoreException.InvalidArgument("omap range [" + r.first() + ", " + r.last()
                            + ") is reversed");
                }
            }
            case Op.OmapClear c -> { }
            case Op.OmapSetHeader h -> {
                if (h.header().length > limits.omapValueBytesMax()) {
                    throw new ObjectStoreException.InvalidArgument("omap header is " + h.header().length
                            + " bytes, max " + limits.omapValueBytesMax());
                }
            }
            case Op.MoveRename m -> {
                if (m.sourceColl().equals(m.destColl()) && m.source().equals(m.dest())) {
                    throw new ObjectStoreException.InvalidArgument("move of " + m.source() + " onto itself");
                }
            }
        }
    }

    /** Checks a read's range; {@code length == 0} means "to the end". */
    public void checkRead(long offset, long length) {
        range("read", offset, length);
    }

    private void range(String what, long offset, long length) {
        if (offset < 0 || length < 0) {
            throw new ObjectStoreException.InvalidArgument(what + " offset " + offset + " / length " + length
                    + " is negative");
        }
        long max = limits.objectSizeBytesMax();
        if (offset > max || length > max || offset + length > max) {
            throw new ObjectStoreException.InvalidArgument(what + " [" + offset + ", +" + length
                    + ") goes past the maximum object size " + max);
        }
    }

    private void attr(String name, byte[] value) {
        if (name.isEmpty()) {
            throw new ObjectStoreException.InvalidArgument("attr name is empty");
        }
        int nameBytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (nameBytes > limits.attrNameBytesMax()) {
            throw new ObjectStoreException.InvalidArgument("attr name is " + nameBytes + " bytes, max "
                    + limits.attrNameBytesMax());
        }
        if (value.length > limits.attrValueBytesMax()) {
            throw new ObjectStoreException.InvalidArgument("attr " + name + " value is " + value.length
                    + " bytes, max " + limits.attrValueBytesMax());
        }
    }

    private void omapEntry(String key, byte[] value) {
        int keyBytes = key.getBytes(StandardCharsets.UTF_8).length;
        if (keyBytes > limits.omapKeyBytesMax()) {
            throw new ObjectStoreException.InvalidArgument("omap key is " + keyBytes + " bytes, max "
                    + limits.omapKeyBytesMax());
        }
        if (value.length > limits.omapValueBytesMax()) {
            throw new ObjectStoreException.InvalidArgument("omap value of " + key + " is " + value.length
                    + " bytes, max " + limits.omapValueBytesMax());
        }
    }
}
