package io.github.camelmqttbridge.mqtt.session;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Our packet identifiers 1..65535 (PUBLISH, SUBSCRIBE, UNSUBSCRIBE share one space). An id is never handed
 * out again while in use; allocation continues after the last one handed out, so ids wrap around rather than
 * being reused at once. Event-loop confined: not thread-safe.
 */
public final class PacketIdAllocator {
    public static final int MAX_ID = 65535;

    private final BitSet inUse = new BitSet(MAX_ID + 1);
    private int last;
    private int count;
    /** Called once, at the next release, by whoever found every id in use (see {@link #whenReleased}). */
    private List<Runnable> waiting = new ArrayList<>();

    /** @return a free id, or 0 when all 65535 are in use */
    public int allocate() {
        if (count >= MAX_ID) {
            return 0;
        }
        int next = inUse.nextClearBit(last + 1);
        if (next > MAX_ID) {
            next = inUse.nextClearBit(1);
        }
        inUse.set(next);
        last = next;
        count++;
        return next;
    }

    /** Marks an id recovered from the session store as taken. */
    public void claim(int id) {
        check(id);
        if (!inUse.get(id)) {
            inUse.set(id);
            count++;
        }
    }

    public void release(int id) {
        check(id);
        if (inUse.get(id)) {
            inUse.clear(id);
            count--;
            if (!waiting.isEmpty()) {
                List<Runnable> due = waiting;
                waiting = new ArrayList<>();
                due.forEach(Runnable::run);
            }
        }
    }

    /**
     * Runs {@code callback} once, right after the next id is released: how a caller that got 0 from
     * {@link #allocate()} tries again without polling. Registering the same callback twice before a release runs
     * it once.
     */
    public void whenReleased(Runnable callback) {
        if (!waiting.contains(callback)) {
            waiting.add(callback);
        }
    }

    public boolean isInUse(int id) {
        return id >= 1 && id <= MAX_ID && inUse.get(id);
    }

    public int inUseCount() {
        return count;
    }

    private static void check(int id) {
        if (id < 1 || id > MAX_ID) {
            throw new IllegalArgumentException("packet identifier must be 1..65535, was " + id);
        }
    }
}
