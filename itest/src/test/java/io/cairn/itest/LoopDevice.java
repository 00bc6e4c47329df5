package io.cairn.itest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** A loop block device over a file of zeros that the test made; {@link #close} detaches it. */
final class LoopDevice implements AutoCloseable {
    private final Path device;

    private LoopDevice(Path device) {
        this.device = device;
    }

    Path path() {
        return device;
    }

    /** A device over {@code image} of {@code sizeBytes}, or null (with the reason printed) without root or losetup. */
    static LoopDevice attach(Path image, long sizeBytes, String who) throws IOException {
        if (!"root".equals(System.getProperty("user.name")) || !Files.exists(Path.of("/dev/loop-control"))) {
            System.out.println(who + ": no loop devices here (not root); the OSD goes in a directory");
            return null;
        }
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(sizeBytes);
        }
        Process p = new ProcessBuilder("losetup", "--find", "--show", image.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                System.out.println(who + ": no loop device (" + out + "); the OSD goes in a directory");
                return null;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
        return new LoopDevice(Path.of(out));
    }

    @Override
    public void close() {
        Processes.run(new ProcessBuilder("losetup", "-d", device.toString()), 30);
    }
}
