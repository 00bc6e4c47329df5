package io.cairn.itest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** A running {@link FsWriterProcess} (on this host or a test host) and the lines it printed. */
final class FsWriterRun implements AutoCloseable {
    final Process process;
    final List<String> lines = new CopyOnWriteArrayList<>();
    long clientId;
    String addr;

    private FsWriterRun(Process process) {
        this.process = process;
        Thread t = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("EOF " + e);
            }
        }, "fs-writer-out");
        t.setDaemon(true);
        t.start();
    }

    /** The java command line of an {@link FsWriterProcess} with these arguments. */
    static List<String> command(String... args) {
        return Processes.javaMain(FsWriterProcess.class, args);
    }

    /** Starts a writer of {@code path} on this host; returns once it printed READY. */
    static FsWriterRun start(Path conf, String path) throws Exception {
        return start(cmd -> new ProcessBuilder(cmd), conf, path);
    }

    /** Starts a writer through {@code builder} (a test host's exec); returns once it printed READY. */
    static FsWriterRun start(Function<List<String>, ProcessBuilder> builder, Path conf, String path) throws Exception {
        ProcessBuilder pb = builder.apply(command(conf.toString(), path));
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        FsWriterRun w = new FsWriterRun(pb.start());
        String[] ready = w.awaitLine("READY", 60).split(" ");
        w.clientId = Long.parseLong(ready[1]);
        w.addr = ready[2];
        return w;
    }

    String awaitLine(String prefix, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            for (String l : lines) {
                if (l.startsWith(prefix)) {
                    return l;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the writer did not print " + prefix + " within " + seconds + " s: " + lines);
    }

    /** The last block the writer reported durable. */
    int lastWrote() {
        int n = 0;
        for (String l : lines) {
            if (l.startsWith("WROTE ")) {
                n = Math.max(n, Integer.parseInt(l.substring(6)));
            }
        }
        return n;
    }

    void signal(String sig) {
        Processes.run(new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())), 10);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            // a frozen process is ended too: SIGKILL needs no thaw
            process.destroyForcibly();
        }
    }
}
