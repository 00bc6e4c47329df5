package io.cairn.objectstore.tool;

import io.cairn.objectstore.CollectionId;
import io.cairn.objectstore.ListPage;
import io.cairn.objectstore.ObjectId;
import io.cairn.objectstore.Transaction;
import io.cairn.objectstore.block.BlockStore;
import io.cairn.objectstore.block.Fsck;
import io.cairn.objectstore.block.FsckReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs {@code cairn objectstore stress} in a child JVM, SIGKILLs it at a random moment, remounts
 * and checks the acked log against the store, and fsck --deep. {@code -Dcrash.kills=N} (the
 * {@code -Pcrash} profile sets 1000) and {@code -Dcrash.seconds.max} bound the run.
 */
class CrashConsistencyTest {
    private static final int KILLS_DEFAULT = 30;
    private static final long SECONDS_MAX_DEFAULT = 150;
    private static final long KILL_DELAY_MS_MIN = 150;
    private static final long KILL_DELAY_MS_MAX = 1800;
    private static final long EXIT_WAIT_MS = 10_000;

    @TempDir
    Path tmp;

    @Test
    void everyAckedTransactionSurvivesKillNineAndNoneIsHalfApplied() throws Exception {
        int kills = Integer.getInteger("crash.kills", KILLS_DEFAULT);
        long secondsMax = Long.getLong("crash.seconds.max", SECONDS_MAX_DEFAULT);
        long seed = Long.getLong("crash.seed", System.nanoTime());
        System.out.println("CrashConsistencyTest seed " + seed + ", kills " + kills);
        Random random = new Random(seed);
        Path store = tmp.resolve("store");
        BlockStore.mkfs(store, 256L << 20, 4096);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(secondsMax);
        long ackedTotal = 0;
        long atUnackedTotal = 0;
        long deferredBytesScribbled = 0;
        int done = 0;
        Long previousSeed = null;
        for (int i = 0; i < kills && System.nanoTime() < deadline; i++) {
            long runSeed = seed + i;
            Path log = tmp.resolve("acked-" + i + ".log");
            Process child = startStress(store, runSeed, log);
            long delayMs = KILL_DELAY_MS_MIN + (long) (random.nextDouble() * (KILL_DELAY_MS_MAX - KILL_DELAY_MS_MIN));
            boolean exited = child.waitFor(delayMs, TimeUnit.MILLISECONDS);
            assertTrue(!exited, () -> "stress exited early with " + child.exitValue() + ": " + stderrOf(runSeed));
            child.toHandle().destroyForcibly();
            assertTrue(child.waitFor(EXIT_WAIT_MS, TimeUnit.MILLISECONDS), "child did not die");

            int kill = done;
            deferredBytesScribbled += loseUnsyncedDeferredWrites(store);
            try (BlockStore s = new BlockStore(store)) {
                s.mount();
                AckedLogCheck.Outcome o = AckedLogCheck.check(s, log);
                assertTrue(o.problems().isEmpty(), () -> "kill " + kill + " seed " + runSeed + ": " + o.problems());
                ackedTotal += o.acked();
                atUnackedTotal += o.objectsAtUnackedState();
                if (previousSeed != null) {
                    AckedLogCheck.Outcome prev = AckedLogCheck.check(s, tmp.resolve("acked-" + (i - 1) + ".log"));
                    assertTrue(prev.problems().isEmpty(), () -> "earlier run damaged by a later crash: " + prev.problems());
                    removeCollection(s, CollectionId.of(StressRunner.collectionName(previousSeed)));
                }
            }
            FsckReport fsck = Fsck.run(store, true, false);
            assertTrue(fsck.clean(), () -> "fsck --deep after kill " + kill + ": " + fsck.errors());
            assertEquals(0, fsck.leakedBytes());
            previousSeed = runSeed;
            done++;
        }
        System.out.printf("CrashConsistencyTest: %d kills, %d acked transactions verified, %d objects found at a "
                + "begun-but-unacked state, %d bytes of deferred writes lost from the block file and replayed%n", done,
                ackedTotal, atUnackedTotal, deferredBytesScribbled);
        assertTrue(done >= Math.min(kills, 5), "too few kills within the time bound: " + done);
        assertTrue(ackedTotal > 0, "stress acked nothing before being killed");
    }

    /**
     * A SIGKILL leaves the page cache intact; a power cut does not. Overwrites with garbage every
     * block-file range whose deferred write the block file was not yet synced for, as if the
     * cache never reached the disk: the next mount must restore them from the metadata alone.
     */
    private static long loseUnsyncedDeferredWrites(Path store) throws java.io.IOException {
        long bytes = 0;
        try (RandomAccessFile f = new RandomAccessFile(store.resolve(BlockStore.BLOCK_FILE).toFile(), "rw")) {
            for (long[] range : Fsck.pendingDeferredWrites(store)) {
                byte[] garbage = new byte[(int) range[1]];
                Arrays.fill(garbage, (byte) 0xa5);
                f.seek(range[0]);
                f.write(garbage);
                bytes += range[1];
            }
            f.getFD().sync();
        }
        return bytes;
    }

    private static void removeCollection(BlockStore s, CollectionId c) {
        if (!s.collectionExists(c)) {
            return;
        }
        Transaction t = new Transaction();
        Optional<ObjectId> cursor = Optional.empty();
        List<ObjectId> all = new ArrayList<>();
        for (int pages = 0; pages < 1000; pages++) {
            ListPage p = s.list(c, cursor, 100);
            all.addAll(p.objects());
            cursor = p.next();
            if (cursor.isEmpty()) {
                break;
            }
        }
        all.forEach(o -> t.remove(c, o));
        s.apply(t.removeCollection(c));
    }

    private Process startStress(Path store, long seed, Path log) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of("--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m"));
        if (Runtime.version().feature() >= 24) {
            cmd.add("--sun-misc-unsafe-memory-access=allow");
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ObjectStoreMain.class.getName(), "stress",
                "--path", store.toString(), "--seconds", "60", "--seed", Long.toString(seed),
                "--acked-log", log.toString()));
        return new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(tmp.resolve("stderr-" + seed + ".txt").toFile()).start();
    }

    private String stderrOf(long seed) {
        try {
            return java.nio.file.Files.readString(tmp.resolve("stderr-" + seed + ".txt"));
        } catch (java.io.IOException e) {
            return "(no stderr)";
        }
    }
}
