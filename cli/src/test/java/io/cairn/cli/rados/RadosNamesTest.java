package io.cairn.cli.rados;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.cli.CairnMain;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * Pool, namespace and object names as Ceph allows them, including words that are also commands
 * and names that start with '-'. Parsing only: no cluster is needed.
 */
class RadosNamesTest {
    /** Words a pool or object may be called that are also commands somewhere in the tree. */
    private static final List<String> COMMAND_WORDS = List.of("bench", "ls", "put", "get", "rm", "df", "rados", "status",
            "osd", "pg", "help", "crush", "write");

    private static final List<String> ODD_NAMES = List.of("my.pool", ".rgw.root", "pool-1", "a_b", "a=b", "données",
            "池", "ünï.cødé-ö", "1.0", "-weird", "-", "x y");

    private static ParseResult parse(String... args) {
        CommandLine cl = CairnMain.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        return cl.parseArgs(args);
    }

    private static RadosCommand rados(String... args) {
        ParseResult pr = parse(args);
        assertEquals("rados", pr.subcommand().commandSpec().name());
        return (RadosCommand) pr.subcommand().commandSpec().userObject();
    }

    private static RadosBench bench(String... args) {
        ParseResult pr = parse(args).subcommand().subcommand();
        assertEquals("bench", pr.commandSpec().name());
        return (RadosBench) pr.commandSpec().userObject();
    }

    record Run(int code, String out, String err) { }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = CairnMain.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void benchPoolBeforeAndAfterTheSubcommand() {
        for (String[] args : List.of(new String[] {"rados", "-p", "bench", "bench", "30", "write"},
                new String[] {"rados", "bench", "-p", "bench", "30", "write"},
                new String[] {"rados", "--pool=bench", "bench", "30", "write"})) {
            RadosBench b = bench(args);
            assertEquals("bench", b.parent.pool, String.join(" ", args));
            assertEquals(30, b.seconds);
            assertEquals("write", b.mode);
        }
        RadosBench b = bench("rados", "-p", "write", "bench", "10", "seq", "-t", "4");
        assertEquals("write", b.parent.pool);
        assertEquals("seq", b.mode);
        assertEquals(4, b.concurrency);
    }

    @Test
    void poolNamesThatAreCommandWordsOrOdd() {
        for (String name : concat(COMMAND_WORDS, ODD_NAMES)) {
            for (String[] args : List.of(new String[] {"rados", "-p", name, "ls"},
                    new String[] {"rados", "--pool", name, "ls"},
                    new String[] {"rados", "--pool=" + name, "ls"},
                    new String[] {"rados", "-p=" + name, "ls"},
                    new String[] {"rados", "ls", "-p", name})) {
                RadosCommand r = rados(args);
                assertEquals(name, r.pool, String.join(" ", args));
                assertEquals("ls", r.command, String.join(" ", args));
                assertEquals(List.of(), r.args, String.join(" ", args));
            }
            RadosBench b = bench("rados", "-p", name, "bench", "5", "rand");
            assertEquals(name, b.parent.pool);
        }
    }

    @Test
    void commandWordsAsPoolAndObject() {
        RadosCommand ls = rados("rados", "-p", "ls", "ls");
        assertEquals("ls", ls.pool);
        assertEquals("ls", ls.command);
        RadosCommand put = rados("rados", "-p", "put", "put", "obj", "file");
        assertEquals("put", put.pool);
        assertEquals("put", put.command);
        assertEquals(List.of("obj", "file"), put.args);
        for (String word : COMMAND_WORDS) {
            RadosCommand p = rados("rados", "-p", "data", "put", word, word);
            assertEquals("put", p.command, word);
            assertEquals(List.of(word, word), p.args, word);
            RadosCommand g = rados("rados", "-p", "data", "get", word, "-");
            assertEquals(List.of(word, "-"), g.args, word);
            RadosCommand rm = rados("rados", "-p", "data", "rm", "a", word, word, "b");
            assertEquals(List.of("a", word, word, "b"), rm.args, word);
        }
        // `bench` starts the benchmark only as the command word
        RadosCommand putBench = rados("rados", "-p", "data", "put", "bench", "file", "-N", "ns");
        assertEquals(List.of("bench", "file"), putBench.args);
        assertEquals("ns", putBench.namespace);
    }

    @Test
    void objectNamesThatStartWithDashGoAfterDoubleDash() {
        RadosCommand put = rados("rados", "-p", "data", "put", "--", "-x", "file");
        assertEquals("put", put.command);
        assertEquals(List.of("-x", "file"), put.args);
        RadosCommand rm = rados("rados", "-p", "data", "rm", "--", "-x");
        assertEquals(List.of("-x"), rm.args);
        RadosCommand all = rados("rados", "-p", "data", "--", "rm", "-x", "--pool", "-p", "bench", "--");
        assertEquals("rm", all.command);
        assertEquals(List.of("-x", "--pool", "-p", "bench", "--"), all.args);
        assertEquals("data", all.pool);
    }

