package io.github.camelmqttbridge.component.consumer;

import java.util.Locale;

/**
 * In which order the messages of one ordering key (see {@link OrderingKey}) enter the route, and how many of them
 * may be in it at once.
 */
public enum Ordering {
    /**
     * Messages of one key enter the route in arrival order, one after the other; the next one starts as soon as the
     * previous one's route call has returned, i.e. once it was handed to an asynchronous step (a Kafka producer with
     * {@code synchronous=false}) or completed. Up to the pipeline depth of them are in the route at once. A sink that
     * keeps the order of what it was handed (Kafka's idempotent producer, per partition) keeps arrival order.
     */
    PIPELINED,
    /** Messages of one key enter the route one at a time: the next starts when the previous exchange completed. */
    STRICT,
    /** No order: every message starts at once (up to the receive window and the pool's threads). */
    NONE;

    /** Parses an option value (case-insensitive): pipelined, strict or none. */
    public static Ordering of(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "pipelined" -> PIPELINED;
            case "strict" -> STRICT;
            case "none" -> NONE;
            default -> throw new IllegalArgumentException("Unknown ordering '" + value + "': use pipelined, strict or none");
        };
    }

    /**
     * The most messages of one key in the route at once: 1 for strict, the configured depth for pipelined (0 or
     * less: no limit of its own, the receive window bounds it).
     */
    int depth(int pipelineDepth) {
        return switch (this) {
            case STRICT -> 1;
            case PIPELINED -> pipelineDepth > 0 ? pipelineDepth : Integer.MAX_VALUE;
            case NONE -> Integer.MAX_VALUE;
        };
    }
}
