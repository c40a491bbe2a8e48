package io.github.camelmqttbridge.component.metrics;

import io.github.camelmqttbridge.mqtt.message.MessageTimings;

/**
 * The meters of one running consumer or producer, as the component sees them: the engine's timings go in (it is a
 * {@link MessageTimings}), reconnects are counted by reason, and {@link #close()} removes the meters again. No
 * Micrometer type appears here, so the consumer and producer load this interface whether Micrometer is on the class
 * path or not; {@link #NONE} records nothing.
 */
public interface ClientMeters extends MessageTimings, AutoCloseable {

    /** No meters (Micrometer is not on the class path, or Camel has no meter registry). */
    ClientMeters NONE = new ClientMeters() {
    };

    /**
     * The client connected again after its connection was lost.
     *
     * @param reason why the previous connection ended, one of {@link ReconnectReasons#ALL}
     */
    default void reconnected(String reason) {
    }

    /** Removes the meters from the registry (the consumer or producer stopped). */
    @Override
    default void close() {
    }
}
