package io.cairn.osd.scrub;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The count of this OSD's copies replaced by repairs, kept in its data directory across restarts,
 * as Ceph keeps num_shards_repaired in its stats.
 */
public final class ShardsRepaired {
    private static final Logger LOG = LoggerFactory.getLogger(ShardsRepaired.class);
    private static final String FILE = "shards_repaired";

    private final Path dataDir;
    private volatile long saved;

    public ShardsRepaired(Path dataDir) {
        this.dataDir = dataDir;
        this.saved = read();
    }

    /** The count as last saved (at start: as the previous run left it). */
    public long saved() {
        return saved;
    }

    private long read() {
        try {
            Path f = dataDir.resolve(FILE);
            return Files.exists(f) ? Long.parseLong(Files.readString(f).trim()) : 0;
        } catch (IOException | NumberFormatException e) {
            LOG.warn("unreadable {}: counting repaired copies from 0 ({})", FILE, e.toString());
            return 0;
        }
    }

    /** Saves {@code n} if it changed (atomically: a crash leaves the old or the new count). */
    public void save(long n) {
        if (n == saved) {
            return;
        }
        try {
            Path tmp = dataDir.resolve(FILE + ".tmp");
            Files.writeString(tmp, Long.toString(n));
            Files.move(tmp, dataDir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            saved = n;
        } catch (IOException e) {
            LOG.warn("saving {}: {}", FILE, e.toString());
        }
    }
}
