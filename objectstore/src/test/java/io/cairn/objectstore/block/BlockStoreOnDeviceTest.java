package io.cairn.objectstore.block;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cairn.objectstore.CollectionId;
import io.cairn.objectstore.HashRange;
import io.cairn.objectstore.ObjectId;
import io.cairn.objectstore.ObjectStoreException;
import io.cairn.objectstore.Transaction;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store on a raw block device: a loop device made by the test (root and losetup needed, else
 * skipped). Data goes to the device, metadata to the directory, and both survive a remount.
 */
class BlockStoreOnDeviceTest {
    private static final CollectionId C = CollectionId.of("2.0_head");
    private static final long DEVICE_BYTES = 64L << 20;

    @TempDir
    Path dir;
    private final List<String> loops = new ArrayList<>();

    @AfterEach
    void detach() throws Exception {
        for (String dev : loops) {
            run("losetup", "-d", dev);
        }
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + ": " + out);
        }
        return out;
    }

    /** A loop device over a fresh file of {@code bytes} zeros, or a skipped test where none can be made. */
    private Path loopDevice(String name) throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")) && Files.exists(Path.of("/dev/loop-control")),
                "loop devices need root and /dev/loop-control");
        Path img = dir.resolve(name + ".img");
        try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
            f.setLength(DEVICE_BYTES);
        }
        String dev;
        try {
            dev = run("losetup", "--find", "--show", img.toString());
        } catch (IOException e) {
            assumeTrue(false, "losetup failed here: " + e.getMessage());
            throw e;
        }
        loops.add(dev);
        return Path.of(dev);
    }

    private static ObjectId oid(String name) {
        return ObjectId.head(name, name.hashCode());
    }

    @Test
    void dataGoesToTheDeviceAndSurvivesARemount() throws Exception {
        Path dev = loopDevice("a");
        Path store = dir.resolve("store");
        BlockStore.mkfsOnDevice(store, dev, 4096, false);
        assertTrue(Files.isSymbolicLink(store.resolve(BlockStore.BLOCK_FILE)));
        byte[] data = new byte[500_000];
        new Random(5).nextBytes(data);
        try (BlockStore s = new BlockStore(store)) {
            s.mount();
            assertEquals(DEVICE_BYTES, s.statfs().totalBytes());
            s.apply(new Transaction().createCollection(C, HashRange.ALL).write(C, oid("x"), 0, data));
        }
        try (BlockStore s = new BlockStore(store)) {
            s.mount();
            assertArrayEquals(data, s.read(C, oid("x"), 0, 0));
        }
        assertTrue(Fsck.run(store, true, false).clean(), "a deep fsck reads every block back from the device");
    }

    @Test
    void aDeviceThatHoldsDataOrAFileIsRefused() throws Exception {
        Path dev = loopDevice("b");
        try (RandomAccessFile f = new RandomAccessFile(dev.toFile(), "rw")) {
            f.seek(1024);
            f.write(new byte[] {0x53, (byte) 0xef}); // what an ext4 superblock would start to look like
        }
        ObjectStoreException.InvalidArgument e = assertThrows(ObjectStoreException.InvalidArgument.class,
                () -> BlockStore.mkfsOnDevice(dir.resolve("s1"), dev, 4096, false));
        assertTrue(e.getMessage().contains("not blank"), e.getMessage());
        BlockStore.mkfsOnDevice(dir.resolve("s2"), dev, 4096, true);

        Path file = Files.write(dir.resolve("plain"), new byte[4096]);
        assertThrows(ObjectStoreException.InvalidArgument.class,
                () -> BlockStore.mkfsOnDevice(dir.resolve("s3"), file, 4096, false));
    }
}
