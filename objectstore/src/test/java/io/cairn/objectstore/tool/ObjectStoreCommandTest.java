package io.cairn.objectstore.tool;

import io.cairn.common.cli.UserInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ObjectStoreCommandTest {
    @TempDir
    Path tmp;

    private record Run(int exit, String out, String err) {}

    private Run run(String... args) {
        CommandLine cl = new CommandLine(new ObjectStoreCommand());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            line.getErr().println("error: " + ex.getMessage());
            return ex instanceof UserInputException ? 2 : 1;
        });
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void mkfsPutLsGetFsckRoundTrip() throws Exception {
        Path store = tmp.resolve("s");
        assertEquals(0, run("mkfs", "--path", store.toString(), "--size", "32M").exit());
        byte[] data = new byte[100_000];
        new Random(1).nextBytes(data);
        Path in = tmp.resolve("in.bin");
        Files.write(in, data);
        Run put = run("put", "--path", store.toString(), "--coll", "1.0_head", "--oid", "hello", "--in", in.toString());
        assertEquals(0, put.exit(), put.err());
        Run ls = run("ls", "--path", store.toString(), "--coll", "1.0_head");
        assertTrue(ls.out().contains("hello") && ls.out().contains("100000"), ls.out());
        assertTrue(run("ls", "--path", store.toString()).out().contains("1.0_head"));
        Path out = tmp.resolve("out.bin");
        assertEquals(0, run("get", "--path", store.toString(), "--coll", "1.0_head", "--oid", "hello", "--out",
                out.toString()).exit());
        assertArrayEquals(data, Files.readAllBytes(out));
        Run fsck = run("fsck", "--deep", "--path", store.toString());
        assertEquals(0, fsck.exit(), fsck.out());
        assertTrue(fsck.out().contains("1 objects") && fsck.out().contains("clean"), fsck.out());
    }

    @Test
    void setBytesAndRemoveChangeOneObjectOfAnOsdsPgAndKeepTheStoreClean() throws Exception {
        // an OSD data directory keeps its store under store/
        Path osd = tmp.resolve("osd.3");
        Path store = osd.resolve("store");
        assertEquals(0, run("mkfs", "--path", store.toString(), "--size", "32M").exit());
        Path in = tmp.resolve("in.bin");
        Files.write(in, "original".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(0, run("put", "--path", store.toString(), "--coll", "2.1f", "--oid", "obj", "--in", in.toString()).exit());
        assertEquals(0, run("put", "--path", store.toString(), "--coll", "2.1f", "--oid", "other", "--in", in.toString()).exit());
        Path bad = tmp.resolve("bad.bin");
        Files.write(bad, "changed behind the cluster's back".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Run set = run("set-bytes", "--path", osd.toString(), "--pgid", "2.1f", "--object", "obj", "--in", bad.toString());
        assertEquals(0, set.exit(), set.err());
        Path out = tmp.resolve("out.bin");
        assertEquals(0, run("get-bytes", "--path", osd.toString(), "--pgid", "2.1f", "--object", "obj", "--out",
                out.toString()).exit());
        assertArrayEquals(Files.readAllBytes(bad), Files.readAllBytes(out));
        Run rm = run("remove", "--path", osd.toString(), "--pgid", "2.1f", "--object", "other");
        assertEquals(0, rm.exit(), rm.err());
        Run gone = run("get-bytes", "--path", osd.toString(), "--pgid", "2.1f", "--object", "other");
        assertEquals(2, gone.exit());
        assertTrue(gone.err().contains("no object other in pg 2.1f"), gone.err());
        Run missingPg = run("get-bytes", "--path", osd.toString(), "--pgid", "2.0", "--object", "obj");
        assertEquals(2, missingPg.exit());
        // the store's own checksums agree with the new bytes
        Run fsck = run("fsck", "--deep", "--path", store.toString());
        assertEquals(0, fsck.exit(), fsck.out());
        assertTrue(fsck.out().contains("1 objects") && fsck.out().contains("clean"), fsck.out());
    }

    @Test
    void badInputExitsTwoWithOneLine() {
        Path store = tmp.resolve("s");
        Run missing = run("ls", "--path", store.toString());
        assertEquals(2, missing.exit());
        assertEquals(1, missing.err().strip().lines().count(), missing.err());
        assertEquals(2, run("mkfs", "--path", store.toString(), "--size", "lots").exit());
        assertEquals(2, run("mkfs", "--path", store.toString(), "--size", "1M", "--alloc-unit", "1000").exit());
        assertEquals(0, run("mkfs", "--path", store.toString(), "--size", "8M").exit());
        assertEquals(2, run("mkfs", "--path", store.toString(), "--size", "8M").exit(), "refuses to overwrite");
        assertEquals(2, run("get", "--path", store.toString(), "--coll", "nope", "--oid", "x").exit());
    }

    @Test
    void stressWritesBeginAndAckLinesThatMatchTheStore() throws Exception {
        Path store = tmp.resolve("s");
        run("mkfs", "--path", store.toString(), "--size", "64M");
        Path log = tmp.resolve("acked.log");
        Run r = run("stress", "--path", store.toString(), "--seconds", "1", "--seed", "9", "--acked-log", log.toString());
        assertEquals(0, r.exit(), r.err());
        List<String> lines = Files.readAllLines(log);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("ack\t")));
        for (String l : lines) {
            String[] f = l.split("\t");
            assertTrue(f[0].equals("ack") ? f.length == 2 : f.length == 5 && f[2].equals("stress-9")
                    && (f[4].equals("-") || f[4].length() == 64), l);
        }
        try (var s = StoreOpener.mount(store)) {
            AckedLogCheck.Outcome o = AckedLogCheck.check(s, log);
            assertTrue(o.problems().isEmpty(), o.problems().toString());
            assertEquals(0, o.objectsAtUnackedState(), "a clean exit acks everything it began");
        }
        assertEquals(0, run("fsck", "--deep", "--path", store.toString()).exit());
    }

    @Test
    void benchPrintsEveryPhaseAndCleansUp() {
        Path store = tmp.resolve("s");
        run("mkfs", "--path", store.toString(), "--size", "64M");
        CommandLine cl = new CommandLine(new ObjectStoreCommand());
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out));
        assertEquals(0, cl.execute("bench", "--path", store.toString(), "--objects", "4", "--seconds", "0.3"));
        String text = out.toString();
        for (String phase : List.of("4m_seq_write", "4k_random_overwrite_qd1", "4k_random_overwrite_qd16",
                "4m_seq_read", "4k_random_read")) {
            assertTrue(text.contains(phase), text);
        }
        assertEquals(0, run("fsck", "--path", store.toString()).exit(), "bench cleans up after itself");
    }
}
