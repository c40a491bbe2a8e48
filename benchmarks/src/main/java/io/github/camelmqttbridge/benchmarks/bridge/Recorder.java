package io.github.camelmqttbridge.benchmarks.bridge;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.BitSet;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The last step of the bridge route, after the Kafka producer: with {@code synchronous=false} Camel continues
 * the route in the producer's send callback, so this runs when Kafka acknowledged the record ({@code acks=all}).
 * Reads the sequence number (bytes 0-7) and the publisher's {@code System.nanoTime()} (bytes 8-15) from the
 * payload: latency = now - publish time, the same JVM's clock. Counts distinct and duplicate sequence numbers.
 */
public final class Recorder implements Processor {

    private final int expected;
    private final BitSet seen;
    private final long[] latencyNanos;
    private final AtomicLong distinct = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong lastAck = new AtomicLong();

    public Recorder(int expected) {
        this.expected = expected;
        this.seen = new BitSet(expected);
        this.latencyNanos = new long[expected];
    }

    @Override
    public void process(Exchange exchange) {
        long now = System.nanoTime();
        byte[] body = exchange.getIn().getBody(byte[].class);
        ByteBuffer b = ByteBuffer.wrap(body);
        int seq = (int) b.getLong(0);
        long published = b.getLong(8);
        boolean fresh;
        synchronized (seen) {
            fresh = seq >= 0 && seq < expected && !seen.get(seq);
            if (fresh) {
                seen.set(seq);
                latencyNanos[seq] = now - published;
            }
        }
        if (fresh) {
            distinct.incrementAndGet();
        } else {
            duplicates.incrementAndGet();
        }
        lastAck.accumulateAndGet(now, Math::max);
    }

    public long distinct() {
        return distinct.get();
    }

    public long duplicates() {
        return duplicates.get();
    }

    public long lastAckNanos() {
        return lastAck.get();
    }

    /** Latencies of the messages seen, in ms, sorted. */
    public double[] sortedLatenciesMillis() {
        long[] copy;
        synchronized (seen) {
            copy = new long[(int) distinct.get()];
            int j = 0;
            for (int i = seen.nextSetBit(0); i >= 0 && j < copy.length; i = seen.nextSetBit(i + 1)) {
                copy[j++] = latencyNanos[i];
            }
        }
        Arrays.sort(copy);
        double[] ms = new double[copy.length];
        for (int i = 0; i < copy.length; i++) {
            ms[i] = copy[i] / 1e6;
        }
        return ms;
    }

    /** The p-th percentile (0..100) of sorted values, nearest rank. */
    public static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
