package io.cairn.mon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cairn.common.ErrorCode;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.script.ScriptedCases;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The failure detector replayed from scripts, one file per rule, in
 * {@code src/test/resources/failure-detector/} (in the spirit of etcd-io/raft's datadriven
 * {@code testdata/*.txt}). A case is one or more command lines, then {@code ----}, then the output
 * they must produce (nothing for most events; one line per action for {@code tick}), ended by a
 * blank line. {@code #} starts a comment line. Times are monotonic ms ({@code 1500}, {@code 12s}).
 *
 * <pre>
 * cluster osds=N hosts=H        N OSDs booted, osd.i on host h(i mod H), pool data; the map is applied
 * settings key=value ...        min_reporters, level, report_timeout, down_out, report_valid,
 *                               min_in_ratio, auto_out, warn_repaired
 * leader at=T | follower        leadership gained at T, or lost
 * beacon osd=0,1 at=T           beacons
 * report reporter=R target=T at=T [epoch=E|epoch=stale]   a failure report (default: current epoch)
 * cancel reporter=R target=T    the report withdrawn
 * repairs 1=10 2=3              the leader's repaired-copies counts per OSD
 * down|out|in|boot osd=N at=T   an operator (or the OSD) changes the map; it is applied at T
 * flag set=noout|unset=noout at=T
 * tick at=T                     prints what the detector proposes
 * apply at=T                    applies the last tick's proposals to the map; prints each result
 * </pre>
 */
class FailureDetectorTest {
    private static final Path DIR = Path.of("src", "test", "resources", "failure-detector");

    @TestFactory
    Stream<DynamicTest> everyScript() {
        return ScriptedCases.scripts(DIR).stream()
                .map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> new Script(f).run()));
    }

    /** One script's state: the detector, the map it has been fed, and the last tick's actions. */
    private static final class Script {
        private final Path file;
        private final FailureDetector detector = new FailureDetector();
        private OsdMap map;
        private int staleEpoch;
        private FailureDetector.Settings settings = new FailureDetector.Settings(2, "host", 10_000, 30_000, 40_000, 0.5,
                true, 10);
        private List<FailureDetector.Action> lastActions = List.of();

        Script(Path file) {
            this.file = file;
        }

        void run() {
            ScriptedCases.run(file, this::execute);
        }

        private List<String> execute(ScriptedCases.Command cmd) {
            Map<String, String> a = cmd.args();
            switch (cmd.verb()) {
                case "cluster" -> cluster(Integer.parseInt(a.get("osds")), Integer.parseInt(a.getOrDefault("hosts",
                        a.get("osds"))), ms(a.getOrDefault("at", "0")));
                case "settings" -> settings(a);
                case "leader" -> detector.step(new FailureDetector.LeadershipGained(ms(a.get("at"))));
                case "follower" -> detector.step(new FailureDetector.LeadershipLost());
                case "beacon" -> {
                    for (String id : a.get("osd").split(",")) {
                        detector.step(new FailureDetector.Beacon(Integer.parseInt(id), ms(a.get("at"))));
                    }
                }
                case "report" -> {
                    String e = a.getOrDefault("epoch", "");
                    int epoch = e.isEmpty() ? map.epoch() : e.equals("stale") ? staleEpoch : Integer.parseInt(e);
                    detector.step(new FailureDetector.FailureReport(Integer.parseInt(a.get("reporter")),
                            Integer.parseInt(a.get("target")), epoch, ms(a.get("at"))));
                }
                case "cancel" -> detector.step(new FailureDetector.FailureCancelled(Integer.parseInt(a.get("reporter")),
                        Integer.parseInt(a.get("target"))));
                case "repairs" -> {
                    Map<Integer, Long> counts = new TreeMap<>();
                    a.forEach((k, v) -> counts.put(Integer.parseInt(k), Long.parseLong(v)));
                    detector.step(new FailureDetector.RepairCounts(counts));
                }
                case "down" -> change("osd down", Map.of("ids", a.get("osd")), a);
                case "out" -> change("osd out", Map.of("ids", a.get("osd")), a);
                case "in" -> change("osd in", Map.of("ids", a.get("osd")), a);
                case "boot" -> boot(Integer.parseInt(a.get("osd")), ms(a.get("at")));
                case "flag" -> change(a.containsKey("set") ? "osd set" : "osd unset",
                        Map.of("key", a.containsKey("set") ? a.get("set") : a.get("unset")), a);
                case "tick" -> {
                    lastActions = detector.tick(ms(a.get("at")), settings);
                    return lastActions.stream().map(Script::describe).toList();
                }
                case "apply" -> {
                    return applyLast(ms(a.get("at")));
                }
                default -> throw new IllegalArgumentException("unknown command '" + cmd.verb() + "'");
            }
            return List.of();
        }

        private void cluster(int osds, int hosts, long atMs) {
            OsdMap m = WriteCommandsTest.fresh();
            for (int i = 0; i < osds; i++) {
                m = WriteCommandsTest.ok(WriteCommandsTest.run(m, "osd create", Map.of("uuid", "u" + i)));
                m = WriteCommandsTest.ok(WriteCommandsTest.internal(m, "osd boot", Map.of("id", "" + i, "uuid", "u" + i,
                        "addr", "127.0.0.1:" + (6800 + i), "host", "h" + (i % hosts))));
            }
            applied(WriteCommandsTest.ok(WriteCommandsTest.run(m, "osd pool create", Map.of("pool", "data",
                    "pg_num", "8"))), atMs);
        }

        private void boot(int osd, long atMs) {
            applied(WriteCommandsTest.ok(WriteCommandsTest.internal(map, "osd boot", Map.of("id", "" + osd,
                    "uuid", "u" + osd, "addr", "127.0.0.1:" + (7800 + map.epoch()), "host", map.osd(osd).host()))), atMs);
        }

        private void change(String prefix, Map<String, String> args, Map<String, String> a) {
            applied(WriteCommandsTest.ok(WriteCommandsTest.run(map, prefix, args)), ms(a.get("at")));
        }

        private void applied(OsdMap next, long atMs) {
            staleEpoch = map == null ? 0 : map.epoch();
            map = next;
            detector.step(new FailureDetector.MapApplied(next, atMs));
        }

        private List<String> applyLast(long atMs) {
            List<String> out = new ArrayList<>();
            for (FailureDetector.Action action : lastActions) {
                CommandResult r = switch (action) {
                    case FailureDetector.MarkDown d -> WriteCommandsTest.internal(map, "osd mark-down",
                            Map.of("ids", ids(d.osds())));
                    case FailureDetector.MarkOut o -> WriteCommandsTest.internal(map, "osd auto-out", Map.of(
                            "ids", ids(o.osds()), "min_in_ratio", Double.toString(o.minInRatio()),
                            "up_ok", Boolean.toString(o.upOk())));
                };
                assertEquals(ErrorCode.OK, r.code(), r.message());
                out.add("applied: " + r.message());
                if (r.newMap() != null) {
                    applied(r.newMap(), atMs);
                }
            }
            return out;
        }

        private void settings(Map<String, String> a) {
            FailureDetector.Settings s = settings;
            settings = new FailureDetector.Settings(
                    Integer.parseInt(a.getOrDefault("min_reporters", "" + s.minReporters())),
                    a.getOrDefault("level", s.reporterSubtreeLevel()),
                    a.containsKey("report_timeout") ? ms(a.get("report_timeout")) : s.reportTimeoutMs(),
                    a.containsKey("down_out") ? ms(a.get("down_out")) : s.downOutIntervalMs(),
                    a.containsKey("report_valid") ? ms(a.get("report_valid")) : s.reportValidMs(),
                    Double.parseDouble(a.getOrDefault("min_in_ratio", "" + s.minInRatio())),
                    Boolean.parseBoolean(a.getOrDefault("auto_out", "" + s.autoOutOnErrors())),
                    Long.parseLong(a.getOrDefault("warn_repaired", "" + s.warnNumRepaired())));
        }

        private static String ids(List<Integer> osds) {
            return String.join(",", osds.stream().map(String::valueOf).toList());
        }

        private static String names(List<Integer> osds) {
            return String.join(",", osds.stream().map(i -> "osd." + i).toList());
        }

        private static String describe(FailureDetector.Action action) {
            return switch (action) {
                case FailureDetector.MarkDown d -> "mark-down " + names(d.osds()) + ": " + d.reason();
                case FailureDetector.MarkOut o -> "mark-out " + names(o.osds()) + (o.upOk() ? " (while up)" : "")
                        + (o.reason().isEmpty() ? "" : ": " + o.reason());
            };
        }

        /** "1500", "1500ms", "12s", "2m". */
        private static long ms(String text) {
            if (text == null) {
                throw new IllegalArgumentException("missing at=");
            }
            if (text.endsWith("ms")) {
                return Long.parseLong(text.substring(0, text.length() - 2));
            }
            if (text.endsWith("s")) {
                return Long.parseLong(text.substring(0, text.length() - 1)) * 1000;
            }
            if (text.endsWith("m")) {
                return Long.parseLong(text.substring(0, text.length() - 1)) * 60_000;
            }
            return Long.parseLong(text);
        }
    }
}
