package io.github.camelmqttbridge.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.AsyncProcessorSupport;
import org.junit.jupiter.api.Test;

/**
 * Ordering against the real broker with an asynchronous step that holds its exchanges until the test completes them
 * (as a Kafka producer with synchronous=false holds them until Kafka's ack).
 */
class MqttBridgeOrderingTest extends MqttBridgeTestSupport {

    /** An asynchronous step: records what entered, completes when told (on another thread, like a send callback). */
    static final class HeldStep extends AsyncProcessorSupport {
        final List<String> entered = new CopyOnWriteArrayList<>();
        final List<Integer> redeliveryCounters = new CopyOnWriteArrayList<>();
        final List<Exchange> held = new CopyOnWriteArrayList<>();
        final List<AsyncCallback> callbacks = new CopyOnWriteArrayList<>();
        /** Once set, every exchange completes right away (still on another thread). */
        final AtomicBoolean passThrough = new AtomicBoolean();
        volatile String failOnce;

        @Override
        public boolean process(Exchange exchange, AsyncCallback callback) {
            String body = text(exchange.getIn().getBody());
            entered.add(body);
            redeliveryCounters.add(exchange.getIn().getHeader(MqttBridgeConstants.REDELIVERY_COUNTER, Integer.class));
            if (passThrough.get()) {
                new Thread(() -> callback.done(false), "held-step").start();
                return false;
            }
            held.add(exchange);
            callbacks.add(callback);
            return false;
        }

        /** Completes the held exchanges in the given order of entry indexes; {@code failOnce} fails that body once. */
        void release(int... indexes) {
            for (int i : indexes) {
                Exchange e = held.get(i);
                if (text(e.getIn().getBody()).equals(failOnce)) {
                    failOnce = null;
                    e.setException(new IllegalStateException("sink refused " + text(e.getIn().getBody())));
                }
                AsyncCallback cb = callbacks.get(i);
                Thread t = new Thread(() -> cb.done(false), "held-step-" + i);
                t.start();
                try {
                    t.join();
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private HeldStep route(String id, String topicFilter, String options) throws Exception {
        HeldStep step = new HeldStep();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("mqtt-bridge:" + topicFilter + "?brokerUrl=" + BROKER + "&qos=1" + options).routeId(id)
                        .process(step);
            }
        });
        return step;
    }

    private static String[] names(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> "m" + i).toArray(String[]::new);
    }

    @Test
    void pipelinedByDefaultSeveralMessagesOfOneTopicAreInTheAsynchronousStepInArrivalOrder() throws Exception {
        String t = topic("pipelined");
        HeldStep step = route("pipelined", t, "");
        for (int i = 0; i < 20; i++) {
            publish(t, "m" + i, 1);
        }
        MqttBridgeConsumer consumer = consumer("pipelined");
        await().atMost(Duration.ofSeconds(10)).until(() -> step.entered.size() == 20);
        assertThat(step.entered).containsExactly(names(0, 20));
        assertThat(consumer.getAcknowledged()).as("none completed yet").isZero();
        // the sink completes them in reverse order: every one is acknowledged (the engine writes the acks in order)
        step.release(IntStream.iterate(19, i -> i - 1).limit(20).toArray());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(consumer.getAcknowledged()).isEqualTo(20));
        assertThat(consumer.getCompleted()).isEqualTo(20);
    }

    @Test
    void strictKeepsOneMessageOfATopicInTheRouteUntilItCompleted() throws Exception {
        String t = topic("strict");
        HeldStep step = route("strict", t, "&ordering=strict");
        for (int i = 0; i < 5; i++) {
            publish(t, "m" + i, 1);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> step.entered.size() == 1);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> step.entered.size() == 1);
        for (int i = 0; i < 5; i++) {
            int next = i + 1;
            step.release(i);
            if (next < 5) {
                await().atMost(Duration.ofSeconds(10)).until(() -> step.entered.size() == next + 1);
            }
        }
        assertThat(step.entered).containsExactly(names(0, 5));
        MqttBridgeConsumer consumer = consumer("strict");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(consumer.getAcknowledged()).isEqualTo(5));
    }

    @Test
    void pipelineDepthBoundsTheMessagesOfOneTopicInTheRoute() throws Exception {
        String t = topic("depth");
        HeldStep step = route("depth", t, "&pipelineDepth=3");
        for (int i = 0; i < 6; i++) {
            publish(t, "m" + i, 1);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> step.entered.size() == 3);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> step.entered.size() == 3);
        step.release(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> step.entered.size() == 4);
        assertThat(step.entered).containsExactly(names(0, 4));
    }

    @Test
    void aFailedMessagePausesItsTopicUntilItsRedeliverySucceeded() throws Exception {
        String t = topic("pause");
        HeldStep step = route("pause", t, "&redeliveryDelay=300");
        for (int i = 0; i < 10; i++) {
            publish(t, "m" + i, 1);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> step.entered.size() == 10);
        step.failOnce = "m3";
        step.passThrough.set(true);
        step.release(IntStream.range(0, 10).toArray()); // m3 fails, the others (in flight already) succeed
        for (int i = 10; i < 15; i++) {
            publish(t, "m" + i, 1);
        }
        MqttBridgeConsumer consumer = consumer("pause");
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(consumer.getAcknowledged()).isEqualTo(15));
        // nothing new entered between the failure and m3's redelivery; then the topic went on in order
        List<String> expected = new ArrayList<>(List.of(names(0, 10)));
        expected.add("m3");
        expected.addAll(List.of(names(10, 15)));
        assertThat(step.entered).containsExactlyElementsOf(expected);
        assertThat(step.redeliveryCounters.get(10)).isEqualTo(1);
        assertThat(consumer.getFailed()).isEqualTo(1);
        assertThat(consumer.getRedelivered()).isEqualTo(1);
    }

    @Test
    void orderingKeyConsumerPutsEveryTopicInOneOrder() throws Exception {
        String filter = topic("all/+");
        HeldStep step = route("all", filter, "&ordering=strict&orderingKey=consumer");
        publish(topic("all/a"), "a0", 1);
        publish(topic("all/b"), "b0", 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> step.entered.size() == 1);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> step.entered.size() == 1);
        step.release(0);
        await().atMost(Duration.ofSeconds(10)).until(() -> step.entered.size() == 2);
        assertThat(step.entered).containsExactly("a0", "b0");
    }

    @Test
    void contradictoryOrWrongOrderingOptionsFailTheRouteStart() {
        assertThatThrownBy(() -> route("bad1", topic("bad1"), "&parallelProcessing=true&ordering=strict"))
                .hasStackTraceContaining("parallelProcessing=true contradicts ordering=strict");
        assertThatThrownBy(() -> route("bad2", topic("bad2"), "&ordering=fifo"))
                .hasStackTraceContaining("Unknown ordering 'fifo'");
        assertThatThrownBy(() -> route("bad3", topic("bad3"), "&orderingKey=header"))
                .hasStackTraceContaining("Unknown orderingKey 'header'");
    }
}
