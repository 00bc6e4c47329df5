package io.cairn.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Daemon names come from the user: only this cluster's own daemons are started or stopped. */
class LocalClusterTest {
    @TempDir
    Path dir;

    @Test
    void unknownDaemonNamesAreRefusedBeforeTouchingFiles() throws Exception {
        Files.writeString(dir.resolve("cairn.conf"), "[global]\nmon_initial_members = a\n");
        Path outside = Files.writeString(dir.getParent().resolve(dir.getFileName() + "-victim.pid"), "1\n");
        try {
            LocalCluster c = new LocalCluster(dir);
            assertEquals(List.of("mon.a"), c.daemons());
            String traversal = "../" + dir.getFileName() + "-victim";
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.stop(traversal, false));
            assertEquals("unknown daemon '" + traversal + "' (this cluster has [mon.a])", e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> c.start("osd.7"));
            assertTrue(Files.exists(outside), "a refused name deletes nothing");
            assertFalse(c.stop("mon.a", false), "a known daemon that is not running is reported as such");
            assertFalse(Files.exists(dir.resolve("log")), "a refused start spawns nothing");
        } finally {
            Files.deleteIfExists(outside);
        }
    }

    @Test
    void onlyActiveStatesCountAsActive() {
        String tail = "; 1.0 MiB data, 3.0 GiB used, 9.0 GiB / 12 GiB avail\n";
        assertTrue(LocalCluster.allActive("32 pgs: 30 active+clean, 2 active+undersized+degraded" + tail));
        assertFalse(LocalCluster.allActive("32 pgs: 30 active+clean, 2 activating+degraded+backfilling" + tail));
        assertFalse(LocalCluster.allActive("32 pgs: 31 active+clean, 1 undersized+degraded+peering" + tail));
        assertFalse(LocalCluster.allActive("32 pgs: 31 active+clean, 1 unknown" + tail));
        assertFalse(LocalCluster.allActive("32 pgs: 31 active+clean, 1 down" + tail));
        assertFalse(LocalCluster.allActive("no pgs yet"));
    }
}
