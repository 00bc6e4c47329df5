package io.cairn.objectstore;

import java.util.Arrays;

/** The expected content of an object after write / zero, on plain byte arrays. */
public final class ByteModel {
    private ByteModel() {}

    public static byte[] write(byte[] cur, long offset, byte[] data) {
        byte[] base = cur == null ? new byte[0] : cur;
        byte[] out = Arrays.copyOf(base, (int) Math.max(base.length, offset + data.length));
        System.arraycopy(data, 0, out, (int) offset, data.length);
        return out;
    }

    public static byte[] zero(byte[] cur, long offset, long length) {
        byte[] base = cur == null ? new byte[0] : cur;
        byte[] out = Arrays.copyOf(base, (int) Math.max(base.length, offset + length));
        Arrays.fill(out, (int) Math.min(offset, out.length), (int) Math.min(out.length, offset + length), (byte) 0);
        return out;
    }
}
