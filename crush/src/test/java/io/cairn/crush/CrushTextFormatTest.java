package io.cairn.crush;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every shared map parses, prints back byte for byte, and compiles to crushtool's own --dump. */
class CrushTextFormatTest {

    @TestFactory
    Stream<DynamicTest> printsBackExactlyWhatCrushtoolPrinted() {
        return CrushVectors.mapNames().stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            String text = CrushVectors.mapText(name);
            CrushMap map = CrushTextParser.parse(text);
            String printed = CrushTextWriter.write(map);
            assertEquals(text, printed, "crushtool -d text of " + name);
            assertEquals(printed, CrushTextWriter.write(CrushTextParser.parse(printed)), "second round trip");
            assertEquals(printed, CrushTextWriter.write(map.toBuilder().build()), "builder round trip");
        }));
    }

    @TestFactory
    Stream<DynamicTest> compiledBucketsMatchCrushtoolDump() {
        return CrushVectors.mapNames().stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            CrushMap map = CrushTextParser.parse(CrushVectors.mapText(name));
            @SuppressWarnings("unchecked")
            Map<String, Object> dump = (Map<String, Object>) MiniJson.parse(
                    Files.readString(CrushVectors.dir().resolve("maps").resolve(name + ".json")));
            checkBuckets(map, dump);
            checkTunables(map, dump);
        }));
    }

    @SuppressWarnings("unchecked")
    private static void checkBuckets(CrushMap map, Map<String, Object> dump) {
        List<Object> buckets = (List<Object>) dump.get("buckets");
        assertEquals(buckets.size(), map.buckets().size(), "bucket count incl. shadow buckets");
        for (Object o : buckets) {
            Map<String, Object> jb = (Map<String, Object>) o;
            int id = ((Long) jb.get("id")).intValue();
            Bucket b = map.bucket(id);
            assertNotNull(b, "bucket " + id);
            assertEquals(jb.get("name"), map.name(id), "name of " + id);
            assertEquals(((Long) jb.get("type_id")).intValue(), b.typeId(), "type of " + id);
            assertEquals(jb.get("alg"), b.algorithm().textName(), "alg of " + id);
            assertEquals(((Long) jb.get("weight")).intValue(), b.weight(), "weight of " + jb.get("name"));
            List<Object> items = (List<Object>) jb.get("items");
            assertEquals(items.size(), b.size(), "size of " + jb.get("name"));
            for (Object io : items) {
                Map<String, Object> ji = (Map<String, Object>) io;
                int p = ((Long) ji.get("pos")).intValue();
                assertEquals(((Long) ji.get("id")).intValue(), b.item(p), jb.get("name") + " item " + p);
                assertEquals(((Long) ji.get("weight")).intValue(), b.itemWeight(p), jb.get("name") + " weight " + p);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void checkTunables(CrushMap map, Map<String, Object> dump) {
        Map<String, Object> t = (Map<String, Object>) dump.get("tunables");
        for (String name : Tunables.NAMES) {
            assertEquals(((Long) t.get(name)).intValue(), map.tunables().get(name), name);
        }
        assertEquals(t.get("profile"), map.tunables().profileName(), "profile");
    }
}
