package io.github.camelmqttbridge.mqtt.message;

/**
 * What completed an outbound PUBLISH: PUBACK (QoS 1), PUBCOMP (QoS 2) or the write itself (QoS 0).
 *
 * @param reasonCode success codes only (below 0x80), e.g. 0x10 "no matching subscribers"
 * @param reason     the reason code in words, plus the broker's reason string when it sent one
 */
public record PublishResult(int packetId, int qos, int reasonCode, String reason) {
}
