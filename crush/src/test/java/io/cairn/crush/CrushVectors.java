package io.cairn.crush;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Loads ../shared/crush-vectors: Ceph crushtool's own mappings, the ground truth for CRUSH. */
final class CrushVectors {
    private CrushVectors() {}

    /** One line of cases.tsv. */
    record Case(String name, String map, int rule, int numRep, int minX, int maxX, Integer poolId,
                String weights, int lines) { }

    static Path dir() {
        String prop = System.getProperty("cairn.shared.dir");
        Path shared = prop != null ? Path.of(prop) : Path.of("..", "..", "shared");
        Path dir = shared.resolve("crush-vectors").normalize();
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("CRUSH vectors not found at " + dir.toAbsolutePath()
                    + ": the tests need ../shared/crush-vectors beside the repository");
        }
        return dir;
    }

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        List<String> lines = readLines(dir().resolve("cases.tsv"));
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            cases.add(new Case(f[0], f[1], Integer.parseInt(f[2]), Integer.parseInt(f[3]),
                    Integer.parseInt(f[4]), Integer.parseInt(f[5]),
                    f[6].equals("-") ? null : Integer.valueOf(f[6]), f[7], Integer.parseInt(f[9])));
        }
        return cases;
    }

    static List<String> mapNames() {
        try (var files = Files.list(dir().resolve("maps"))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".txt"))
                    .map(n -> n.substring(0, n.length() - 4)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String mapText(String map) {
        try {
            return Files.readString(dir().resolve("maps").resolve(map + ".txt"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> mappingLines(String caseName) {
        return readLines(dir().resolve("mappings").resolve(caseName + ".tsv"));
    }

    /** The reweight vector for a case, built as crushtool builds it. */
    static int[] weights(CrushMap map, String spec) {
        int[] w = map.defaultWeights();
        if (!spec.equals("-")) {
            for (String pair : spec.split(",")) {
                String[] kv = pair.split(":");
                int dev = Integer.parseInt(kv[0]);
                if (dev >= w.length) {
                    w = java.util.Arrays.copyOf(w, dev + 1);
                }
                w[dev] = Integer.parseInt(kv[1]);
            }
        }
        return w;
    }

    private static List<String> readLines(Path p) {
        try {
            return Files.readAllLines(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
