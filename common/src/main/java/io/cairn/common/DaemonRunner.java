package io.cairn.common;

import java.util.concurrent.CountDownLatch;

/** Keeps a daemon's main thread until SIGTERM (or SIGINT), then closes the daemon once. */
public final class DaemonRunner {
    private DaemonRunner() {}

    public static void runUntilStopped(AutoCloseable daemon, String name) {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                daemon.close();
            } catch (Exception e) {
                System.err.println(name + ": error while stopping: " + e);
            } finally {
                stopped.countDown();
            }
        }, name + "-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
