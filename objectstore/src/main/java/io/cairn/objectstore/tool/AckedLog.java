package io.cairn.objectstore.tool;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The stress tool's record of intent and durability: {@code begin} lines (one per object a
 * transaction touches, with the sha256 of the object's whole content after it, {@code -} if
 * removed) written before the transaction is queued, and an {@code ack} line once it is durable.
 * Lines go straight to the OS, so they survive the process being killed.
 */
final class AckedLog implements AutoCloseable {
    private final FileOutputStream out;

    AckedLog(Path path) {
        try {
            this.out = new FileOutputStream(path.toFile(), true);
        } catch (IOException e) {
            throw new UncheckedIOException("opening acked log " + path, e);
        }
    }

    synchronized void begin(long txid, String coll, java.util.List<String[]> objectShas) {
        StringBuilder sb = new StringBuilder();
        for (String[] os : objectShas) {
            sb.append("begin\t").append(txid).append('\t').append(coll).append('\t').append(os[0]).append('\t')
                    .append(os[1]).append('\n');
        }
        write(sb.toString());
    }

    synchronized void ack(long txid) {
        write("ack\t" + txid + "\n");
    }

    private void write(String s) {
        try {
            out.write(s.getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("writing acked log", e);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
