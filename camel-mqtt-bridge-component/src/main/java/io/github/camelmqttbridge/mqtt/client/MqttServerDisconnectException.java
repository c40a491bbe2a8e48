package io.github.camelmqttbridge.mqtt.client;

/** The broker sent DISCONNECT (MQTT 5) with a reason code and, maybe, a reason string. */
public class MqttServerDisconnectException extends MqttClientException {
    private final int reasonCode;
    private final String reasonString;

    public MqttServerDisconnectException(String serverUri, int reasonCode, String reason, String reasonString) {
        super("Broker " + serverUri + " disconnected us: " + reason
                + (reasonString == null || reasonString.isEmpty() ? "" : " - " + reasonString));
        this.reasonCode = reasonCode;
        this.reasonString = reasonString;
    }

    public int reasonCode() {
        return reasonCode;
    }

    public String reasonString() {
        return reasonString;
    }
}
