package io.github.camelmqttbridge.interop;

import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import java.util.List;

/**
 * A broker the scenarios of {@link InteropScenarios} run against: where it listens, the user every client connects
 * as, and what it can do. Each broker's test class starts one (once per class) and closes it at the end.
 */
interface InteropBroker extends AutoCloseable {

    /** Short name for result files and the table, e.g. "mosquitto". */
    String id();

    /** Product and version as running, e.g. "Mosquitto 2.0.11". */
    String product();

    /** tcp://host:port of its MQTT listener. */
    String url();

    Capabilities capabilities();

    /** The user all scenario clients connect as (the brokers run with authentication on). */
    String userName();

    String password();

    /**
     * Topic filters starting with this are refused to {@link #userName()} at SUBSCRIBE (by the broker's
     * authorization: dynamic security, topic permissions, an authorizer), everything else is allowed.
     */
    default String forbiddenPrefix() {
        return "forbidden/";
    }

    @Override
    void close();

    /** What a broker answers to a QoS 2 PUBLISH. */
    enum Qos2Publish {
        /** PUBREC, PUBREL, PUBCOMP: exactly once. */
        EXACTLY_ONCE,
        /** PUBACK, as for QoS 1: the broker downgrades the message (RabbitMQ 3.10). */
        ANSWERED_WITH_PUBACK,
        /** It closes the connection (NATS 2.9). */
        CONNECTION_CLOSED
    }

    /** How a broker refuses a SUBSCRIBE it does not authorize. */
    enum SubscribeRefusal {
        /** SUBACK with a failure code: 0x80 (3.1.1) or a reason code >= 0x80 (5). */
        SUBACK_FAILURE,
        /** It closes the connection without a SUBACK (RabbitMQ 3.10). */
        CONNECTION_CLOSED
    }

    /**
     * What a broker supports and how it deviates.
     *
     * @param versions                     protocol versions it accepts
     * @param qos2Publish                  its answer to a QoS 2 PUBLISH
     * @param grantedForQos2               the QoS it grants a QoS 2 subscription
     * @param subscribeRefusal             how it refuses a subscription
     * @param duplicatesQos2AfterReconnect it delivers QoS 2 messages again after a subscriber reconnects (also to
     *                                     third-party clients: shown with mosquitto_sub in the stream scenario)
     * @param retained                     it keeps retained messages
     * @param will                         it publishes the will of a client that vanished
     */
    record Capabilities(List<MqttVersion> versions, Qos2Publish qos2Publish, int grantedForQos2,
            SubscribeRefusal subscribeRefusal, boolean duplicatesQos2AfterReconnect, boolean retained, boolean will) {

        /** A broker that does everything by the book, in these versions. */
        static Capabilities complete(MqttVersion... versions) {
            return new Capabilities(List.of(versions), Qos2Publish.EXACTLY_ONCE, 2, SubscribeRefusal.SUBACK_FAILURE,
                    false, true, true);
        }

        Capabilities withQos2Publish(Qos2Publish answer, int granted) {
            return new Capabilities(versions, answer, granted, subscribeRefusal, duplicatesQos2AfterReconnect,
                    retained, will);
        }

        Capabilities withSubscribeRefusal(SubscribeRefusal refusal) {
            return new Capabilities(versions, qos2Publish, grantedForQos2, refusal, duplicatesQos2AfterReconnect,
                    retained, will);
        }

        Capabilities withQos2DuplicatesAfterReconnect() {
            return new Capabilities(versions, qos2Publish, grantedForQos2, subscribeRefusal, true, retained, will);
        }

        /** The highest QoS a publisher can use with this broker and get the protocol it asked for. */
        int maxPublishQos() {
            return qos2Publish == Qos2Publish.EXACTLY_ONCE ? 2 : 1;
        }
    }
}
