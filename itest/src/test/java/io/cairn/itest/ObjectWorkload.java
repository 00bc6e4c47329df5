package io.cairn.itest;

import io.cairn.client.IoCtx;
import io.cairn.client.Rados;
import io.cairn.client.RadosException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A client workload in its own process (a test runs it inside a host namespace): writes objects
 * {@code w-0, w-1, ...} whose bytes follow from their number, reads earlier ones back, and at the
 * end reads every object written and compares it. A timed-out op is counted, not a failure; a
 * read that returns other bytes than were written is. Prints one line:
 * {@code WORKLOAD written W reads R timeouts T mismatches M missing X}; exits 0 only when M and
 * X are 0. Args: conf pool seconds minObjects.
 */
public final class ObjectWorkload {
    private ObjectWorkload() {}

    static byte[] contents(int n) {
        SplittableRandom r = new SplittableRandom(n * 7919L);
        byte[] b = new byte[1024 + r.nextInt(64 * 1024)];
        r.nextBytes(b);
        return b;
    }

    public static void main(String[] args) throws Exception {
        Path conf = Path.of(args[0]);
        long seconds = Long.parseLong(args[2]);
        int minObjects = Integer.parseInt(args[3]);
        long stopAt = System.nanoTime() + seconds * 1_000_000_000L;
        int written = 0;
        long reads = 0;
        long timeouts = 0;
        long mismatches = 0;
        long missing = 0;
        SplittableRandom r = new SplittableRandom(11);
        try (Rados rados = Rados.builder().conf(conf).connect(); IoCtx io = rados.ioCtx(args[1])) {
            while (written < minObjects || System.nanoTime() < stopAt) {
                try {
                    io.writeFull("w-" + written, contents(written));
                    written++;
                } catch (RadosException.Timeout t) {
                    timeouts++;
                }
                if (written > 0 && r.nextInt(4) == 0) {
                    int k = r.nextInt(written);
                    try {
                        reads++;
                        if (!Arrays.equals(contents(k), io.read("w-" + k, 0, 0))) {
                            mismatches++;
                        }
                    } catch (RadosException.Timeout t) {
                        timeouts++;
                    }
                }
            }
            for (int k = 0; k < written; k++) {
                try {
                    if (!Arrays.equals(contents(k), io.read("w-" + k, 0, 0))) {
                        mismatches++;
                    }
                } catch (RadosException.NotFound gone) {
                    missing++;
                }
            }
        }
        System.out.println("WORKLOAD written " + written + " reads " + reads + " timeouts " + timeouts + " mismatches "
                + mismatches + " missing " + missing);
        System.exit(mismatches == 0 && missing == 0 ? 0 : 1);
    }
}
