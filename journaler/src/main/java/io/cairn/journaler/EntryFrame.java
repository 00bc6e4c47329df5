package io.cairn.journaler;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * How one entry sits in the stream: {@code sentinel(8) length(4) payload start(8) crc32c(4)}.
 * The sentinel lets a reader find the next frame after damage; the start offset (the frame's own
 * stream position) tells a real frame from an old one, or from payload bytes that happen to look
 * like a frame, at the wrong place; the crc covers length, payload and start, so a torn or
 * damaged frame never reads as valid.
 */
public final class EntryFrame {
    static final long SENTINEL = 0xCA1B_5EA1_0F_1E_57_0DL;
    static final int HEAD_BYTES = 12;
    static final int TAIL_BYTES = 12;
    /** Bytes a frame adds to its payload. */
    public static final int OVERHEAD_BYTES = HEAD_BYTES + TAIL_BYTES;

    private EntryFrame() {}

    /** The frame of {@code payload} starting at stream position {@code pos}. */
    public static byte[] encode(long pos, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(OVERHEAD_BYTES + payload.length);
        b.putLong(SENTINEL).putInt(payload.length).put(payload).putLong(pos);
        b.putInt(crc(b.array(), payload.length));
        return b.array();
    }

    /** The crc of a frame in {@code frame} (from its sentinel on) whose payload is {@code length} bytes. */
    static int crc(byte[] frame, int length) {
        CRC32C crc = new CRC32C();
        crc.update(frame, 8, 4 + length + 8);
        return (int) crc.getValue();
    }

    static long frameBytes(int payloadLength) {
        return (long) OVERHEAD_BYTES + payloadLength;
    }
}
