package io.cairn.mds;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cairn.proto.v1.MdsReply;
import io.cairn.proto.v1.MdsRequest;
import io.cairn.proto.v1.SetattrOp;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Replaying the events of a random workload on an empty namespace gives the namespace the workload made. */
class ReplayTest {
    @Test
    void replayOfEveryEventRebuildsTheSameNamespace() {
        for (long seed = 1; seed <= 5; seed++) {
            CoreHarness h = new CoreHarness();
            RandomWorkload.run(h::call, () -> RandomWorkload.directories(h.ns()), new Random(seed), 2_000, () -> h.nowMs);
            MdsCore replayed = h.replayed();
            assertEquals(CoreHarness.dump(h.ns()), CoreHarness.dump(replayed.namespace()), "seed " + seed);
            assertEquals(h.core.purges().size(), replayed.purges().size(), "seed " + seed);
        }
    }

    @Test
    void replayingAnEventTwiceChangesNothing() {
        CoreHarness h = new CoreHarness();
        RandomWorkload.run(h::call, () -> RandomWorkload.directories(h.ns()), new Random(99), 500, () -> h.nowMs);
        var before = CoreHarness.dump(h.ns());
        // the events of the last stretch again, as after a writeback that raced ahead of the expire
        for (int i = h.events.size() - 50; i < h.events.size(); i++) {
            h.ns().apply(h.events.get(i).getBlob());
        }
        h.ns().rebuildIndex();
        NamespaceCheck.verify(h.ns());
        assertEquals(before, CoreHarness.dump(h.ns()));
    }

    /** Mutations chosen at random over a small tree, many of them failing on purpose. */
    static final class RandomWorkload {
        private RandomWorkload() {}

        static void run(Function<MdsRequest.Builder, MdsReply> call, Supplier<List<Long>> dirsNow, Random rnd, int ops,
                LongSupplier nowMs) {
            List<Long> dirs = dirsNow.get();
            String[] names = {"a", "b", "c", "d", "e", "f", "g"};
            for (int i = 0; i < ops; i++) {
                long dir = dirs.get(rnd.nextInt(dirs.size()));
                long other = dirs.get(rnd.nextInt(dirs.size()));
                String n = names[rnd.nextInt(names.length)];
                String m = names[rnd.nextInt(names.length)];
                MdsRequest.Builder req = switch (rnd.nextInt(9)) {
                    case 0 -> CoreHarness.mkdir(dir, n);
                    case 1 -> CoreHarness.rmdir(dir, n);
                    case 2, 3 -> CoreHarness.create(dir, n, rnd.nextBoolean());
                    case 4 -> CoreHarness.unlink(dir, n);
                    case 5 -> CoreHarness.rename(dir, n, other, m);
                    case 6 -> {
                        MdsReply r = call.apply(CoreHarness.lookup(dir, n));
                        yield r.getCode() == 0 ? CoreHarness.link(r.getInode().getIno(), other, m)
                                : CoreHarness.symlink(dir, n, "t" + i);
                    }
                    case 7 -> {
                        MdsReply r = call.apply(CoreHarness.lookup(dir, n));
                        yield CoreHarness.setattr(SetattrOp.newBuilder().setIno(r.getInode().getIno())
                                .setMask(Mutations.MASK_SIZE | Mutations.MASK_MTIME).setFromWriter(true)
                                .setSize(rnd.nextInt(1 << 20)).setMtimeMs(nowMs.getAsLong()));
                    }
                    default -> CoreHarness.symlink(dir, n, "target" + i);
                };
                call.apply(req);
                if (req.hasMkdir() || req.hasRmdir() || req.hasRename()) {
                    dirs = dirsNow.get();
                }
            }
        }

        static List<Long> directories(Namespace ns) {
            List<Long> out = new ArrayList<>();
            for (DirFrag d : ns.dirs()) {
                out.add(d.ino);
            }
            out.sort(Long::compare);
            return out;
        }
    }
}
