package io.cairn.itest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.client.IoCtx;
import io.cairn.client.Rados;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A backfill target past its backfillfull ratio refuses its osd_max_backfills slot: the PG shows
 * backfill_toofull and keeps serving from its full copies under a pg_temp.
 */
class OsdBackfillIT {
    private static final String CONF = """

            [global]
            rados_osd_op_timeout = 60
            osd_mon_report_interval = 1
            # every OSD holding a few MiB is "too full" to be a backfill target
            mon_osd_backfillfull_ratio = 0.02
            """;

    @Test
    void aTargetPastItsBackfillfullRatioRefusesAndThePgKeepsServing() throws Exception {
        try (TestCluster cluster = TestCluster.start(1, 3, 256L << 20, CONF)) {
            try (Rados rados = Rados.builder().conf(cluster.conf()).connect()) {
                TestCluster.ok(rados.monCommand("osd pool create", Map.of("pool", "full", "pg_num", "1", "size", "3",
                        "min_size", "2")));
                assertTrue(cluster.local.awaitPgsActive("full", Duration.ofSeconds(60)));
                IoCtx io = rados.ioCtx("full");
                byte[] big = new byte[1 << 20];
                for (int i = 0; i < 12; i++) {
                    io.writeFull("big-" + i, big);
                }
                cluster.local.stop("osd.2", false);
                // more writes than the PG log keeps: osd.2 will need a backfill
                for (int round = 0; round < 65; round++) {
                    List<CompletableFuture<Long>> writes = new ArrayList<>();
                    for (int i = 0; i < 50; i++) {
                        writes.add(io.writeFullAsync("small-" + i, ("r" + round).getBytes(StandardCharsets.UTF_8)));
                    }
                    CompletableFuture.allOf(writes.toArray(new CompletableFuture<?>[0])).get(120, TimeUnit.SECONDS);
                }
                cluster.local.start("osd.2");
                String stat = "";
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                while (!stat.contains("backfill_toofull") && System.nanoTime() < deadline) {
                    Thread.sleep(500);
                    stat = rados.monCommand("pg stat", Map.of()).getOutputPlain();
                }
                assertTrue(stat.contains("remapped+backfill_toofull"), stat);
                byte[] during = "served while osd.2 is too full to backfill".getBytes(StandardCharsets.UTF_8);
                io.writeFull("small-0", during);
                assertArrayEquals(during, io.read("small-0", 0, 0));
                assertArrayEquals(big, io.read("big-3", 0, 0));
            }
        }
    }
}
