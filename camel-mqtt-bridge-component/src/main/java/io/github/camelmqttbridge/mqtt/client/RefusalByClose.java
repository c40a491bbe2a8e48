package io.github.camelmqttbridge.mqtt.client;

import java.util.List;

/**
 * Some brokers refuse a SUBSCRIBE by closing the connection instead of answering it (RabbitMQ, for a topic the user
 * may not read). Once is a coincidence; the same SUBSCRIBE unanswered at {@link #GIVE_UP_AFTER} closes in a row is a
 * refusal, and retrying it would close every connection forever. Event loop only.
 */
final class RefusalByClose {

    static final int GIVE_UP_AFTER = 3;

    private List<String> filters = List.of();
    private int times;

    /** The broker closed the connection while the SUBSCRIBE of these filters was unanswered: how often in a row. */
    int closedAfter(List<String> topicFilters) {
        if (topicFilters.equals(filters)) {
            times++;
        } else {
            filters = List.copyOf(topicFilters);
            times = 1;
        }
        return times;
    }

    /** A connection ended some other way, or the subscription was given up. */
    void reset() {
        filters = List.of();
        times = 0;
    }
}
