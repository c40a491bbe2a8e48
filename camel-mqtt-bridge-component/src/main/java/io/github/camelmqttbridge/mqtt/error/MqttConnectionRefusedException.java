package io.github.camelmqttbridge.mqtt.error;

/** The broker answered CONNECT with a refusal (3.1.1 return code or MQTT 5 reason code). */
public class MqttConnectionRefusedException extends MqttClientException {
    private final int code;
    private final String serverUri;
    private final String serverReference;

    public MqttConnectionRefusedException(String serverUri, int code, String reason) {
        this(serverUri, code, reason, null);
    }

    /** @param serverReference the MQTT 5 Server Reference property (with 0x9C / 0x9D), or null */
    public MqttConnectionRefusedException(String serverUri, int code, String reason, String serverReference) {
        super("Broker " + serverUri + " refused the connection: " + reason
                + (serverReference == null ? "" : " (server reference: " + serverReference + ")"));
        this.code = code;
        this.serverUri = serverUri;
        this.serverReference = serverReference;
    }

    /** The raw return code (3.1.1: 1..5) or reason code (5: 0x80 and above); the two ranges do not overlap. */
    public int code() {
        return code;
    }

    public String serverUri() {
        return serverUri;
    }

    /** The MQTT 5 Server Reference the broker sent with "use another server" / "server moved", or null. */
    public String serverReference() {
        return serverReference;
    }
}
