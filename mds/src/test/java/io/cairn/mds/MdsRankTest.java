package io.cairn.mds;

import static io.cairn.mds.CoreHarness.ROOT;
import static io.cairn.mds.CoreHarness.create;
import static io.cairn.mds.CoreHarness.getattr;
import static io.cairn.mds.CoreHarness.lookup;
import static io.cairn.mds.CoreHarness.mkdir;
import static io.cairn.mds.CoreHarness.rename;
import static io.cairn.mds.CoreHarness.unlink;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.client.ClusterStats;
import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.journaler.JournalException;
import io.cairn.proto.v1.InodeData;
import io.cairn.proto.v1.MdsHealthMetric;
import io.cairn.proto.v1.MdsReply;
import io.cairn.proto.v1.MdsRequest;
import io.cairn.proto.v1.SetattrOp;
import io.cairn.proto.v1.StatfsOp;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class MdsRankTest {
    @Test
    void anEmptyPoolGetsAFileSystem() {
        try (RankHarness h = new RankHarness()) {
            MemoryPool meta = h.backend.metadata();
            assertTrue(meta.exists(MdsObjects.rootInode()));
            assertTrue(meta.exists(MdsObjects.dir(ROOT)));
            assertTrue(meta.exists(MdsObjects.inoTable(0)));
            InodeData root = h.ok(getattr(ROOT));
            assertTrue(Inodes.isDir(root));
            assertEquals(0, root.getEntries());
            assertEquals("1.00000000", MdsObjects.dir(ROOT));
            assertEquals("1.00000000.inode", MdsObjects.rootInode());
        }
    }

    @Test
    void aReplyWaitsForTheJournalFlushAndSoDoesAReadThatSawTheChange() {
        try (RankHarness h = new RankHarness()) {
            h.journal().holdFlushes(true);
            CompletableFuture<MdsReply> made = h.send(mkdir(ROOT, "a"));
            CompletableFuture<MdsReply> seen = h.send(lookup(ROOT, "a"));
            RankHarness.get(h.rank.inspect(c -> null)); // both have been worked out
            assertFalse(made.isDone(), "not safe before the flush");
            assertFalse(seen.isDone(), "a read of an unflushed change waits too");
            h.journal().releaseFlushes();
            MdsReply m = RankHarness.get(made);
            assertTrue(m.getSafe());
            assertEquals(0, m.getCode());
            assertEquals(m.getInode().getIno(), RankHarness.get(seen).getInode().getIno());
        }
    }

    @Test
    void aChangeIsAnsweredEarlyBeforeTheFlushAndAnErrorOrAReadOnlySafe() {
        try (RankHarness h = new RankHarness()) {
            h.journal().holdFlushes(true);
            CompletableFuture<MdsReply> early = new CompletableFuture<>();
            CompletableFuture<MdsReply> safe = h.rank.handle(mkdir(ROOT, "a").setClientId(5).setTid(1).build(),
                    early::complete);
            MdsReply e = RankHarness.get(early);
            assertFalse(e.getSafe());
            assertEquals(0, e.getCode());
            assertFalse(safe.isDone(), "the safe reply waits for the flush");
            List<MdsReply> notEarly = new java.util.concurrent.CopyOnWriteArrayList<>();
            CompletableFuture<MdsReply> taken = h.rank.handle(mkdir(ROOT, "a").setClientId(5).setTid(2).build(),
                    notEarly::add);
            CompletableFuture<MdsReply> read = h.rank.handle(lookup(ROOT, "a").setClientId(5).setTid(3).build(),
                    notEarly::add);
            RankHarness.get(h.rank.inspect(c -> null));
            h.journal().releaseFlushes();
            assertTrue(RankHarness.get(safe).getSafe());
            assertEquals(e.getInode().getIno(), RankHarness.get(safe).getInode().getIno());
            assertEquals(ErrorCode.EEXIST.code(), RankHarness.get(taken).getCode());
            assertEquals(e.getInode().getIno(), RankHarness.get(read).getInode().getIno());
            assertEquals(List.of(), notEarly, "errors and reads are answered once, safe");
        }
    }

    @Test
    void restartReplaysTheJournalIntoTheSameNamespace() {
        try (RankHarness h = new RankHarness()) {
            InodeData d = h.ok(mkdir(ROOT, "d"));
            InodeData f = h.ok(create(d.getIno(), "f"));
            h.ok(CoreHarness.link(f.getIno(), ROOT, "hard"));
            h.ok(CoreHarness.symlink(ROOT, "sym", "d/f"));
            h.ok(rename(d.getIno(), "f", ROOT, "f2"));
            Map<String, String> before = h.dump();
            h.restart();
            assertEquals(before, h.dump());
            assertEquals(f.getIno(), h.ok(lookup(ROOT, "hard")).getIno());
            InodeData next = h.ok(create(ROOT, "new"));
            assertTrue(next.getIno() > f.getIno(), "inode numbers go on after replay");
        }
    }

    @Test
    void aTakeoverKeepsEveryAcknowledgedChangeAndLosesWhatWasNeverAcknowledged() {
        try (RankHarness h = new RankHarness()) {
            h.ok(mkdir(ROOT, "acked"));
            h.journal().holdFlushes(true);
            CompletableFuture<MdsReply> pending = h.send(mkdir(ROOT, "never-acked"));
            RankHarness.get(h.rank.inspect(c -> null));
            h.takeover();
            assertEquals(ErrorCode.EAGAIN.code(), RankHarness.get(pending).getCode(),
                    "the fenced rank tells its client to look for the new holder");
            h.journal().holdFlushes(false);
            h.ok(lookup(ROOT, "acked"));
            assertEquals(ErrorCode.ENOENT.code(), h.call(lookup(ROOT, "never-acked")).getCode());
        }
    }

    @Test
    void aFencedRankStopsServing() {
        try (RankHarness h = new RankHarness()) {
            h.ok(mkdir(ROOT, "a"));
            MdsRank newer = h.open();
            try {
                MdsReply r = h.call(mkdir(ROOT, "b"));
                assertEquals(ErrorCode.EAGAIN.code(), r.getCode());
                assertTrue(RankHarness.get(h.rank.failure()) instanceof JournalException.Fenced);
                assertEquals(ErrorCode.EAGAIN.code(), h.call(lookup(ROOT, "a")).getCode());
            } finally {
                h.rank.close();
                h.rank = newer;
            }
            assertEquals(ErrorCode.ENOENT.code(), h.call(lookup(ROOT, "b")).getCode());
            h.ok(lookup(ROOT, "a"));
        }
    }

    @Test
    void aResentRequestIsAnsweredOnceAcrossRestartsAndTrims() {
        try (RankHarness h = new RankHarness()) {
            MdsRequest.Builder req = create(ROOT, "f").setTid(500);
            MdsReply first = h.call(req.clone());
            assertEquals(0, first.getCode());
            int entries = h.journal().storedEntries();
            MdsReply again = h.call(req.clone());
            assertEquals(first, again, "the same answer, not EEXIST");
            assertEquals(entries, h.journal().storedEntries(), "and nothing journaled");
            h.takeover();
            assertEquals(first, h.call(req.clone()), "after a failover too");
            h.flushJournal();
            assertEquals(0, h.journal().storedEntries(), "everything written back and trimmed");
            h.restart();
            assertEquals(first, h.call(req.clone()), "from the session map once the journal is trimmed");
            // the client says it has every answer below 600: the old one is forgotten
            h.ok(mkdir(ROOT, "x").setTid(600).setOldestClientTid(600));
            assertEquals(ErrorCode.EEXIST.code(), h.call(req.clone()).getCode());
        }
    }

    @Test
    void segmentsBeyondTheMaximumAreWrittenBackAndTrimmed() {
        try (RankHarness h = new RankHarness(MdsOptions.defaults().withSegments(4, 2))) {
            InodeData d = h.ok(mkdir(ROOT, "d"));
            for (int i = 0; i < 40; i++) {
                h.ok(create(d.getIno(), "f" + i));
            }
            assertEquals(41, h.journal().storedEntries());
            h.tick();
            assertTrue(h.journal().storedEntries() <= 3 * 4, "left: " + h.journal().storedEntries());
            assertTrue(h.rank.status().segments() <= 3);
            assertTrue(h.backend.metadata().omap(MdsObjects.dir(d.getIno())).size() >= 30);
            Map<String, String> before = h.dump();
            h.takeover();
            assertEquals(before, h.dump());
        }
    }

    @Test
    void writebackSendsOnlyTheChangedKeys() {
        try (RankHarness h = new RankHarness()) {
            InodeData d = h.ok(mkdir(ROOT, "d"));
            for (int i = 0; i < 100; i++) {
                h.ok(create(d.getIno(), "f" + i));
            }
            h.flushJournal();
            assertEquals(100, h.backend.metadata().omap(MdsObjects.dir(d.getIno())).size());
            h.backend.metadata().clearWrites();
            h.ok(create(d.getIno(), "new"));
            h.ok(unlink(d.getIno(), "f7"));
            h.flushJournal();
            List<MemoryPool.Write> dirWrites = h.backend.metadata().writes().stream()
                    .filter(w -> w.oid().equals(MdsObjects.dir(d.getIno()))).toList();
            assertEquals(1, dirWrites.size());
            assertEquals(java.util.Set.of("new"), dirWrites.get(0).omapSet());
            assertEquals(java.util.Set.of("f7"), dirWrites.get(0).omapRemoved());
            List<MemoryPool.Write> rootWrites = h.backend.metadata().writes().stream()
                    .filter(w -> w.oid().equals(MdsObjects.dir(ROOT))).toList();
            assertEquals(List.of(java.util.Set.of("d")), rootWrites.stream().map(MemoryPool.Write::omapSet).toList(),
                    "the parent's dentry of d (its entry count) and nothing else");
        }
    }

    @Test
    void replayAfterWritebackAndTrimRebuildsTheSameNamespace() {
        for (long seed = 1; seed <= 3; seed++) {
            try (RankHarness h = new RankHarness(MdsOptions.defaults().withSegments(8, 2))) {
                Random rnd = new Random(seed);
                for (int round = 0; round < 10; round++) {
                    ReplayTest.RandomWorkload.run(h::call, h::dirs, rnd, 100, () -> h.clock.wallMs());
                    h.tick();
                    if (round % 3 == 2) {
                        Map<String, String> before = h.dump();
                        h.takeover();
                        assertEquals(before, h.dump(), "seed " + seed + " round " + round);
                    }
                }
                Map<String, String> before = h.dump();
                h.flushJournal();
                h.takeover();
                assertEquals(before, h.dump(), "seed " + seed + " after a full flush");
            }
        }
    }

    @Test
    void aWritebackThatFailsIsRetriedAndTheJournalKeptUntilThen() {
        try (RankHarness h = new RankHarness(MdsOptions.defaults().withSegments(2, 1))) {
            InodeData d = h.ok(mkdir(ROOT, "d"));
            h.backend.metadata().failWrites(oid -> oid.equals(MdsObjects.dir(d.getIno())));
            for (int i = 0; i < 10; i++) {
                h.ok(create(d.getIno(), "f" + i));
            }
            h.tick();
            assertEquals(11, h.journal().storedEntries(), "nothing trimmed while a directory is not written");
            h.backend.metadata().failWrites(oid -> false);
            h.tick();
            assertTrue(h.journal().storedEntries() < 11);
            assertEquals(10, h.backend.metadata().omap(MdsObjects.dir(d.getIno())).size());
            Map<String, String> before = h.dump();
            h.takeover();
            assertEquals(before, h.dump());
        }
    }

    @Test
    void theDataOfAnUnlinkedFileIsPurgedEvenAcrossARestart() {
        try (RankHarness h = new RankHarness()) {
            InodeData f = h.ok(create(ROOT, "f"));
            h.ok(CoreHarness.setattr(SetattrOp.newBuilder().setIno(f.getIno()).setMask(Mutations.MASK_SIZE)
                    .setFromWriter(true).setSize((8L << 20) + 1)));
            MemoryPool data = h.backend.data();
            for (int i = 0; i < 4; i++) { // the fourth is past the reported size: a writer's tail
                data.put(MdsObjects.dataObject(f.getIno(), i), new byte[] {1});
            }
            InodeData keep = h.ok(create(ROOT, "keep"));
            data.put(MdsObjects.dataObject(keep.getIno(), 0), new byte[] {2});
            h.ok(unlink(ROOT, "f"));
            h.flushJournal();
            assertTrue(h.backend.metadata().omap(MdsObjects.purgeQueue(0)).containsKey(MdsObjects.inoKey(f.getIno())));
            h.restart();
            h.tick();
            for (int i = 0; i < 4; i++) {
                assertFalse(data.exists(MdsObjects.dataObject(f.getIno(), i)), "object " + i);
            }
            assertTrue(data.exists(MdsObjects.dataObject(keep.getIno(), 0)));
            h.flushJournal();
            assertTrue(h.backend.metadata().omap(MdsObjects.purgeQueue(0)).isEmpty());
            assertEquals(0, h.rank.status().purgeQueue());
        }
    }

    @Test
    void aFilesBacktraceNamesItsPathAndFollowsARename() {
        try (RankHarness h = new RankHarness()) {
            InodeData a = h.ok(mkdir(ROOT, "a"));
            InodeData b = h.ok(mkdir(a.getIno(), "b"));
            InodeData f = h.ok(create(b.getIno(), "f"));
            h.tickPastBacktraceDelay();
            String first = MdsObjects.dataObject(f.getIno(), 0);
            byte[] bt = h.backend.data().xattr(first, MdsObjects.BACKTRACE_XATTR).orElseThrow();
            assertEquals("/a/b/f", Backtraces.path(Backtraces.decode(bt)));
            assertEquals(f.getIno(), Backtraces.decode(bt).getIno());
            assertEquals(b.getIno(), Backtraces.decode(bt).getAncestors(0).getParentIno());
            h.ok(rename(b.getIno(), "f", ROOT, "g"));
            h.tickPastBacktraceDelay();
            bt = h.backend.data().xattr(first, MdsObjects.BACKTRACE_XATTR).orElseThrow();
            assertEquals("/g", Backtraces.path(Backtraces.decode(bt)));
        }
    }

    @Test
    void aFileUnlinkedWithinTheBacktraceDelayNeverGetsOne() {
        try (RankHarness h = new RankHarness()) {
            InodeData f = h.ok(create(ROOT, "brief"));
            h.tick();
            h.ok(unlink(ROOT, "brief"));
            h.tickPastBacktraceDelay();
            h.tickPastBacktraceDelay();
            assertFalse(h.backend.data().xattr(MdsObjects.dataObject(f.getIno(), 0), MdsObjects.BACKTRACE_XATTR)
                    .isPresent(), "no backtrace write for a file gone before it was due");
        }
    }

    @Test
    void aBacktraceLostToACrashIsWrittenAfterReplay() {
        try (RankHarness h = new RankHarness()) {
            InodeData f = h.ok(create(ROOT, "f"));
            h.takeover();
            h.tickPastBacktraceDelay();
            assertTrue(h.backend.data().xattr(MdsObjects.dataObject(f.getIno(), 0), MdsObjects.BACKTRACE_XATTR)
                    .isPresent());
        }
    }

    @Test
    void healthRaisesTrimWhenWritebackFallsBehind() {
        try (RankHarness h = new RankHarness(MdsOptions.defaults().withSegments(1, 1))) {
            h.backend.metadata().failWrites(oid -> true);
            for (int i = 0; i < 5; i++) {
                h.ok(mkdir(ROOT, "d" + i));
            }
            h.tick();
            List<MdsHealthMetric> health = h.rank.health();
            assertEquals(List.of("MDS_TRIM"), health.stream().map(MdsHealthMetric::getCode).toList());
            assertEquals("Behind on trimming (5/1)", health.get(0).getSummary());
            h.backend.metadata().failWrites(oid -> false);
            h.tick();
            assertTrue(h.rank.health().isEmpty());
        }
    }

    @Test
    void healthRaisesSlowRequestAfterTheComplaintTime() {
        try (RankHarness h = new RankHarness()) {
            h.journal().holdFlushes(true);
            CompletableFuture<MdsReply> stuck = h.send(mkdir(ROOT, "slow"));
            RankHarness.get(h.rank.inspect(c -> null)); // its flush is held now
            h.clock.advanceMs(31_000);
            List<MdsHealthMetric> health = h.rank.health();
            assertEquals("MDS_SLOW_REQUEST", health.get(0).getCode());
            assertEquals("1 slow requests are blocked > 30 secs", health.get(0).getSummary());
            h.journal().releaseFlushes();
            RankHarness.get(stuck);
            assertTrue(h.rank.health().isEmpty());
            assertNotNull(h.registry.find("cairn_mds_requests").tag("op", "mkdir").counter());
            assertEquals(1.0, h.registry.find("cairn_mds_requests").tag("op", "mkdir").counter().count());
        }
    }

    @Test
    void statfsReportsTheClusterAndTheInodes() {
        try (RankHarness h = new RankHarness()) {
            h.backend.setClusterStats(new ClusterStats(10_000, 1_000, 9_000, 3));
            h.restart();
            h.ok(create(ROOT, "f"));
            MdsReply r = h.call(MdsRequest.newBuilder().setStatfs(StatfsOp.getDefaultInstance()));
            assertEquals(10_000, r.getStatfs().getTotalBytes());
            assertEquals(9_000, r.getStatfs().getAvailBytes());
            assertEquals(2, r.getStatfs().getFiles());
        }
    }

    @Test
    void aDamagedJournalEntryStopsTheTakeover() {
        RankHarness h = new RankHarness();
        h.ok(mkdir(ROOT, "a"));
        h.rank.close();
        MdsLog w = h.journal().openWriter();
        w.append(new byte[] {(byte) 0xff, (byte) 0xff, 0x01});
        RankHarness.get(w.flush());
        CairnException e = assertThrows(CairnException.class, h::open);
        assertEquals(ErrorCode.EIO, e.code());
        assertTrue(e.getMessage().contains("MDS_DAMAGE"), e.getMessage());
    }

    @Test
    void aNamespaceThatDoesNotHoldTogetherIsNotServed() {
        RankHarness h = new RankHarness();
        h.ok(create(ROOT, "f"));
        h.flushJournal();
        h.rank.close();
        h.backend.metadata().omapUpdate(MdsObjects.dir(ROOT), Map.of("dangling", Inodes.remote(0x5555).toByteArray()),
                List.of()).join();
        CairnException e = assertThrows(CairnException.class, h::open);
        assertEquals(ErrorCode.EIO, e.code());
        assertTrue(e.getMessage().startsWith("MDS_DAMAGE"), e.getMessage());
    }

    @Test
    void closeRefusesNewRequests() {
        RankHarness h = new RankHarness();
        h.rank.close();
        assertEquals(ErrorCode.EAGAIN.code(), h.call(getattr(ROOT)).getCode());
    }
}
