package io.cairn.common.script;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Scripted histories for the pure state machines' tests, in the spirit of etcd-io/raft's
 * datadriven files: commands, a {@code ----} line, the output they must print, a blank line; lines
 * starting with {@code #} are comments. A command is a word and {@code key=value} arguments.
 * {@link #run} feeds every command to the machine's driver and fails on the first case whose
 * output differs, naming the file and line.
 */
public final class ScriptedCases {
    private static final int CASES_PER_FILE_MAX = 500;

    /** One command line: its verb and arguments (bare words map to ""). */
    public record Command(int line, String text, String verb, Map<String, String> args) {
        public String arg(String key) {
            String v = args.get(key);
            if (v == null) {
                throw new IllegalArgumentException("'" + verb + "' needs " + key + "=");
            }
            return v;
        }

        public String arg(String key, String otherwise) {
            return args.getOrDefault(key, otherwise);
        }
    }

    private record Case(List<Command> commands, List<String> expected) { }

    private ScriptedCases() {}

    /** The scripts ({@code *.txt}) of a folder, sorted; refuses an empty folder, so a test cannot pass on none. */
    public static List<Path> scripts(Path dir) {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (files.isEmpty()) {
            throw new IllegalStateException("no scripts in " + dir);
        }
        return files;
    }

    /** Runs every case of {@code file} through {@code execute} (a command's printed lines). */
    public static void run(Path file, Function<Command, List<String>> execute) {
        List<Case> cases;
        try {
            cases = parse(file, Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Case c : cases) {
            List<String> out = new ArrayList<>();
            for (Command cmd : c.commands()) {
                try {
                    out.addAll(execute.apply(cmd));
                } catch (RuntimeException e) {
                    throw new AssertionError(file.getFileName() + ":" + cmd.line() + ": " + cmd.text() + ": " + e, e);
                }
            }
            String want = String.join("\n", c.expected());
            String got = String.join("\n", out);
            if (!want.equals(got)) {
                Command last = c.commands().get(c.commands().size() - 1);
                throw new AssertionError(file.getFileName() + ":" + last.line() + " (after '" + last.text()
                        + "')\nexpected:\n" + want + "\nbut was:\n" + got);
            }
        }
    }

    private static List<Case> parse(Path file, List<String> lines) {
        List<Case> cases = new ArrayList<>();
        List<Command> commands = new ArrayList<>();
        List<String> expected = null;
        for (int i = 0; i < lines.size(); i++) {
            String t = lines.get(i).strip();
            if (expected != null) {
                if (t.isEmpty()) {
                    cases.add(new Case(commands, expected));
                    commands = new ArrayList<>();
                    expected = null;
                } else {
                    expected.add(t);
                }
            } else if (t.equals("----")) {
                if (commands.isEmpty()) {
                    throw new IllegalArgumentException(file + ":" + (i + 1) + ": ---- without commands");
                }
                expected = new ArrayList<>();
            } else if (!t.isEmpty() && !t.startsWith("#")) {
                commands.add(command(i + 1, t));
            }
        }
        if (expected != null) {
            cases.add(new Case(commands, expected));
        } else if (!commands.isEmpty()) {
            throw new IllegalArgumentException(file + ": commands after the last ----");
        }
        if (cases.size() > CASES_PER_FILE_MAX) {
            throw new IllegalArgumentException(file + " has more than " + CASES_PER_FILE_MAX + " cases");
        }
        return cases;
    }

    private static Command command(int line, String text) {
        String[] words = text.split("\\s+");
        Map<String, String> args = new LinkedHashMap<>();
        for (int i = 1; i < words.length; i++) {
            int eq = words[i].indexOf('=');
            args.put(eq < 0 ? words[i] : words[i].substring(0, eq), eq < 0 ? "" : words[i].substring(eq + 1));
        }
        return new Command(line, text, words[0], args);
    }
}
