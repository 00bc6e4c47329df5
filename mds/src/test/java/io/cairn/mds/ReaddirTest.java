package io.cairn.mds;

import static io.cairn.mds.CoreHarness.ROOT;
import static io.cairn.mds.CoreHarness.create;
import static io.cairn.mds.CoreHarness.mkdir;
import static io.cairn.mds.CoreHarness.readdir;
import static io.cairn.mds.CoreHarness.unlink;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.proto.v1.DirEntry;
import io.cairn.proto.v1.InodeData;
import io.cairn.proto.v1.MdsReply;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReaddirTest {
    private final CoreHarness h = new CoreHarness();

    @Test
    void pagesOfTenThousandWithCreatesInBetweenListEachNameOnce() {
        long seed = 20_240_607L;
        Random rnd = new Random(seed);
        h.verifyEachCall = false;
        InodeData d = h.ok(mkdir(ROOT, "big"));
        Set<String> original = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String name = "f" + Integer.toHexString(rnd.nextInt());
            if (original.add(name)) {
                h.ok(create(d.getIno(), name));
            }
        }
        Set<String> seen = new HashSet<>();
        Set<String> created = new HashSet<>();
        String cursor = "";
        int pages = 0;
        for (boolean end = false; !end; pages++) {
            MdsReply r = h.call(readdir(d.getIno(), cursor, 100));
            assertEquals(0, r.getCode());
            for (DirEntry e : r.getEntriesList()) {
                assertTrue(seen.add(e.getName()), "listed twice: " + e.getName() + " (seed " + seed + ")");
            }
            end = r.getEnd();
            if (r.getEntriesCount() > 0) {
                cursor = r.getEntries(r.getEntriesCount() - 1).getName();
            }
            for (int k = 0; k < 3; k++) {
                String name = "f" + Integer.toHexString(rnd.nextInt());
                if (!original.contains(name) && created.add(name)) {
                    h.ok(create(d.getIno(), name));
                }
            }
        }
        assertTrue(seen.containsAll(original), "every name there from the start is listed (seed " + seed + ")");
        assertTrue(pages > 100);
        NamespaceCheck.verify(h.ns());
    }

    @Test
    void aPageEndsAtMaxAndSaysWhetherMoreFollow() {
        for (String n : List.of("a", "b", "c", "d", "e")) {
            h.ok(create(ROOT, n));
        }
        MdsReply p1 = h.call(readdir(ROOT, "", 2));
        assertEquals(List.of("a", "b"), p1.getEntriesList().stream().map(DirEntry::getName).toList());
        assertFalse(p1.getEnd());
        MdsReply p2 = h.call(readdir(ROOT, "b", 3));
        assertEquals(List.of("c", "d", "e"), p2.getEntriesList().stream().map(DirEntry::getName).toList());
        assertTrue(p2.getEnd(), "nothing follows e");
        h.ok(unlink(ROOT, "c"));
        MdsReply p3 = h.call(readdir(ROOT, "c", 10));
        assertEquals(List.of("d", "e"), p3.getEntriesList().stream().map(DirEntry::getName).toList(),
                "a cursor naming a removed entry still works");
        assertEquals(0, h.call(readdir(ROOT, "zzz", 10)).getEntriesCount());
    }

    @Test
    void namesSortByCodePointLikeTheirBytes() {
        String bmpHigh = "\uFF21";
        String astral = new String(Character.toChars(0x1F600));
        h.ok(create(ROOT, astral));
        h.ok(create(ROOT, bmpHigh));
        h.ok(create(ROOT, "z"));
        List<String> order = h.call(readdir(ROOT, "", 0)).getEntriesList().stream().map(DirEntry::getName).toList();
        assertEquals(List.of("z", bmpHigh, astral), order);
    }
}
