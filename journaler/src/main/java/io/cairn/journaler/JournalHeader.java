package io.cairn.journaler;

import io.cairn.common.layout.StripeLayout;
import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The journal's header object: its layout and three stream positions, with
 * {@code trimmedPos <= expirePos <= writePos}. {@code writePos} is a point up to which every entry
 * was durable when the header was written; entries after it may exist too (recovery probes for
 * them). {@code writerEpoch} is the epoch of the writer that last took the journal; the same
 * value sits in the header's {@link #EPOCH_XATTR} xattr, which is what the OSDs compare.
 */
public record JournalHeader(StripeLayout layout, long writePos, long expirePos, long trimmedPos, long writerEpoch) {
    static final int FORMAT_VERSION = 1;
    /** The xattr holding the writer epoch, 8 bytes big-endian so that byte order is number order. */
    public static final String EPOCH_XATTR = "journal.epoch";
    private static final byte[] MAGIC = "CAIRNJNL".getBytes(StandardCharsets.US_ASCII);
    private static final int ENCODED_BYTES = MAGIC.length + 4 + 3 * 4 + 4 * 8 + 4;

    public JournalHeader {
        if (trimmedPos < 0 || trimmedPos > expirePos || expirePos > writePos || writerEpoch < 0) {
            throw new IllegalStateException("journal header positions out of order: trimmed " + trimmedPos + " expire "
                    + expirePos + " write " + writePos + " epoch " + writerEpoch);
        }
    }

    /** An empty journal starting at stream position 0. */
    public static JournalHeader empty(StripeLayout layout) {
        return new JournalHeader(layout, 0, 0, 0, 0);
    }

    public JournalHeader withWritePos(long pos) {
        return new JournalHeader(layout, pos, expirePos, trimmedPos, writerEpoch);
    }

    public JournalHeader withExpire(long expire, long trimmed) {
        return new JournalHeader(layout, writePos, expire, trimmed, writerEpoch);
    }

    public JournalHeader withEpoch(long epoch) {
        return new JournalHeader(layout, writePos, expirePos, trimmedPos, epoch);
    }

    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(ENCODED_BYTES);
        b.put(MAGIC).putInt(FORMAT_VERSION).putInt(layout.stripeUnitBytes()).putInt(layout.stripeCount())
                .putInt(layout.objectSizeBytes()).putLong(writePos).putLong(expirePos).putLong(trimmedPos)
                .putLong(writerEpoch);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, b.position());
        b.putInt((int) crc.getValue());
        return b.array();
    }

    /** Decodes a header object's data; a damaged or foreign header is an EIO error naming {@code what}. */
    public static JournalHeader decode(byte[] data, String what) {
        if (data.length != ENCODED_BYTES) {
            throw new CairnException(ErrorCode.EIO, what + " is not a journal header (" + data.length + " bytes)");
        }
        ByteBuffer b = ByteBuffer.wrap(data);
        byte[] magic = new byte[MAGIC.length];
        b.get(magic);
        CRC32C crc = new CRC32C();
        crc.update(data, 0, ENCODED_BYTES - 4);
        if (!java.util.Arrays.equals(magic, MAGIC) || (int) crc.getValue() != b.getInt(ENCODED_BYTES - 4)) {
            throw new CairnException(ErrorCode.EIO, what + " is not a journal header or is damaged (bad magic or crc)");
        }
        int version = b.getInt();
        if (version != FORMAT_VERSION) {
            throw new CairnException(ErrorCode.ENOTSUP, what + " has journal format " + version + "; this build reads "
                    + FORMAT_VERSION);
        }
        try {
            StripeLayout layout = new StripeLayout(b.getInt(), b.getInt(), b.getInt());
            return new JournalHeader(layout, b.getLong(), b.getLong(), b.getLong(), b.getLong());
        } catch (IllegalStateException | CairnException e) {
            throw new CairnException(ErrorCode.EIO, what + " holds an impossible header: " + e.getMessage());
        }
    }

    public static byte[] epochBytes(long epoch) {
        return ByteBuffer.allocate(8).putLong(epoch).array();
    }

    public static long epochOf(byte[] xattr) {
        return xattr.length == 8 ? ByteBuffer.wrap(xattr).getLong() : 0;
    }
}
