package io.cairn.itest;

import io.cairn.common.layout.StripeLayout;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.cairn.client.IoCtx;
import io.cairn.client.Rados;
import io.cairn.journaler.Journal;
import io.cairn.journaler.JournalException;
import io.cairn.journaler.JournalHeader;
import io.cairn.journaler.JournalMetrics;
import io.cairn.journaler.JournalObjects;
import io.cairn.journaler.JournalOptions;
import io.cairn.journaler.JournalReader;
import io.cairn.journaler.JournalWriter;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.LoggerFactory;

/**
 * The journaler on a real cluster (one monitor, three OSD processes, pool of size 3): entries of
 * every awkward size round-trip, a cut tail recovers to the entry before it, a second writer
 * fences the first, trimming deletes objects, rewrite and reset, a tailing reader, and a writer
 * process killed with SIGKILL again and again never loses a flushed entry.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JournalIT {
    private static final int OBJECT_BYTES = 64 << 10;
    private static final StripeLayout SMALL = StripeLayout.ofObjectSize(OBJECT_BYTES);
    /** 20 in bin/test; -Dcairn.journal.kills=200 (or -Pjournal-kills) for a long run. */
    private static final int KILLS = Integer.getInteger("cairn.journal.kills", 20);
    private static final long SEED = Long.getLong("cairn.test.seed", 17L);
    private final JournalOptions opts = JournalOptions.defaults();
    private TestCluster cluster;
    private Rados rados;
    private IoCtx io;

    @BeforeAll
    void up() throws Exception {
        cluster = TestCluster.start(1, 3, 1L << 30, "\n[global]\nrados_osd_op_timeout = 60\n");
        cluster.local.createPoolIfMissing("meta", 3);
        assertTrue(cluster.local.awaitPgsActive("meta", Duration.ofSeconds(90)));
        rados = Rados.builder().conf(cluster.conf()).connect();
        io = rados.ioCtx("meta");
        System.out.println("JournalIT seed " + SEED + ", kills " + KILLS);
    }

    @AfterAll
    void down() throws Exception {
        TestCluster.closeAll(rados, cluster);
    }

    private JournalWriter create(String name) {
        Journal.create(io, new JournalObjects(name), SMALL);
        return JournalWriter.open(io, name, opts, JournalMetrics.unregistered(name));
    }

    private static byte[] bytes(int size, long seed) {
        byte[] b = new byte[size];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    private List<String> objectsOf(String name) {
        List<String> out = new ArrayList<>();
        io.listObjects(false).forEachRemaining(o -> {
            if (o.name().startsWith(name + ".")) {
                out.add(o.name());
            }
        });
        out.sort(null);
        return out;
    }

    private String cli(String... args) {
        return cluster.cli(args);
    }

    @Test
    @Order(1)
    void entriesOfEveryAwkwardSizeRoundTrip() {
        int[] sizes = {0, 1, OBJECT_BYTES - 25, OBJECT_BYTES - 24, OBJECT_BYTES - 23, OBJECT_BYTES, OBJECT_BYTES + 1,
            3 * OBJECT_BYTES, 7, 0};
        List<Long> positions = new ArrayList<>();
        try (JournalWriter w = create("sizes")) {
            for (int i = 0; i < sizes.length; i++) {
                positions.add(w.append(bytes(sizes[i], i)));
            }
            w.flush().join();
        }
        List<JournalReader.Entry> got = JournalReader.open(io, "sizes", opts).readAll();
        assertEquals(sizes.length, got.size());
        for (int i = 0; i < sizes.length; i++) {
            assertEquals(positions.get(i), got.get(i).pos());
            assertArrayEquals(bytes(sizes[i], i), got.get(i).payload(), "entry " + i + " of " + sizes[i] + " bytes");
        }
        // a second writer continues after them
        try (JournalWriter w = JournalWriter.open(io, "sizes", opts, JournalMetrics.unregistered("sizes"))) {
            assertEquals(got.get(got.size() - 1).pos() + 24, w.appendPos());
            w.append("after".getBytes(StandardCharsets.UTF_8));
        }
        assertEquals(sizes.length + 1, JournalReader.open(io, "sizes", opts).readAll().size());
    }

    @Test
    @Order(1)
    void stripedJournalRoundTripsAndItsTornTailIsCut() {
        // 4 KiB units dealt over 3 objects of 16 KiB: consecutive bytes land in different objects
        StripeLayout striped = new StripeLayout(4096, 3, 16_384);
        Journal.create(io, new JournalObjects("striped"), striped);
        List<Long> positions = new ArrayList<>();
        try (JournalWriter w = JournalWriter.open(io, "striped", opts, JournalMetrics.unregistered("striped"))) {
            for (int i = 0; i < 30; i++) {
                positions.add(w.append(bytes(1000 + 997 * i, i)));
            }
        }
        List<JournalReader.Entry> got = JournalReader.open(io, "striped", opts).readAll();
        assertEquals(30, got.size());
        for (int i = 0; i < 30; i++) {
            assertArrayEquals(bytes(1000 + 997 * i, i), got.get(i).payload());
        }
        // tear the last entry inside one stripe unit: its object loses the bytes from there on
        long tear = positions.get(29) + 5000;
        StripeLayout.Extent at = striped.locate(tear);
        cli("rados", "-p", "meta", "truncate", new JournalObjects("striped").data(at.objectNo()),
                Long.toString(at.objectOffset()));
        try (JournalWriter w = JournalWriter.open(io, "striped", opts, JournalMetrics.unregistered("striped"))) {
            assertEquals(positions.get(29), w.appendPos());
            w.append(bytes(20_000, 77));
        }
        got = JournalReader.open(io, "striped", opts).readAll();
        assertEquals(30, got.size());
        assertArrayEquals(bytes(20_000, 77), got.get(29).payload());
    }

    @Test
    @Order(2)
    void lastObjectCutMidEntryRecoversToThePreviousEntry() {
        long lastStart;
        try (JournalWriter w = create("cut")) {
            for (int i = 0; i < 5; i++) {
                w.append(bytes(30_000, i));
            }
            lastStart = w.append(bytes(30_000, 5));
        }
        StripeLayout.Extent at = SMALL.locate(lastStart + 1000);
        cli("rados", "-p", "meta", "truncate", new JournalObjects("cut").data(at.objectNo()),
                Long.toString(at.objectOffset()));
        assertTrue(cli("journal", "-p", "meta", "--name", "cut", "inspect").contains("torn tail at offset " + lastStart));

        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        Logger takeover = (Logger) LoggerFactory.getLogger("io.cairn.journaler.JournalTakeover");
        logs.start();
        takeover.addAppender(logs);
        try (JournalWriter w = JournalWriter.open(io, "cut", opts, JournalMetrics.unregistered("cut"))) {
            assertEquals(lastStart, w.appendPos());
            w.append(bytes(10, 99));
        } finally {
            takeover.detachAppender(logs);
        }
        assertTrue(logs.list.stream().anyMatch(e -> e.getFormattedMessage().contains("torn entry at offset " + lastStart)),
                "a log line names the offset: " + logs.list);
        List<JournalReader.Entry> got = JournalReader.open(io, "cut", opts).readAll();
        assertEquals(6, got.size());
        assertArrayEquals(bytes(30_000, 4), got.get(4).payload());
        assertArrayEquals(bytes(10, 99), got.get(5).payload());
    }

    @Test
    @Order(3)
    void secondWriterFencesTheFirst() {
        // the first writer holds appends back for 10 s unless flushed, so one is still buffered at the takeover
        JournalOptions slow = new JournalOptions(opts.writeHeadIntervalMs(), TimeUnit.SECONDS.toNanos(10),
                opts.batchMaxBytes(), opts.bufferMaxBytes(), opts.maxEntryBytes());
        Journal.create(io, new JournalObjects("fence"), SMALL);
        JournalWriter first = JournalWriter.open(io, "fence", slow, JournalMetrics.unregistered("fence"));
        for (int i = 0; i < 3; i++) {
            first.append(("first " + i).getBytes(StandardCharsets.UTF_8));
        }
        first.flush().join();
        first.append("first unflushed".getBytes(StandardCharsets.UTF_8));
        try (JournalWriter second = JournalWriter.open(io, "fence", opts, JournalMetrics.unregistered("fence"))) {
            assertTrue(second.epoch() > first.epoch());
            long takeoverPos = second.appendPos();
            second.append("second 0".getBytes(StandardCharsets.UTF_8));
            second.flush().join();

            CompletionException late = assertThrows(CompletionException.class, () -> first.flush().join());
            assertInstanceOf(JournalException.Fenced.class, late.getCause());
            assertThrows(JournalException.Fenced.class, () -> first.append("first again".getBytes()));
            second.append("second 1".getBytes(StandardCharsets.UTF_8));
            second.flush().join();

            List<String> after = JournalReader.open(io, "fence", opts).readAll().stream()
                    .filter(e -> e.pos() >= takeoverPos).map(e -> new String(e.payload(), StandardCharsets.UTF_8))
                    .toList();
            assertEquals(List.of("second 0", "second 1"), after);
        }
        first.close();
    }

    @Test
    @Order(4)
    void trimDeletesTheObjectsBelowExpirePos() {
        List<Long> positions = new ArrayList<>();
        try (JournalWriter w = create("trim")) {
            for (int i = 0; i < 40; i++) {
                positions.add(w.append(bytes(10_000, i))); // about 6 objects of 64 KiB
            }
            w.flush().join();
            assertTrue(objectsOf("trim").contains(new JournalObjects("trim").data(0)));
            long expire = positions.get(30); // in object 4
            w.expire(expire);
            w.trim().join();
            JournalHeader h = Journal.readHeader(io, new JournalObjects("trim"));
            assertEquals(expire, h.expirePos());
            assertEquals(4L * OBJECT_BYTES, h.trimmedPos());
        }
        String ls = cli("rados", "-p", "meta", "ls");
        for (long no = 0; no < 4; no++) {
            assertFalse(ls.contains(new JournalObjects("trim").data(no)), "object " + no + " gone: " + ls);
        }
        assertTrue(ls.contains(new JournalObjects("trim").data(4)));
        List<JournalReader.Entry> left = JournalReader.open(io, "trim", opts).readAll();
        assertEquals(10, left.size());
        assertArrayEquals(bytes(10_000, 30), left.get(0).payload());
    }

    @Test
    @Order(5)
    void rewriteKeepsTheEntriesAndResetDropsThem() {
        try (JournalWriter w = create("rw")) {
            for (int i = 0; i < 12; i++) {
                w.append(bytes(20_000, i));
            }
        }
        assertTrue(cli("journal", "-p", "meta", "--name", "rw", "rewrite").contains("rw@1"));
        List<JournalReader.Entry> got = JournalReader.open(io, "rw", opts).readAll();
        assertEquals(12, got.size());
        assertArrayEquals(bytes(20_000, 11), got.get(11).payload());
        assertTrue(objectsOf("rw").stream().noneMatch(n -> n.matches("rw\\.[0-9a-f]{16}|rw\\.header")),
                "the old journal's objects are gone: " + objectsOf("rw"));
        try (JournalWriter w = JournalWriter.open(io, "rw", opts, JournalMetrics.unregistered("rw"))) {
            assertEquals("rw@1", w.journalName());
            w.append("more".getBytes(StandardCharsets.UTF_8));
        }
        assertEquals(13, JournalReader.open(io, "rw", opts).readAll().size());
        cli("journal", "-p", "meta", "--name", "rw", "reset");
        assertEquals(0, JournalReader.open(io, "rw", opts).readAll().size());
        String json = cli("--format", "json", "journal", "-p", "meta", "--name", "rw", "dump");
        assertTrue(json.contains("\"entries\":[]"), json);
    }

    @Test
    @Order(6)
    void tailingReaderFollowsALiveWriter() throws Exception {
        try (JournalWriter w = create("tail")) {
            JournalReader tail = JournalReader.open(io, "tail", opts);
            List<JournalReader.Entry> seen = new ArrayList<>(tail.poll());
            assertTrue(seen.isEmpty());
            for (int round = 0; round < 5; round++) {
                for (int i = 0; i < 7; i++) {
                    w.append(bytes(3000, round * 7 + i));
                }
                w.flush().join();
                seen.addAll(tail.poll());
                assertEquals((round + 1) * 7, seen.size());
            }
            for (int i = 0; i < seen.size(); i++) {
                assertArrayEquals(bytes(3000, i), seen.get(i).payload());
            }
        }
    }

    @Test
    @Order(7)
    void killedWriterNeverLosesAFlushedEntry() throws Exception {
        String name = "killed";
        Journal.create(io, new JournalObjects(name), SMALL);
        SplittableRandom r = new SplittableRandom(SEED);
        Map<Integer, Integer> flushed = new ConcurrentHashMap<>();
        for (int run = 0; run < KILLS; run++) {
            Process p = startWriter(name, run);
            int thisRun = run;
            Thread out = Thread.ofPlatform().daemon().start(() -> readFlushed(p, thisRun, flushed));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!flushed.containsKey(-1 - run) && System.nanoTime() < deadline && p.isAlive()) {
                Thread.sleep(20);
            }
            assertTrue(flushed.containsKey(-1 - run), "writer " + run + " took the journal");
            Thread.sleep(100 + r.nextInt(1500));
            p.destroyForcibly(); // SIGKILL
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            out.join(5000);
            check(name, run, flushed);
        }
    }

    private Process startWriter(String name, int run) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Processes.javaMain(JournalWriterProcess.class,
                cluster.conf().toString(), "meta", name, Integer.toString(run)));
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        return pb.start();
    }

    /** Reads a writer's stdout: READY marks the takeover (key -1-run), FLUSHED the latest durable seq of the run. */
    private static void readFlushed(Process p, int run, Map<Integer, Integer> flushed) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String[] f = line.split(" ");
                if (f[0].equals("READY")) {
                    flushed.put(-1 - run, 0);
                } else if (f[0].equals("FLUSHED") && Integer.parseInt(f[1]) == run) {
                    flushed.merge(run, Integer.parseInt(f[2]), Math::max);
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // the process was killed mid-line
        }
    }

    /**
     * After run {@code lastRun} was killed: a new writer's recovery finds, run by run, a prefix of
     * what each run appended, holding every entry that run saw flushed, byte for byte, and nothing
     * else.
     */
    private void check(String name, int lastRun, Map<Integer, Integer> flushed) {
        try (JournalWriter w = JournalWriter.open(io, name, opts, JournalMetrics.unregistered(name))) {
            List<JournalReader.Entry> entries = JournalReader.open(io, name, opts).readAll();
            assertEquals(entries.isEmpty() ? 0 : last(entries).pos() + 24 + last(entries).payload().length,
                    w.appendPos(), "the writer continues right after the last entry");
            Map<Integer, Integer> count = new HashMap<>();
            int prevRun = -1;
            for (JournalReader.Entry e : entries) {
                ByteBuffer b = ByteBuffer.wrap(e.payload());
                int run = b.getInt();
                int seq = b.getInt();
                assertTrue(run >= prevRun && run <= lastRun, "runs in order: " + run + " after " + prevRun);
                prevRun = run;
                int expectSeq = count.getOrDefault(run, 0);
                assertEquals(expectSeq, seq, "run " + run + " entries in order without gaps");
                assertArrayEquals(JournalWriterProcess.payload(run, seq), e.payload(), "run " + run + " seq " + seq);
                count.put(run, expectSeq + 1);
            }
            for (int run = 0; run <= lastRun; run++) {
                Integer durable = flushed.get(run);
                if (durable != null) {
                    assertTrue(count.getOrDefault(run, 0) > durable, "run " + run + " flushed seq " + durable
                            + " but recovery found " + count.getOrDefault(run, 0) + " entries: " + count);
                }
            }
            System.out.println("JournalIT kill " + lastRun + ": " + entries.size() + " entries, per run "
                    + count.entrySet().stream().map(en -> en.getKey() + ":" + en.getValue() + "/"
                            + flushed.getOrDefault(en.getKey(), -1)).collect(Collectors.joining(" ")));
        }
    }

    private static JournalReader.Entry last(List<JournalReader.Entry> l) {
        return l.get(l.size() - 1);
    }
}
