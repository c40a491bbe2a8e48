package io.github.camelmqttbridge.benchmarks.raw;

import io.github.camelmqttbridge.mqtt.message.MqttVersion;

/** The client libraries compared; {@link #OURS} is the baseline of every ratio. */
enum Library {
    OURS {
        @Override
        ClientDriver driver(MqttVersion version) {
            return new OursDriver(version);
        }

        @Override
        String label(MqttVersion version) {
            return "ours (mqtt-bridge engine)";
        }
    },
    PAHO {
        @Override
        ClientDriver driver(MqttVersion version) {
            return version == MqttVersion.V5 ? new PahoV5Driver() : new PahoV3Driver();
        }

        @Override
        String label(MqttVersion version) {
            return version == MqttVersion.V5 ? "Paho mqttv5 1.2.5" : "Paho mqttv3 1.2.5";
        }
    },
    HIVEMQ {
        @Override
        ClientDriver driver(MqttVersion version) {
            return new HiveMqDriver(version == MqttVersion.V5);
        }

        @Override
        String label(MqttVersion version) {
            return "HiveMQ client 1.4.2 (async)";
        }
    };

    abstract ClientDriver driver(MqttVersion version);

    abstract String label(MqttVersion version);

    String shortName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
