package io.github.camelmqttbridge.mqtt.handler;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.camelmqttbridge.mqtt.codec.PropertiesMapper;
import io.github.camelmqttbridge.mqtt.message.MessageProperties;
import io.github.camelmqttbridge.mqtt.message.OutboundMessage;
import io.github.camelmqttbridge.mqtt.message.PublishResult;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** A QoS 1 publish is recorded in the session store before it is sent, properties included. */
class LargePropertiesPublishTest {

    @Test
    void aUserPropertyOfNearly64KiBOfNonBmpCharactersIsPublished() {
        String emojis = "\uD83D\uDE00".repeat(16_000); // 64,000 UTF-8 bytes, within MQTT's 65,535
        try (EngineHarness h = EngineHarness.v5()) {
            h.connect(false);
            CompletableFuture<PublishResult> f = h.publish(new OutboundMessage("t", "x".getBytes(StandardCharsets.UTF_8),
                    1, false, MessageProperties.builder().userProperty("big", emojis).build()));

            assertThat(f).as("not failed by the session store").isNotDone();
            MqttPublishMessage publish = h.out();
            MessageProperties sent = PropertiesMapper.fromNetty(publish.variableHeader().properties());
            assertThat(sent.userProperties().get(0).value()).isEqualTo(emojis);
            publish.release();
            assertThat(h.store.open("test-client").outbound()).singleElement().satisfies(stored -> assertThat(
                    PropertiesMapper.fromStoreBytes(stored.properties()).userProperties().get(0).value()).isEqualTo(emojis));
            h.inbound(EngineHarness.reply(io.netty.handler.codec.mqtt.MqttMessageType.PUBACK, EngineHarness.packetId(publish)));
            assertThat(f).isCompleted();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
