package io.github.camelmqttbridge.mqtt.message;

/** The MQTT protocol versions the engine speaks. */
public enum MqttVersion {
    V3_1_1("3.1.1"),
    V5("5");

    private final String label;

    MqttVersion(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** Accepts "3.1.1", "311", "4" (the 3.1.1 protocol level), "5" or "5.0". */
    public static MqttVersion parse(String text) {
        String t = text == null ? "" : text.trim();
        switch (t) {
            case "3.1.1", "311", "4", "V3_1_1":
                return V3_1_1;
            case "5", "5.0", "V5":
                return V5;
            default:
                throw new IllegalArgumentException("Unsupported MQTT protocol version '" + text + "': use 3.1.1 or 5");
        }
    }

    @Override
    public String toString() {
        return label;
    }
}
