package io.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cairn command as a user runs it: output, exit codes, one-line errors. */
class CairnMainTest {
    record Result(int code, String out, String err) { }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = CairnMain.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    static Path vectors() {
        String prop = System.getProperty("cairn.shared.dir");
        Path dir = Path.of(prop != null ? prop : "../../shared").resolve("crush-vectors");
        assertTrue(Files.isDirectory(dir), "shared crush vectors at " + dir);
        return dir;
    }

    static String map(String name) {
        return vectors().resolve("maps").resolve(name + ".txt").toString();
    }

    @Test
    void versionAndHelp() {
        Result v = run("--version");
        assertEquals(0, v.code());
        assertTrue(v.out().startsWith("cairn "), v.out());
        Result h = run("--help");
        assertEquals(0, h.code());
        assertTrue(h.out().contains("--format"), h.out());
        assertTrue(h.out().contains("crush"), h.out());
        Result sub = run("crush", "test", "--help");
        assertEquals(0, sub.code());
        assertTrue(sub.out().contains("--show-mappings"), sub.out());
    }

    @Test
    void showMappingsPrintsCrushtoolLinesExactly() throws IOException {
        Result r = run("crush", "test", "--map", map("ec-8h3o"), "--rule", "0", "--num-rep", "6",
                "--min-x", "0", "--max-x", "1023", "--weight", "4", "0", "--show-mappings");
        assertEquals(0, r.code(), r.err());
        List<String> expected = Files.readAllLines(vectors().resolve("mappings/ec-8h3o.r0.n6.out4.tsv"));
        List<String> lines = r.out().lines().toList();
        assertEquals(expected.size(), lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String[] f = expected.get(i).split("\t", -1);
            assertEquals("CRUSH rule 0 x " + f[0] + " [" + f[1] + "]", lines.get(i));
        }
    }

    @Test
    void manyInputsMapInRangesSideBySideYetPrintInOrderWithExactTotals() throws IOException {
        String file = map("big-10r10h12o");
        int inputs = 100_000;
        Result r = run("crush", "test", "--map", file, "--rule", "0", "--num-rep", "3", "--max-x",
                Integer.toString(inputs - 1), "--show-mappings", "--show-statistics", "--show-utilization");
        assertEquals(0, r.code(), r.err());
        io.cairn.crush.CrushMap m = io.cairn.crush.CrushTextParser.parse(Files.readString(Path.of(file)));
        int[] weights = m.defaultWeights();
        int[] out = new int[3];
        long[] perDevice = new long[weights.length];
        List<String> lines = r.out().lines().filter(l -> l.startsWith("CRUSH rule")).toList();
        assertEquals(inputs, lines.size());
        for (int x = 0; x < inputs; x++) {
            int n = m.map(0, x, 3, weights, out);
            StringBuilder want = new StringBuilder("CRUSH rule 0 x ").append(x).append(" [");
            for (int i = 0; i < n; i++) {
                want.append(i == 0 ? "" : ",").append(out[i]);
                perDevice[out[i]]++;
            }
            assertEquals(want.append(']').toString(), lines.get(x));
        }
        assertTrue(r.out().contains("result size == 3:\t" + inputs + "/" + inputs), r.out().lines().skip(inputs).toList()
                .toString());
        for (int d = 0; d < perDevice.length; d++) {
            if (perDevice[d] > 0) {
                assertTrue(r.out().contains("  device " + d + ":\t\t stored : " + perDevice[d] + "\t"), "device " + d);
            }
        }
    }

    @Test
    void poolIdAndStatistics() throws IOException {
        Result r = run("crush", "test", "--map", map("flat-3h4o"), "--rule", "0", "--num-rep", "3",
                "--max-x", "99", "--pool-id", "7", "--show-mappings", "--show-statistics");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("rule 0 (replicated_host), x = 0..99, numrep = 3..3")
                || r.out().contains("numrep = 3..3"), r.out());
        assertTrue(r.out().contains("result size == 3:\t100/100"), r.out());
    }

    @Test
    void badUsageIsExitTwoWithOneLine() {
        for (String[] args : List.of(new String[] {"bogus"}, new String[] {"crush", "test", "--rule", "0"},
                new String[] {"--format", "xml", "crush", "tree", "--map", map("alg-list")},
                new String[] {"crush", "test", "--map", map("alg-list"), "--rule", "0", "--weight", "1", "2.5"},
                new String[] {"crush", "test", "--map", map("alg-list"), "--rule", "99"},
                new String[] {"crush", "tree", "--map", "/no/such/map.txt"}, new String[] {})) {
            Result r = run(args);
            assertEquals(2, r.code(), String.join(" ", args) + " -> " + r.err());
            assertEquals(1, r.err().lines().count(), "one line: " + r.err());
            assertTrue(r.err().startsWith("cairn: "), r.err());
            assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        }
    }

    @Test
    void badMapNamesTheLine(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("bad.txt");
        Files.writeString(bad, "type 0 osd\ntype 1 host\ndevice 0 osd.0\nhost h {\n\tid -1\n\titem osd.0 weight -x\n}\n");
        Result r = run("crush", "tree", "--map", bad.toString());
        assertEquals(2, r.code());
        assertEquals("cairn: " + bad + ": line 6: bad weight '-x': not a decimal number\n", r.err());
        Result debug = run("--debug", "crush", "tree", "--map", bad.toString());
        assertEquals(2, debug.code());
        assertTrue(debug.err().contains("\tat "), "stack trace with --debug");
    }

    @Test
    void treeAsCephShowsIt() {
        Result r = run("crush", "tree", "--map", map("racks-4r"));
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals("ID    CLASS  WEIGHT    TYPE NAME", lines.get(0));
        assertEquals("  -1         38.45700  root default", lines.get(1));
        assertEquals("-10         16.13800      rack rack-a", lines.get(2).substring(1));
        assertTrue(lines.contains("   0          1.00000              osd.0"), r.out());
        assertTrue(lines.contains("  10                0              osd.10"), r.out());
        Result json = run("--format", "json", "crush", "tree", "--map", map("racks-4r"));
        assertEquals(0, json.code());
        assertTrue(json.out().startsWith("{\"nodes\":[{\"id\":-1,\"name\":\"default\",\"type\":\"root\""), json.out());
    }

    @Test
    void readmeExampleMapWorks() {
        Result r = run("crush", "test", "--map", "../deploy/examples/crushmap.txt", "--rule", "0", "--num-rep", "3",
                "--max-x", "2", "--show-mappings");
        assertEquals(0, r.code(), r.err());
        assertEquals("CRUSH rule 0 x 0 [2,5,0]\nCRUSH rule 0 x 1 [2,4,1]\nCRUSH rule 0 x 2 [1,3,4]\n", r.out());
        Result ssd = run("crush", "test", "--map", "../deploy/examples/crushmap.txt", "--rule", "1", "--num-rep", "3",
                "--show-statistics");
        assertEquals("rule 1 (fast), x = 0..1023, numrep = 3..3\nrule 1 (fast) num_rep 3 result size == 2:\t1024/1024\n",
                ssd.out());
    }

    @Test
    void benchReportsARate() {
        Result r = run("crush", "bench", "--map", map("flat-3h4o"), "--rule", "0", "--num-rep", "3",
                "--count", "20000", "--rounds", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().matches("rule 0 num_rep 3: 20000 mappings in [0-9.]+ s on 1 thread\\(s\\): [0-9]+ mappings/s .*\\n"),
                r.out());
    }
}
