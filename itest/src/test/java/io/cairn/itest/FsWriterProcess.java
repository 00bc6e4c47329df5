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
 * The file-system client {@link FsIT} freezes and evicts (and {@link HostPartitionIT} cuts off),
 * as a process of its own: mounts, creates a file, writes and fsyncs a first block, prints
 * {@code READY <client id> <address>}, then writes and fsyncs one block after another
 * ({@code WROTE n} once block n is durable) until a write is refused ({@code REFUSED <exception>}).
 * Block n holds the byte n+1 throughout, so the test can tell exactly what reached the file. Exits
 * by itself after {@link #RUN_SECONDS_MAX}. Args: conf path, or conf path {@code read}: then it
 * opens the file for reading (waiting for the caps), reads it whole and prints
 * {@code READ <blocks> <waited ms>}, or {@code BAD <what>} if a block is not what was written.
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
        if (args.length > 2 && args[2].equals("read")) {
            read(Path.of(args[0]), args[1]);
            System.exit(0);
        }
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
                } catch (RadosException.Timeout e) {
                    // cut off from the cluster for a while: the same block again
                    System.out.println("TIMEOUT " + e.getMessage());
                    n--;
                    continue;
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

    private static void read(Path conf, String path) throws Exception {
        try (Rados rados = Rados.builder().conf(conf).connect();
             CairnFs fs = CairnFs.mount(rados, "cairnfs", Duration.ofSeconds(120))) {
            long t0 = System.nanoTime();
            byte[] all;
            try (FileHandle h = fs.openRead(path)) {
                all = h.read(0, 1 << 24);
            }
            long waitedMs = (System.nanoTime() - t0) / 1_000_000;
            int blocks = all.length / BLOCK_BYTES;
            for (int n = 0; n < blocks; n++) {
                if (!Arrays.equals(block(n), Arrays.copyOfRange(all, n * BLOCK_BYTES, (n + 1) * BLOCK_BYTES))) {
                    System.out.println("BAD block " + n);
                    return;
                }
            }
            System.out.println(all.length % BLOCK_BYTES == 0 ? "READ " + blocks + " " + waitedMs
                    : "BAD size " + all.length);
        }
    }
}
