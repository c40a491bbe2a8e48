package io.github.camelmqttbridge.component.metrics;

import io.github.camelmqttbridge.component.MqttBridgeConsumer;
import io.github.camelmqttbridge.component.MqttBridgeProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the consumer and producer get their meters. Micrometer is an optional dependency: this class checks that it
 * is on the class path before {@link MicrometerMeters} (the only class that touches it) is loaded; without it, or
 * without a meter registry in Camel's registry, every call answers {@link ClientMeters#NONE}.
 */
public final class MqttBridgeMetrics {

    private static final Logger LOG = LoggerFactory.getLogger(MqttBridgeMetrics.class);

    /** The name camel-micrometer binds its registry under ({@code MicrometerConstants.METRICS_REGISTRY_NAME}). */
    public static final String METRICS_REGISTRY_NAME = "metricsRegistry";

    private static final boolean MICROMETER = present("io.micrometer.core.instrument.MeterRegistry");

    private MqttBridgeMetrics() {
    }

    /** Micrometer is on the class path. */
    public static boolean micrometerPresent() {
        return MICROMETER;
    }

    /** Meters of a consumer whose client {@code clientId} is about to connect. */
    public static ClientMeters forConsumer(MqttBridgeConsumer consumer, String clientId) {
        if (!MICROMETER) {
            return ClientMeters.NONE;
        }
        try {
            return MicrometerMeters.consumer(consumer, clientId);
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("Consumer of mqtt-bridge:{}: no meters ({})", consumer.getEndpoint().getTopics(), e.toString());
            return ClientMeters.NONE;
        }
    }

    /** Meters of a producer whose client {@code clientId} is about to connect. */
    public static ClientMeters forProducer(MqttBridgeProducer producer, String clientId) {
        if (!MICROMETER) {
            return ClientMeters.NONE;
        }
        try {
            return MicrometerMeters.producer(producer, clientId);
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("Producer of mqtt-bridge:{}: no meters ({})", producer.getEndpoint().getTopics(), e.toString());
            return ClientMeters.NONE;
        }
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, MqttBridgeMetrics.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
