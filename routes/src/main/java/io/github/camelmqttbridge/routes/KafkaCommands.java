package io.github.camelmqttbridge.routes;

import java.util.regex.Pattern;

import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;

/** The two steps of the Kafka -> MQTT command route that are not plain YAML. */
public class KafkaCommands {

    /** A device id becomes one MQTT topic level: no '/', no wildcard, no NUL, not empty. */
    private static final Pattern DEVICE = Pattern.compile("[^/+#\\u0000]{1,200}");

    /** Sets the MQTT topic {@code devices/<key>/commands} from the Kafka record key. */
    public void toDeviceTopic(Exchange exchange) throws PayloadRejectedException {
        Object key = exchange.getMessage().getHeader(KafkaConstants.KEY);
        if (key == null || !DEVICE.matcher(key.toString()).matches()) {
            throw new PayloadRejectedException("command record key '" + key
                    + "' is not a device id (1-200 characters, no '/', '+', '#')");
        }
        exchange.getMessage().setHeader(MqttHeaders.TOPIC, "devices/" + key + "/commands");
    }

    /**
     * Commits the record's offset. Called only after the MQTT producer completed, i.e. after the PUBACK (or
     * after the dead letter record was written): an exchange that failed before never gets here.
     */
    public void commit(Exchange exchange) {
        KafkaManualCommit commit = exchange.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
        if (commit == null) {
            throw new IllegalStateException("no " + KafkaConstants.MANUAL_COMMIT
                    + " header: the Kafka consumer must use allowManualCommit=true and autoCommitEnable=false");
        }
        commit.commit();
    }
}
