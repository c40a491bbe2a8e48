package io.github.camelmqttbridge.benchmarks;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Prints what is running: scenario, run, messages done and the rate so far, once a second while a run goes
 * on, and a summary line when it ends.
 */
public final class Progress {

    private final PrintStream out;

    public Progress(PrintStream out) {
        this.out = out;
    }

    public void say(String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }

    /** Starts reporting on one run of {@code total} messages; close the returned tracker when the run ends. */
    public Tracker track(String label, long total) {
        return new Tracker(label, total);
    }

    /** Counts one run's messages; a daemon thread prints its state every second until closed. */
    public final class Tracker implements AutoCloseable {
        private final String label;
        private final long total;
        private final long startNanos = System.nanoTime();
        private final AtomicLong done = new AtomicLong();
        private final Thread ticker;
        private volatile boolean closed;

        private Tracker(String label, long total) {
            this.label = label;
            this.total = total;
            this.ticker = new Thread(this::tick, "progress");
            this.ticker.setDaemon(true);
            this.ticker.start();
        }

        public void add(long n) {
            done.addAndGet(n);
        }

        public void set(long n) {
            done.set(n);
        }

        public long done() {
            return done.get();
        }

        private void tick() {
            while (!closed) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
                if (!closed) {
                    say(line("…"));
                }
            }
        }

        private String line(String state) {
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            long n = done.get();
            return String.format(Locale.ROOT, "  %s %s %,d/%,d msgs, %,.0f msg/s so far (%.1f s)", state, label, n, total,
                    seconds > 0 ? n / seconds : 0.0, seconds);
        }

        @Override
        public void close() {
            closed = true;
            ticker.interrupt();
        }

        /** Closes the tracker and prints the run's outcome. */
        public void finish(String outcome) {
            close();
            say(line("✔") + " — " + outcome);
        }
    }
}
