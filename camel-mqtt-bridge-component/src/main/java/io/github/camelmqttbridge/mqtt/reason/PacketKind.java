package io.github.camelmqttbridge.mqtt.reason;

/** The MQTT 5 packets that carry a reason code; the name of code 0x00 depends on it. */
public enum PacketKind {
    CONNACK, PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK, UNSUBACK, DISCONNECT, AUTH
}
