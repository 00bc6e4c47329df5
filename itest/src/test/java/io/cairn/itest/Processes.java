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
    /**
     * The command line that runs {@code main} of this module's test classes in a JVM of its own
     * (the JDK running the tests, a small heap, C1 only: helpers are short-lived), with {@code args}.
     */
    static java.util.List<String> javaMain(Class<?> main, String... args) {
        String javaBin = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(javaBin, "-Xmx256m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-cp", cp, main.getName()));
        cmd.addAll(java.util.List.of(args));
        return cmd;
    }

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
