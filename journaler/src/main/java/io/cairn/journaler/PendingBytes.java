package io.cairn.journaler;

import java.util.ArrayDeque;

/** Appended frames not yet sent, as a queue of bytes: frames go in whole, writes take any length off the front. */
final class PendingBytes {
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private int headOffset;
    private long size;

    void add(byte[] frame) {
        if (frame.length > 0) {
            chunks.addLast(frame);
            size += frame.length;
        }
    }

    long size() {
        return size;
    }

    /** The first {@code length} bytes, removed; {@code length} is at most {@link #size}. */
    byte[] take(int length) {
        if (length < 0 || length > size) {
            throw new IllegalStateException("take " + length + " of " + size + " pending bytes");
        }
        byte[] out = new byte[length];
        int at = 0;
        while (at < length) {
            byte[] head = chunks.peekFirst();
            int n = Math.min(head.length - headOffset, length - at);
            System.arraycopy(head, headOffset, out, at, n);
            at += n;
            headOffset += n;
            if (headOffset == head.length) {
                chunks.pollFirst();
                headOffset = 0;
            }
        }
        size -= length;
        return out;
    }
}
