package io.cairn.osd.peering;


import io.cairn.common.script.ScriptedCases;
import io.cairn.osd.peering.PastIntervals.EpochView;
import io.cairn.osd.peering.PeeringMachine.Action;
import io.cairn.osd.peering.PeeringMachine.Event;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every peering rule as a scripted history ({@code src/test/resources/peering/*.txt}): the events
 * one PG's primary sees and the actions the machine must answer with. Commands:
 * <pre>
 * epochs from=A to=B up=0,1,2 acting=0,1,2 primary=0 [min_size=2] upthru=U upfrom=F   map history
 * log NAME runs=E:F-T[+E:F-T...] [objects=x,y,z] [tail=E'V]   a log; version V names objects[V % n]
 * start epoch=E me=M up=.. acting=.. size=S min_size=N up_osds=.. log=L les=.. lec=.. upthru=U [pgtemp]
 * info osd=N log=L les=.. lec=.. [complete=E'V]   an answer to QueryInfo
 * unreachable osd=N | log-received osd=N log=L | up-thru U | recovered osd=N
 * map up_osds=.. upthru=U   a newer map of the same interval
 * tick at=MS                time passes
 * state                     prints the phase and the PG state
 * </pre>
 */
class PeeringScriptTest {
    private static final Path DIR = Path.of("src", "test", "resources", "peering");

    @TestFactory
    Stream<DynamicTest> everyScript() {
        return ScriptedCases.scripts(DIR).stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(),
                () -> ScriptedCases.run(f, new Script()::execute)));
    }

    private static final class Script {
        private final List<EpochView> views = new ArrayList<>();
        private final Map<String, PgLog> logs = new HashMap<>();
        private PeeringMachine machine;

        List<String> execute(ScriptedCases.Command c) {
            return switch (c.verb()) {
                case "epochs" -> {
                    for (int e = Integer.parseInt(c.arg("from")); e <= Integer.parseInt(c.arg("to")); e++) {
                        views.add(new EpochView(e, ids(c.arg("up")), ids(c.arg("acting")),
                                Integer.parseInt(c.arg("primary")), Integer.parseInt(c.arg("min_size", "2")),
                                Integer.parseInt(c.arg("upthru")), Integer.parseInt(c.arg("upfrom"))));
                    }
                    yield List.of();
                }
                case "log" -> {
                    logs.put(c.arg("name", c.args().keySet().iterator().next()), log(c));
                    yield List.of();
                }
                case "start" -> {
                    PgLog mine = logs.get(c.arg("log"));
                    machine = new PeeringMachine(new PeeringMachine.Start(Integer.parseInt(c.arg("epoch")),
                            Integer.parseInt(c.arg("me")), ids(c.arg("up")), ids(c.arg("acting")),
                            Integer.parseInt(c.arg("size")), Integer.parseInt(c.arg("min_size")),
                            PastIntervals.build(views), Set.copyOf(ids(c.arg("up_osds"))), info(c, mine), mine,
                            Integer.parseInt(c.arg("upthru")), c.args().containsKey("pgtemp")));
                    yield describe(machine.start());
                }
                case "info" -> describe(machine.step(new Event.InfoReceived(osd(c), info(c, logs.get(c.arg("log"))))));
                case "unreachable" -> describe(machine.step(new Event.PeerUnreachable(osd(c))));
                case "log-received" -> describe(machine.step(new Event.LogReceived(osd(c), logs.get(c.arg("log")))));
                case "up-thru" -> describe(machine.step(new Event.UpThruUpdated(Integer.parseInt(
                        c.args().keySet().iterator().next()))));
                case "recovered" -> describe(machine.step(new Event.PeerRecovered(osd(c))));
                case "map" -> describe(machine.step(new Event.MapUpdated(Set.copyOf(ids(c.arg("up_osds"))),
                        Integer.parseInt(c.arg("upthru")))));
                case "tick" -> describe(machine.tick(Long.parseLong(c.arg("at"))));
                case "state" -> List.of("phase " + machine.phase() + ", state " + PgStateFlag.format(machine.state()));
                default -> throw new IllegalArgumentException("unknown command '" + c.verb() + "'");
            };
        }

        private static int osd(ScriptedCases.Command c) {
            return Integer.parseInt(c.arg("osd"));
        }

        private static List<Integer> ids(String csv) {
            return csv.isEmpty() ? List.of() : Arrays.stream(csv.split(",")).map(Integer::parseInt).toList();
        }

        private static Eversion ev(String s) {
            int q = s.indexOf('\'');
            return new Eversion(Integer.parseInt(s.substring(0, q)), Long.parseLong(s.substring(q + 1)));
        }

        private static PgLog log(ScriptedCases.Command c) {
            List<ObjectName> objects = Arrays.stream(c.arg("objects", "x,y,z").split(","))
                    .map(n -> new ObjectName("", n, "")).toList();
            List<LogEntry> entries = new ArrayList<>();
            String runs = c.arg("runs", "");
            for (String run : runs.isEmpty() ? new String[0] : runs.split("\\+")) {
                int colon = run.indexOf(':');
                int dash = run.indexOf('-');
                int epoch = Integer.parseInt(run.substring(0, colon));
                for (long v = Long.parseLong(run.substring(colon + 1, dash)); v <= Long.parseLong(run.substring(dash + 1));
                     v++) {
                    entries.add(new LogEntry(new Eversion(epoch, v), objects.get((int) (v % objects.size())), false));
                }
            }
            return new PgLog(ev(c.arg("tail", "0'0")), entries);
        }

        private static PgInfo info(ScriptedCases.Command c, PgLog log) {
            Eversion complete = c.args().containsKey("complete") ? ev(c.arg("complete")) : log.head();
            return new PgInfo(log.head(), log.tail(), Integer.parseInt(c.arg("les")), Integer.parseInt(c.arg("lec")),
                    complete);
        }

        private static List<String> describe(List<Action> actions) {
            List<String> out = new ArrayList<>();
            for (Action a : actions) {
                switch (a) {
                    case Action.QueryInfo q -> out.add("query-info " + q.osds().stream().sorted()
                            .map(o -> "osd." + o).collect(Collectors.joining(",")));
                    case Action.QueryLog q -> out.add("query-log osd." + q.osd() + " after " + q.after());
                    case Action.RequestUpThru r -> out.add("request-up-thru " + r.epoch());
                    case Action.Activate act -> {
                        out.add("activate epoch=" + act.epoch() + " authority=osd." + act.authority());
                        new TreeMap<>(act.plans()).forEach((osd, plan) -> out.add("osd." + osd + " " + plan(plan)));
                    }
                    case Action.MarkClean m -> out.add("mark-clean " + m.epoch());
                    case Action.RequestPgTemp t -> out.add("request-pg-temp " + t.acting());
                    case Action.Restart r -> out.add("restart: " + r.why());
                }
            }
            return out;
        }

        private static String plan(PeerPlan p) {
            return switch (p) {
                case PeerPlan.Current c -> "current";
                case PeerPlan.Backfill b -> "backfill";
                case PeerPlan.Recover r -> "recover " + new TreeMap<>(r.missing().entrySet().stream().collect(
                        Collectors.toMap(e -> e.getKey().name(), e -> e.getValue().toString()))).toString()
                        + r.rewindTo().map(t -> " rewind-to " + t).orElse("");
            };
        }
    }
}
