package io.github.camelmqttbridge.mqtt.error;

/** The broker sent DISCONNECT (MQTT 5) with a reason code and, maybe, a reason string. */
public class MqttServerDisconnectException extends MqttClientException {
    private final int reasonCode;
    private final String reasonString;
    private final String serverReference;

    public MqttServerDisconnectException(String serverUri, int reasonCode, String reason, String reasonString) {
        this(serverUri, reasonCode, reason, reasonString, null);
    }

    /** @param serverReference the Server Reference property (with 0x9C / 0x9D), or null */
    public MqttServerDisconnectException(String serverUri, int reasonCode, String reason, String reasonString,
            String serverReference) {
        super("Broker " + serverUri + " disconnected us: " + reason
                + (reasonString == null || reasonString.isEmpty() ? "" : " - " + reasonString)
                + (serverReference == null ? "" : " (server reference: " + serverReference + ")"));
        this.reasonCode = reasonCode;
        this.reasonString = reasonString;
        this.serverReference = serverReference;
    }

    public int reasonCode() {
        return reasonCode;
    }

    public String reasonString() {
        return reasonString;
    }

    /** The Server Reference the broker sent with "use another server" / "server moved", or null. */
    public String serverReference() {
        return serverReference;
    }
}
