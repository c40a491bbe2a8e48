package io.github.camelmqttbridge.component.consumer;

import io.github.camelmqttbridge.mqtt.message.InboundMessage;
import io.github.camelmqttbridge.mqtt.message.MessageProperties;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/** An engine message without an engine: counts its acknowledgements. */
final class FakeMessage implements InboundMessage {

    private final String topic;
    private final String text;
    private final MessageProperties properties;
    final AtomicInteger acks = new AtomicInteger();

    FakeMessage(String topic, String text) {
        this(topic, text, MessageProperties.NONE);
    }

    FakeMessage(String topic, String text, MessageProperties properties) {
        this.topic = topic;
        this.text = text;
        this.properties = properties;
    }

    String text() {
        return text;
    }

    @Override
    public String topic() {
        return topic;
    }

    @Override
    public byte[] payload() {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public int qos() {
        return 1;
    }

    @Override
    public boolean retain() {
        return false;
    }

    @Override
    public boolean duplicate() {
        return false;
    }

    @Override
    public int packetId() {
        return 1;
    }

    @Override
    public MessageProperties properties() {
        return properties;
    }

    @Override
    public void acknowledge() {
        acks.incrementAndGet();
    }

    @Override
    public boolean isAcknowledged() {
        return acks.get() > 0;
    }

    @Override
    public String toString() {
        return topic + ":" + text;
    }
}
