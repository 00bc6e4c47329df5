package io.cairn.osd.op;

import io.cairn.objectstore.ReadBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The store's read buffers one client operation's reply carries: the reply's data fields are views
 * of them, so they are given back only once the reply has been copied out to the network, or the
 * operation has failed ({@link #closeAll}).
 */
public final class LentBuffers {
    private final List<ReadBuffer> buffers = new ArrayList<>(1);

    synchronized void add(ReadBuffer b) {
        buffers.add(b);
    }

    /** Gives every buffer back; later calls find none. */
    public void closeAll() {
        List<ReadBuffer> all;
        synchronized (this) {
            all = List.copyOf(buffers);
            buffers.clear();
        }
        all.forEach(ReadBuffer::close);
    }
}