    @Test
    void objectNamesWithDotsDashesAndUnicode() {
        for (String name : ODD_NAMES) {
            if (name.startsWith("-")) {
                continue;
            }
            RadosCommand r = rados("rados", "-p", "data", "stat", name);
            assertEquals(List.of(name), r.args, name);
        }
    }

    @Test
    void attachedValuesThatLookLikeOptionsAreNames() {
        for (String name : List.of("-N", "--debug", "-p", "-h", "--", "--pool=x", "-ph", "-Nx")) {
            for (String[] args : List.of(new String[] {"rados", "--pool=" + name, "ls"},
                    new String[] {"rados", "-p=" + name, "ls"})) {
                RadosCommand r = rados(args);
                assertEquals(name, r.pool, String.join(" ", args));
                assertEquals("ls", r.command, String.join(" ", args));
            }
        }
        RadosCommand ns = rados("rados", "-p", "data", "--namespace=-x", "-N", "bench", "ls");
        assertEquals("bench", ns.namespace);
        RadosCommand ns2 = rados("rados", "-p", "data", "-N=--", "ls");
        assertEquals("--", ns2.namespace);
        RadosBench b = bench("rados", "bench", "--pool=-x", "30", "write");
        assertEquals("-x", b.parent.pool);
        // a separate value that is no option of the command is taken as it is
        assertEquals("-weird", rados("rados", "-p", "-weird", "ls").pool);
        assertNull(rados("rados", "ls").pool);
    }

    @Test
    void parsedNamesReachTheConnectStep(@TempDir Path dir) {
        String conf = dir.resolve("missing.conf").toString();
        String expected = "cairn: config file not found: " + conf + "\n";
        for (String[] args : List.of(new String[] {"-c", conf, "rados", "-p", "bench", "bench", "30", "write"},
                new String[] {"-c", conf, "rados", "-p", "ls", "ls"},
                new String[] {"-c", conf, "rados", "-p", "put", "put", "obj", "file"},
                new String[] {"-c", conf, "rados", "-p", "data", "put", "--", "-x", "file"},
                new String[] {"-c", conf, "rados", "-p", "data", "rm", "--", "-x"},
                new String[] {"-c", conf, "rados", "-p", "data", "put", "bench", "file"},
                new String[] {"-c", conf, "rados", "--pool=ls", "ls"},
                new String[] {"-c", conf, "rados", "--pool=-N", "ls"},
                new String[] {"-c", conf, "rados", "-p", "df", "get", "df", "-"})) {
            Run r = run(args);
            assertEquals(expected, r.err(), String.join(" ", args));
            assertEquals(2, r.code(), String.join(" ", args));
        }
    }

    @Test
    void missingValuesStillReadWell() {
        Run end = run("rados", "-p");
        assertEquals("cairn: Missing required parameter for option '--pool' (POOL)\n", end.err());
        assertEquals(2, end.code());
        Run after = run("rados", "ls", "--pool");
        assertEquals("cairn: Missing required parameter for option '--pool' (POOL)\n", after.err());
        Run option = run("rados", "-p", "-N", "ns", "ls");
        assertEquals("cairn: Expected parameter for option '--pool' but found '-N' (a name that starts with '-' must be "
                + "attached: --pool=NAME)\n", option.err());
        assertEquals(2, option.code());
        Run debug = run("rados", "-p", "--debug", "ls");
        assertTrue(debug.err().startsWith("cairn: Expected parameter for option '--pool' but found '--debug'"), debug.err());
        Run dash = run("rados", "-p", "data", "put", "-x", "file");
        assertEquals("cairn: Unknown option: '-x' (put -- before an argument that starts with '-')\n", dash.err());
        assertEquals(2, dash.code());
        for (String[] args : List.of(new String[] {"rados", "-p", "", "ls"}, new String[] {"rados", "ls"},
                new String[] {"rados", "--pool=", "bench", "5", "write"})) {
            Run noPool = run(args);
            assertEquals("cairn: a pool is required: -p POOL\n", noPool.err(), String.join(" ", args));
            assertEquals(2, noPool.code());
        }
        Run noBenchArgs = run("rados", "-p", "bench", "bench");
        assertTrue(noBenchArgs.err().startsWith("cairn: Missing required parameters: 'SECONDS'"), noBenchArgs.err());
        assertEquals(2, noBenchArgs.code());
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
