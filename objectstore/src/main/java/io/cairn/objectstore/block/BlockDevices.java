package io.cairn.objectstore.block;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/** What a store needs to know of a raw block device before it writes to one. */
public final class BlockDevices {
    /** Bytes at the start of a device that must be zero for it to count as blank. */
    public static final int PROBE_BYTES = 64 << 10;
    private static final Path MOUNTS = Path.of("/proc/self/mounts");

    private BlockDevices() {}

    /** True for a block device (not a regular file, directory or character device), links followed. */
    public static boolean isBlockDevice(Path p) throws IOException {
        if (!Files.exists(p) || Files.isRegularFile(p) || Files.isDirectory(p)) {
            return false;
        }
        Object mode = Files.getAttribute(p, "unix:mode");
        // S_IFBLK in the file-type bits
        return mode instanceof Integer m && (m & 0170000) == 0060000;
    }

    /** The device's size, as the kernel reports it. */
    public static long sizeBytes(Path device) throws IOException {
        try (FileChannel ch = FileChannel.open(device, StandardOpenOption.READ)) {
            return ch.size();
        }
    }

    /** Whether the first {@link #PROBE_BYTES} bytes are all zero. */
    public static boolean startsBlank(Path device) throws IOException {
        try (FileChannel ch = FileChannel.open(device, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate((int) Math.min(PROBE_BYTES, ch.size()));
            while (b.hasRemaining() && ch.read(b, b.position()) > 0) {
                // read until full or the device ends
            }
            for (byte x : b.array()) {
                if (x != 0) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Where the device is mounted, or null (matched by its resolved path in /proc/self/mounts). */
    public static String mountPoint(Path device) throws IOException {
        if (!Files.isReadable(MOUNTS)) {
            return null;
        }
        String real = device.toRealPath().toString();
        List<String> lines = Files.readAllLines(MOUNTS);
        for (String line : lines) {
            String[] f = line.split(" ");
            if (f.length > 1 && f[0].startsWith("/dev/")) {
                try {
                    if (Path.of(f[0]).toRealPath().toString().equals(real)) {
                        return f[1];
                    }
                } catch (IOException gone) {
                    // a stale entry: not our device
                }
            }
        }
        return null;
    }
}
