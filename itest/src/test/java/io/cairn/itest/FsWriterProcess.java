package io.cairn.itest;

import io.cairn.client.Rados;
import io.cairn.client.RadosException;
import io.cairn.client.fs.CairnFs;
import io.cairn.client.fs.FileHandle;
import io.cairn.client.fs.FileStat;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * The file-system client {@link FsIT} freezes and evicts, as a process of its own: mounts, creates
 * a file, writes and fsyncs a first block, prints {@code READY <client id> <address>}, then writes
 * and fsyncs one block after another ({@code WROTE n} once block n is durable) until a write is
 * refused ({@code REFUSED <exception>}). Block n holds the byte n+1 throughout, so the test can
 * tell exactly what reached the file. Exits by itself after {@link #RUN_SECONDS_MAX}.
 * Args: conf path.
 */
public final class FsWriterProcess {
    static final int RUN_SECONDS_MAX = 180;
    static final int BLOCK_BYTES = 4096;
    private static final long PAUSE_MS = 200;

    private FsWriterProcess() {}

    static byte[] block(int n) {
        byte[] b = new byte[BLOCK_BYTES];
        Arrays.fill(b, (byte) (n + 1));
        return b;
    }

    public static void main(String[] args) throws Exception {
        long stopAt = System.nanoTime() + RUN_SECONDS_MAX * 1_000_000_000L;
        try (Rados rados = Rados.builder().conf(Path.of(args[0])).connect();
             CairnFs fs = CairnFs.mount(rados, "cairnfs", Duration.ofSeconds(30))) {
            FileHandle h = fs.create(args[1], FileStat.S_IFREG | 0644, true);
            h.write(0, block(0));
            h.fsync();
            System.out.println("READY " + fs.clientId() + " " + rados.address());
            System.out.flush();
            for (int n = 1; System.nanoTime() < stopAt; n++) {
                try {
                    h.write((long) n * BLOCK_BYTES, block(n));
                    h.fsync();
                } catch (RadosException e) {
                    System.out.println("REFUSED " + e.getClass().getSimpleName() + " " + e.getMessage());
                    System.out.flush();
                    break;
                }
                System.out.println("WROTE " + n);
                System.out.flush();
                Thread.sleep(PAUSE_MS);
            }
        } catch (RadosException e) {
            // the unmount of an evicted client fails too: it has nothing more to say
            System.out.println("UNMOUNT " + e.getClass().getSimpleName());
        }
        System.exit(0);
    }
}
