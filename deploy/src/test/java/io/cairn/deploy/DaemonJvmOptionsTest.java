package io.cairn.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.common.config.CairnConfig;
import io.cairn.common.config.ConfigFile;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A daemon's JVM is sized from the memory target in its own section of the config. */
class DaemonJvmOptionsTest {
    private static DaemonJvmOptions of(String conf, String entity, int cores) {
        return DaemonJvmOptions.forDaemon(CairnConfig.of(ConfigFile.parse(conf, "test"), entity, Map.of()), cores);
    }

    @Test
    void defaultOsdTargetGivesASmallHeapOnTheSerialCollector() {
        DaemonJvmOptions o = of("", "osd.0", 2);
        assertEquals(List.of(DaemonJvmOptions.NETTY_LEAK_DETECTION_OFF, "-Xms64m", "-Xmx192m",
                "-XX:MaxDirectMemorySize=256m",
                "-D" + DaemonJvmOptions.NETTY_ARENAS_PROPERTY + "=1", "-XX:+ExitOnOutOfMemoryError",
                "-XX:+UseSerialGC", "-XX:NewRatio=1", "-XX:TieredStopAtLevel=1"), o.flags());
    }

    @Test
    void targetsComeFromTheDaemonsOwnSectionFirst() {
        String conf = "[osd]\nosd_memory_target = 8G\n[osd.1]\nosd_memory_target = 1G\n[mon]\nmon_memory_target = 512M\n";
        assertEquals(341L << 20, of(conf, "osd.0", 2).heapMaxBytes(), "a twenty-fourth of 8 GiB");
        assertEquals(512L << 20, of(conf, "osd.0", 2).directMaxBytes(), "a sixteenth of 8 GiB");
        assertEquals(192L << 20, of(conf, "osd.1", 2).heapMaxBytes(), "the heap never below 192 MiB");
        assertEquals(256L << 20, of(conf, "osd.1", 2).directMaxBytes(), "direct buffers never below 256 MiB");
        assertEquals(192L << 20, of(conf, "mon.a", 2).heapMaxBytes());
    }

    @Test
    void bigHeapsAndManyCoresKeepTheJvmsDefaults() {
        DaemonJvmOptions o = of("[osd]\nosd_memory_target = 64G\n", "osd.0", 32);
        assertEquals(2730L << 20, o.heapMaxBytes());
        assertTrue(o.flags().contains("-D" + DaemonJvmOptions.NETTY_ARENAS_PROPERTY + "=16"));
        assertFalse(o.serialGc());
        assertFalse(o.c1Only());
        assertFalse(o.flags().contains("-XX:+UseSerialGC"));
    }

    @Test
    void jitChoiceAndExtraArgumentsAreHonoured() {
        DaemonJvmOptions o = of("[global]\ndaemon_jit = c2\ndaemon_jvm_args = -Xss512k  -Dx=y\n", "osd.0", 2);
        assertFalse(o.c1Only());
        assertEquals(List.of("-Xss512k", "-Dx=y"), o.flags().subList(o.flags().size() - 2, o.flags().size()));
        assertTrue(of("[global]\ndaemon_jit = c1\n", "osd.0", 64).c1Only());
    }

    @Test
    void daemonsWithoutATargetGetNoHeapFlags() {
        DaemonJvmOptions o = of("", "mds.a", 2);
        assertEquals(List.of(DaemonJvmOptions.NETTY_LEAK_DETECTION_OFF, "-XX:TieredStopAtLevel=1"), o.flags());
    }

    @Test
    void badValuesAreRefusedWithTheOptionsName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> of("[osd]\nosd_memory_target = 100M\n", "osd.0", 2));
        assertTrue(e.getMessage().contains("osd_memory_target"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> of("[global]\ndaemon_jit = fast\n", "osd.0", 2));
    }
}
