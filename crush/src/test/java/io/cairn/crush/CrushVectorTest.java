package io.cairn.crush;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every case crushtool produced, mapping by mapping, element by element. */
class CrushVectorTest {
    private final Map<String, CrushMap> maps = new HashMap<>();

    @Test
    void allCasesArePresent() {
        assertEquals(105, CrushVectors.cases().size(), "cases in cases.tsv");
    }

    @TestFactory
    Stream<DynamicTest> everyCaseMatchesCrushtool() {
        return CrushVectors.cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
    }

    private void check(CrushVectors.Case c) {
        CrushMap map = maps.computeIfAbsent(c.map(), m -> CrushTextParser.parse(CrushVectors.mapText(m)));
        int[] weights = CrushVectors.weights(map, c.weights());
        List<String> lines = CrushVectors.mappingLines(c.name());
        assertEquals(c.lines(), lines.size(), "mapping lines");
        int[] result = new int[c.numRep()];
        List<String> mismatches = new ArrayList<>();
        int x = c.minX();
        for (String line : lines) {
            String[] f = line.split("\t", -1);
            assertEquals(x, Integer.parseInt(f[0]), "x sequence");
            int input = c.poolId() == null ? x : CrushMap.poolInput(x, c.poolId());
            int n = map.map(c.rule(), input, c.numRep(), weights, result);
            String got = join(result, n);
            if (!got.equals(f[1]) && mismatches.size() < 10) {
                mismatches.add("x=" + x + " expected [" + f[1] + "] got [" + got + "]");
            }
            x++;
        }
        if (!mismatches.isEmpty()) {
            fail(c.name() + ": " + String.join("; ", mismatches));
        }
    }

    private static String join(int[] a, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(a[i]);
        }
        return sb.toString();
    }
}
