package io.cairn.journaler;

/** Reads a journal's byte stream; a short read means no data there (the end of what was written, or a hole). */
public interface StreamSource {
    /** Up to {@code length} bytes at stream position {@code pos}; fewer (maybe none) where the stream stops. */
    byte[] read(long pos, int length);
}
