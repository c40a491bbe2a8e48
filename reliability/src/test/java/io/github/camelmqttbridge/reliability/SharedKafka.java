package io.github.camelmqttbridge.reliability;

import io.github.camelmqttbridge.kafka.test.KafkaProcess;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * One KRaft Kafka child JVM for the whole fault suite (started on first use, stopped when the test JVM exits):
 * starting one costs ~5-10 s on a busy 2-core machine. A scenario that stops it must start it again.
 */
final class SharedKafka {

    private static KafkaProcess kafka;

    private SharedKafka() {
    }

    static synchronized KafkaProcess get() {
        if (kafka == null) {
            kafka = KafkaProcess.create().start();
            KafkaProcess k = kafka;
            Runtime.getRuntime().addShutdownHook(new Thread(k::close, "shared-kafka-close"));
        } else if (!kafka.isRunning()) {
            kafka.start();
        }
        return kafka;
    }

    /** Creates single-partition topics (so the tally does not depend on auto-creation races). */
    static void createTopics(String... topics) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, get().bootstrapServers()))) {
            List<NewTopic> list = new ArrayList<>();
            for (String t : topics) {
                list.add(new NewTopic(t, 1, (short) 1));
            }
            admin.createTopics(list).all().get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot create " + List.of(topics) + ": " + e, e);
        }
    }
}
