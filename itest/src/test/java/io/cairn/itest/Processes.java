package io.cairn.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Running commands from a test as a user would type them, and waiting for what they report. */
final class Processes {
    private static final Pattern PG_STAT = Pattern.compile("(\\d+) pgs: (\\d+) active\\+clean;");
    private static final long POLL_MS = 500;

    private Processes() {}

    /** Runs the command to its end within {@code timeoutSec}; its output (stderr too); fails the test unless it exits 0. */
    static String run(ProcessBuilder pb, int timeoutSec) {
        try {
            Process p = pb.redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            assertTrue(p.waitFor(timeoutSec, TimeUnit.SECONDS), String.join(" ", pb.command()) + " finished");
            String text = new String(out, StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), String.join(" ", pb.command()) + ": " + text);
            return text;
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(String.join(" ", pb.command()), e);
        }
    }

    /** Stops daemons newest first (OSDs before the monitors they tell): SIGTERM, SIGKILL after 30 s. */
    static void stopAll(java.util.List<Process> daemons) throws InterruptedException {
        for (Process p : daemons.reversed()) {
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** True when the command exits non-zero (within a minute). */
    static boolean fails(ProcessBuilder pb) throws IOException, InterruptedException {
        Process p = pb.redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", pb.command()) + " finished");
        return p.exitValue() != 0;
    }

    /** Polls {@code done} (a failed assertion inside counts as not yet) until it holds or {@code seconds} pass. */
    static void await(BooleanSupplier done, int seconds, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        AssertionError last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (done.getAsBoolean()) {
                    return;
                }
            } catch (AssertionError notYet) {
                last = notYet;
            }
            Thread.sleep(POLL_MS);
        }
        throw new AssertionError("timed out waiting for " + what, last);
    }

    /** Whether {@code cairn pg stat}'s line says every PG is active+clean. */
    static boolean allActiveClean(String pgStat) {
        Matcher m = PG_STAT.matcher(pgStat);
        return m.find() && m.group(1).equals(m.group(2));
    }
}
