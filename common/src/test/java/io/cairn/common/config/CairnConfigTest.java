package io.cairn.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CairnConfigTest {
    private static final String CONF = """
            [global]
            mon host = 127.0.0.1:6789,127.0.0.1:6790   # two monitors
            mon_osd_down_out_interval = 300
            ; a comment
            [mon]
            mon_osd_down_out_interval = 120s
            [mon.b]
            mon osd down out interval = 1500ms
            """;

    @Test
    void precedenceIsOverrideThenEntityThenTypeThenGlobalThenDefault() {
        ConfigFile file = ConfigFile.parse(CONF, "cairn.conf");
        var down = CairnConfigKeys.Mon.DOWN_OUT_INTERVAL;
        assertEquals(Duration.ofSeconds(120), CairnConfig.of(file, "mon.a", Map.of()).get(down));
        assertEquals(Duration.ofMillis(1500), CairnConfig.of(file, "mon.b", Map.of()).get(down));
        assertEquals(Duration.ofSeconds(300), CairnConfig.of(file, "osd.1", Map.of()).get(down));
        assertEquals(Duration.ofSeconds(7),
                CairnConfig.of(file, "mon.b", Map.of("mon_osd_down_out_interval", "7")).get(down));
        assertEquals("127.0.0.1:6789,127.0.0.1:6790", CairnConfig.of(file, "client.admin", Map.of())
                .get(CairnConfigKeys.Global.MON_HOST));
        assertEquals(2, CairnConfig.defaults("mon.a").get(CairnConfigKeys.Mon.MIN_DOWN_REPORTERS));
    }

    @Test
    void badValuesAndNamesAreRefusedWithTheName() {
        ConfigFile file = ConfigFile.parse("[mon]\nmon_osd_min_in_ratio = 1.5\n", "x.conf");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CairnConfig.of(file, "mon.a", Map.of()));
        assertEquals("bad value for mon_osd_min_in_ratio: 1.5 (0..1)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> CairnConfig.of(ConfigFile.empty(), "mon.a", Map.of("mon_osd_report_timeout", "soon")));
        assertEquals("bad value for mon_osd_report_timeout: 'soon' is not a duration (seconds, or with ms/s/m/h)",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> CairnConfig.of(ConfigFile.empty(), "mon.a", Map.of("no_such_option", "1")));
        assertEquals("unknown config option 'no_such_option'", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ConfigFile.parse("[global]\njunk\n", "c.conf"));
        assertEquals("c.conf:2: expected 'key = value', found 'junk'", e.getMessage());
    }

    @Test
    void runtimeChangesOnlyForRuntimeOptions() {
        CairnConfig c = CairnConfig.defaults("mon.a");
        c.set(CairnConfigKeys.Mon.ALLOW_POOL_DELETE, "true");
        assertTrue(c.get(CairnConfigKeys.Mon.ALLOW_POOL_DELETE));
        assertThrows(IllegalArgumentException.class, () -> c.set(CairnConfigKeys.Mon.MON_DATA, "/tmp"));
        assertTrue(c.dump().contains("mon_allow_pool_delete = true  # custom"), c.dump().toString());
    }

    @Test
    void everyOptionIsWellFormed() {
        Set<String> names = new HashSet<>();
        for (ConfigOption<?> o : CairnConfigKeys.all()) {
            assertTrue(names.add(o.name()), "duplicate option " + o.name());
            assertTrue(o.name().matches("[a-z][a-z0-9_]*"), "name " + o.name());
            assertFalse(o.description().isBlank(), o.name() + " needs a description");
            assertTrue(o.description().endsWith("."), o.name() + " description is a sentence");
            assertEquals(o.defaultValue(), reparse(o), o.name() + " default survives format/parse");
            if (o.type() == ConfigType.SECONDS || o.type() == ConfigType.MILLIS) {
                assertFalse(o.unit().isEmpty(), o.name() + " needs a unit");
            }
        }
        assertTrue(names.size() >= 20);
    }

    private static <T> T reparse(ConfigOption<T> o) {
        return o.parse(o.format(o.defaultValue()));
    }
}
