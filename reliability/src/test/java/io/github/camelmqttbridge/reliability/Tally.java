package io.github.camelmqttbridge.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/** Counts a received sequence against 0..sent-1: lost numbers, duplicates, unexpected numbers. */
final class Tally {

    final int sent;
    final long received;
    final int distinct;
    final List<Integer> lostSample = new ArrayList<>();
    final int lost;
    final long duplicates;
    final long outOfRange;

    Tally(int sent, Collection<Integer> numbers) {
        this.sent = sent;
        BitSet seen = new BitSet(sent);
        long dup = 0;
        long odd = 0;
        for (int n : numbers) {
            if (n < 0 || n >= sent) {
                odd++;
            } else if (seen.get(n)) {
                dup++;
            } else {
                seen.set(n);
            }
        }
        this.received = numbers.size();
        this.distinct = seen.cardinality();
        this.duplicates = dup;
        this.outOfRange = odd;
        this.lost = sent - distinct;
        for (int i = seen.nextClearBit(0); i < sent && lostSample.size() < 20; i = seen.nextClearBit(i + 1)) {
            lostSample.add(i);
        }
    }

    /** The one-line summary: scenario, QoS, sent, received, lost, duplicates, time to recover, extra facts. */
    String summary(String scenario, int qos, Duration recovery, String extra) {
        return String.format(Locale.ROOT,
                "RELIABILITY %-22s qos=%d sent=%d received=%d lost=%d duplicates=%d recovery=%s%s",
                scenario, qos, sent, received, lost, duplicates,
                recovery == null ? "n/a" : String.format(Locale.ROOT, "%.1fs", recovery.toMillis() / 1000.0),
                extra == null || extra.isBlank() ? "" : " " + extra);
    }

    @Override
    public String toString() {
        return "sent " + sent + ", received " + received + ", distinct " + distinct + ", lost " + lost
                + (lost > 0 ? " (first: " + lostSample + ")" : "") + ", duplicates " + duplicates
                + (outOfRange > 0 ? ", out of range " + outOfRange : "");
    }
}
