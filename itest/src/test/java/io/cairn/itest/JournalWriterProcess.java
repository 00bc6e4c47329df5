package io.cairn.itest;

import io.cairn.client.IoCtx;
import io.cairn.client.Rados;
import io.cairn.journaler.JournalMetrics;
import io.cairn.journaler.JournalOptions;
import io.cairn.journaler.JournalWriter;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * The writer {@link JournalIT} kills: takes the journal, appends entries whose bytes follow from
 * (run, seq), flushes every few of them and prints {@code FLUSHED run seq} once everything up to
 * seq is durable. Exits by itself after {@link #RUN_SECONDS_MAX} if nobody kills it first.
 * Args: conf pool journal run.
 */
public final class JournalWriterProcess {
    static final int RUN_SECONDS_MAX = 60;
    /** Entry sizes up to just over two 64 KiB objects, so entries span objects and tails tear inside them. */
    static final int ENTRY_BYTES_MAX = 150_000;

    private JournalWriterProcess() {}

    /** The payload of entry {@code seq} of run {@code run}: its ids, then bytes from a seed of both. */
    static byte[] payload(int run, int seq) {
        SplittableRandom r = new SplittableRandom(run * 1_000_003L + seq);
        int size = r.nextInt(8) == 0 ? r.nextInt(ENTRY_BYTES_MAX) : r.nextInt(2000);
        byte[] p = new byte[Math.max(size, 8)];
        r.nextBytes(p);
        ByteBuffer.wrap(p).putInt(run).putInt(seq);
        return p;
    }

    public static void main(String[] args) throws Exception {
        int run = Integer.parseInt(args[3]);
        long stopAt = System.nanoTime() + RUN_SECONDS_MAX * 1_000_000_000L;
        try (Rados rados = Rados.builder().conf(Path.of(args[0])).connect(); IoCtx io = rados.ioCtx(args[1])) {
            JournalOptions opts = JournalOptions.defaults().withWriteHeadIntervalMs(300);
            JournalWriter w = JournalWriter.open(io, args[2], opts, JournalMetrics.unregistered(args[2]));
            System.out.println("READY " + run + " " + w.appendPos());
            SplittableRandom r = new SplittableRandom(run);
            for (int seq = 0; System.nanoTime() < stopAt; seq++) {
                w.append(payload(run, seq));
                if (r.nextInt(4) == 0) {
                    w.flush().join();
                    System.out.println("FLUSHED " + run + " " + seq);
                }
            }
            w.close();
        }
        System.exit(0);
    }
}
