package io.github.camelmqttbridge.mqtt.client;

/** The broker answered CONNECT with a refusal (3.1.1 return code or MQTT 5 reason code). */
public class MqttConnectionRefusedException extends MqttClientException {
    private final int code;
    private final String serverUri;

    public MqttConnectionRefusedException(String serverUri, int code, String reason) {
        super("Broker " + serverUri + " refused the connection: " + reason);
        this.code = code;
        this.serverUri = serverUri;
    }

    /** The raw return code (3.1.1) or reason code (5). */
    public int code() {
        return code;
    }

    public String serverUri() {
        return serverUri;
    }
}
