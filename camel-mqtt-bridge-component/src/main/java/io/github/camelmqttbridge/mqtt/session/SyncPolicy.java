package io.github.camelmqttbridge.mqtt.session;

import java.util.Locale;

/**
 * When the file session store forces its records from the operating system's page cache to the disk. Every policy
 * survives a crash or {@code kill -9} of the JVM (a record is in the page cache when the store call returns); they
 * differ in what a power loss or kernel crash can take.
 */
public enum SyncPolicy {
    /**
     * Every record is on disk before a packet that depends on it goes out: the engine calls
     * {@link SessionStore#beforeFlush()} before it flushes packets to the network, and the store forces the records
     * written since the last flush with one fsync (group commit). Survives a power loss; costs one fsync per network
     * flush on the event loop.
     */
    ALWAYS,
    /**
     * Records are forced by a background thread about once a second; packets do not wait. A power loss can lose the
     * changes of the last second or so (a message may then be sent twice, or a QoS 2 duplicate delivered again).
     */
    BATCH,
    /** Records stay in the page cache until the operating system writes them (usually within 30 s). The default. */
    NEVER;

    /** Parses {@code always}, {@code batch} or {@code never}, in any case. */
    public static SyncPolicy parse(String value) {
        String v = value == null ? "" : value.trim().toUpperCase(Locale.ROOT);
        for (SyncPolicy p : values()) {
            if (p.name().equals(v)) {
                return p;
            }
        }
        throw new IllegalArgumentException("Unknown session store sync policy '" + value + "': use always, batch or never");
    }
}
