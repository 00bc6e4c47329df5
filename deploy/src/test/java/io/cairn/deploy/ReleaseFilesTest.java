package io.cairn.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cairn.common.config.CairnConfig;
import io.cairn.common.config.CairnConfigKeys;
import io.cairn.common.config.ConfigOption;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files the release tarball carries besides the jar: the example config and the systemd units. */
class ReleaseFilesTest {
    private static final Path DIST = Path.of("src", "dist");

    @Test
    void exampleConfigReadsForEveryDaemonAndEveryOptionInItIsValid() {
        Path conf = DIST.resolve("conf/cairn.conf.example");
        for (String who : List.of("mon.a", "mon.c", "osd.0", "osd.2", "client.admin")) {
            CairnConfig c = CairnConfig.load(conf, who, Map.of());
            for (ConfigOption<?> o : CairnConfigKeys.all()) {
                c.get(o); // a value of the wrong type or out of range throws here
            }
            assertEquals("a,b,c", c.get(CairnConfigKeys.Global.MON_INITIAL_MEMBERS));
        }
        CairnConfig osd1 = CairnConfig.load(conf, "osd.1", Map.of());
        assertEquals("10.2.0.21:6800", osd1.get(CairnConfigKeys.Global.PUBLIC_ADDR));
        assertEquals("rack=rack2 host=r2-node1", osd1.get(CairnConfigKeys.Osd.CRUSH_LOCATION));
    }

    @Test
    void containerConfigReadsForEveryDaemonOfTheComposeFile() throws IOException {
        Path conf = Path.of("docker", "cairn.conf");
        String compose = Files.readString(Path.of("compose.yaml"), StandardCharsets.UTF_8);
        for (String who : List.of("mon.a", "mon.b", "mon.c", "osd.0", "osd.1", "osd.2", "osd.5", "client.admin")) {
            CairnConfig c = CairnConfig.load(conf, who, Map.of());
            for (ConfigOption<?> o : CairnConfigKeys.all()) {
                c.get(o);
            }
            if (who.startsWith("osd.")) {
                String id = who.substring(4);
                // each OSD serves on its service name, in a CRUSH host of its own
                assertEquals("osd-" + id + ":6800", c.get(CairnConfigKeys.Global.PUBLIC_ADDR));
                assertEquals("host=osd-" + id, c.get(CairnConfigKeys.Osd.CRUSH_LOCATION));
            }
        }
        for (String service : List.of("mon-a", "mon-b", "mon-c", "osd-0", "osd-1", "osd-2")) {
            assertTrue(compose.contains("\n  " + service + ":\n"), service + " in compose.yaml");
        }
        assertEquals("mon-a:6789,mon-b:6789,mon-c:6789",
                CairnConfig.load(conf, "client.admin", Map.of()).get(CairnConfigKeys.Global.MON_HOST));
    }

    @Test
    void systemdUnitsVerify(@TempDir Path dir) throws Exception {
        Path analyze = Path.of("/usr/bin/systemd-analyze");
        assumeTrue(Files.isExecutable(analyze), "no systemd-analyze on this machine");
        // the units name /opt/cairn; point them at this tree, whose bin/cairn-daemon is the release's
        Path root = Path.of("").toAbsolutePath().getParent();
        List<String> units = new ArrayList<>();
        try (Stream<Path> files = Files.list(DIST.resolve("systemd"))) {
            for (Path f : files.sorted().toList()) {
                String text = Files.readString(f, StandardCharsets.UTF_8).replace("/opt/cairn", root.toString());
                Files.writeString(dir.resolve(f.getFileName()), text, StandardCharsets.UTF_8);
                String name = f.getFileName().toString();
                units.add(dir.resolve(name.contains("@.") ? name.replace("@.", "@x.") : name).toString());
            }
        }
        assertEquals(4, units.size(), "mon, osd, mds units and the target: " + units);
        List<String> cmd = new ArrayList<>(List.of(analyze.toString(), "verify"));
        cmd.addAll(units);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "systemd-analyze finished");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.isBlank(), "no complaints: " + out);
    }

    @Test
    void everyDaemonUnitRestartsOnFailureAsTheCairnUser() throws IOException {
        for (String kind : List.of("mon", "osd", "mds")) {
            String unit = Files.readString(DIST.resolve("systemd/cairn-" + kind + "@.service"));
            assertTrue(unit.contains("ExecStart=/opt/cairn/bin/cairn-daemon " + kind + " %i"), unit);
            assertTrue(unit.contains("Restart=on-failure") && unit.contains("User=cairn")
                    && unit.contains("LimitNOFILE=") && unit.contains("WantedBy=cairn.target"), unit);
        }
    }
}
