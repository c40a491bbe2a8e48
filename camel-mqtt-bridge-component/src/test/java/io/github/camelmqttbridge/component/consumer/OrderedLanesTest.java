package io.github.camelmqttbridge.component.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.camelmqttbridge.component.consumer.Delivery.State;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The ordering state machine alone: a fake clock, wake-ups recorded instead of scheduled. */
class OrderedLanesTest {

    private long now = 1_000_000_000L;
    private final List<Delivery> wakeUps = new ArrayList<>();
    private final List<Long> wakeUpDelays = new ArrayList<>();

    private OrderedLanes lanes(Ordering ordering, int depth) {
        return new OrderedLanes(ordering, depth, (d, delay) -> {
            wakeUps.add(d);
            wakeUpDelays.add(delay);
        }, () -> now);
    }

    private static Delivery arrive(OrderedLanes lanes, String topic, String text) {
        return lanes.arrived(new FakeMessage(topic, text), topic);
    }

    private static String text(Delivery d) {
        return d == null ? null : ((FakeMessage) d.message()).text();
    }

    @Test
    void pipelinedStartsTheNextOfAKeyWhenThePreviousRouteCallReturned() {
        OrderedLanes lanes = lanes(Ordering.PIPELINED, 0);
        Delivery m1 = arrive(lanes, "a", "1");
        assertThat(text(m1)).isEqualTo("1");
        // m1 is inside its route call: m2 and m3 of the same key must not enter beside it
        assertThat(arrive(lanes, "a", "2")).isNull();
        assertThat(arrive(lanes, "a", "3")).isNull();
        // m1 handed to an asynchronous step: m2 may enter, not m3
        Delivery m2 = lanes.returned(m1);
        assertThat(text(m2)).isEqualTo("2");
        assertThat(m1.state).isEqualTo(State.HANDED_OFF);
        Delivery m3 = lanes.returned(m2);
        assertThat(text(m3)).isEqualTo("3");
        assertThat(lanes.returned(m3)).isNull();
        // three in flight at once; they complete in any order and nothing else starts
        assertThat(lanes.done(m2)).isNull();
        assertThat(lanes.done(m3)).isNull();
        assertThat(lanes.done(m1)).isNull();
        assertThat(lanes.keys()).isZero();
    }

    @Test
    void differentKeysDoNotWaitForEachOther() {
        OrderedLanes lanes = lanes(Ordering.PIPELINED, 0);
        assertThat(text(arrive(lanes, "a", "a1"))).isEqualTo("a1");
        assertThat(text(arrive(lanes, "b", "b1"))).isEqualTo("b1");
        assertThat(arrive(lanes, "a", "a2")).isNull();
        assertThat(lanes.keys()).isEqualTo(2);
    }

    @Test
    void depthLimitsHowManyOfOneKeyAreInTheRoute() {
        OrderedLanes lanes = lanes(Ordering.PIPELINED, 2);
        Delivery m1 = arrive(lanes, "a", "1");
        arrive(lanes, "a", "2");
        arrive(lanes, "a", "3");
        Delivery m2 = lanes.returned(m1);
        assertThat(text(m2)).isEqualTo("2");
        assertThat(lanes.returned(m2)).as("two in the route: m3 waits").isNull();
        assertThat(text(lanes.done(m1))).as("one completed: m3 may start").isEqualTo("3");
    }

    @Test
    void strictStartsTheNextOnlyWhenThePreviousCompleted() {
        OrderedLanes lanes = lanes(Ordering.STRICT, 50);
        Delivery m1 = arrive(lanes, "a", "1");
        arrive(lanes, "a", "2");
        assertThat(lanes.returned(m1)).isNull();
        assertThat(text(lanes.done(m1))).isEqualTo("2");
    }

    @Test
    void aCompletionBeforeTheRouteCallReturnedStillWaitsForTheReturn() {
        // a synchronous route completes inside its call: the next must not start on another thread before it returned
        OrderedLanes lanes = lanes(Ordering.STRICT, 0);
        Delivery m1 = arrive(lanes, "a", "1");
        arrive(lanes, "a", "2");
        assertThat(lanes.done(m1)).isNull();
        assertThat(text(lanes.returned(m1))).isEqualTo("2");
    }

    @Test
    void withoutOrderingEveryMessageStartsAtOnce() {
        OrderedLanes lanes = lanes(Ordering.NONE, 0);
        for (int i = 0; i < 5; i++) {
            assertThat(text(arrive(lanes, "a", "m" + i))).isEqualTo("m" + i);
        }
        assertThat(lanes.keys()).isZero();
    }

    @Test
    void aFailurePausesItsKeyUntilTheRetrySucceeded() {
        OrderedLanes lanes = lanes(Ordering.PIPELINED, 0);
        Delivery m1 = arrive(lanes, "a", "1");
        arrive(lanes, "a", "2");
        arrive(lanes, "a", "3");
        Delivery m2 = lanes.returned(m1);
        Delivery m3 = lanes.returned(m2);
        assertThat(lanes.returned(m3)).isNull(); // m1, m2, m3 in flight
        // m1 fails: its key pauses, m4 arrives and must wait
        assertThat(lanes.failed(m1, TimeUnit.MILLISECONDS.toNanos(100))).isNull();
        assertThat(wakeUps).containsExactly(m1);
        assertThat(wakeUpDelays).containsExactly(TimeUnit.MILLISECONDS.toNanos(100));
        assertThat(arrive(lanes, "a", "4")).isNull();
        // the in-flight m2 completes (its ack waits in the engine behind m1's): still paused
        assertThat(lanes.done(m2)).isNull();
        // the wake-up comes due: m1 again, alone
        now += TimeUnit.MILLISECONDS.toNanos(100);
        assertThat(lanes.wakeUp(m1)).isSameAs(m1);
        assertThat(lanes.returned(m1)).as("paused: the retry must complete first").isNull();
        assertThat(lanes.done(m3)).isNull();
        // retry succeeded: the key resumes with m4
        assertThat(text(lanes.done(m1))).isEqualTo("4");
    }

    @Test
    void aWakeUpThatCameEarlyIsScheduledAgain() {
        OrderedLanes lanes = lanes(Ordering.PIPELINED, 0);
        Delivery m1 = arrive(lanes, "a", "1");
        lanes.returned(m1);
        lanes.failed(m1, 1000);
        now += 400;
        assertThat(lanes.wakeUp(m1)).isNull();
        assertThat(wakeUpDelays).containsExactly(1000L, 600L);
    }

    @Test
    void severalFailuresOfOneKeyAreRetriedOneAtATimeInArrivalOrder() {
        OrderedLanes lanes = lanes(Ordering.PIPELINED, 0);
        Delivery m1 = arrive(lanes, "a", "1");
        arrive(lanes, "a", "2");
        arrive(lanes, "a", "3");
        Delivery m2 = lanes.returned(m1);
        Delivery m3 = lanes.returned(m2);
        lanes.returned(m3);
        // the sink fails them in reverse order; the retries must still go 1, 2, 3
        long backOff = TimeUnit.SECONDS.toNanos(1);
        assertThat(lanes.failed(m3, backOff)).isNull();
        assertThat(lanes.failed(m2, backOff)).isNull();
        assertThat(lanes.failed(m1, backOff)).isNull();
        now += backOff;
        assertThat(lanes.wakeUp(m3)).as("m3 is not the earliest failed").isSameAs(m1);
        assertThat(lanes.wakeUp(m2)).as("m1 is being retried").isNull();
        assertThat(lanes.returned(m1)).isNull();
        assertThat(lanes.done(m1)).isSameAs(m2);
        assertThat(lanes.returned(m2)).isNull();
        assertThat(lanes.done(m2)).isSameAs(m3);
        assertThat(lanes.returned(m3)).isNull();
        assertThat(lanes.done(m3)).isNull();
        assertThat(lanes.keys()).isZero();
    }

    @Test
    void aLaterFailedMessageWaitsForItsOwnBackOffAfterTheEarlierSucceeded() {
        OrderedLanes lanes = lanes(Ordering.PIPELINED, 0);
        Delivery m1 = arrive(lanes, "a", "1");
        arrive(lanes, "a", "2");
        Delivery m2 = lanes.returned(m1);
        lanes.returned(m2);
        lanes.failed(m1, TimeUnit.MILLISECONDS.toNanos(10));
        now += TimeUnit.MILLISECONDS.toNanos(5);
        lanes.failed(m2, TimeUnit.MILLISECONDS.toNanos(1000)); // due at +1005 ms
        now += TimeUnit.MILLISECONDS.toNanos(5);
        assertThat(lanes.wakeUp(m1)).isSameAs(m1);
        lanes.returned(m1);
        wakeUps.clear();
        wakeUpDelays.clear();
        assertThat(lanes.done(m1)).as("m2's back-off is not over").isNull();
        assertThat(wakeUps).containsExactly(m2);
        assertThat(wakeUpDelays.get(0)).isEqualTo(TimeUnit.MILLISECONDS.toNanos(995));
        now += TimeUnit.MILLISECONDS.toNanos(995);
        assertThat(lanes.wakeUp(m2)).isSameAs(m2);
    }

    @Test
    void aFailureWithoutOrderingPausesOnlyThatMessage() {
        OrderedLanes lanes = lanes(Ordering.NONE, 0);
        Delivery m1 = arrive(lanes, "a", "1");
        lanes.returned(m1);
        lanes.failed(m1, 1000);
        assertThat(text(arrive(lanes, "a", "2"))).isEqualTo("2");
    }

    @Test
    void aStaleWakeUpAfterClearStartsNothing() {
        OrderedLanes lanes = lanes(Ordering.PIPELINED, 0);
        Delivery m1 = arrive(lanes, "a", "1");
        lanes.returned(m1);
        lanes.failed(m1, 1000);
        m1.state = State.DONE; // as if given up meanwhile
        now += 1000;
        assertThat(lanes.wakeUp(m1)).isNull();
    }

    @Test
    void orderingKeyFromAUserPropertyGroupsAcrossTopics() {
        OrderingKey key = OrderingKey.parse("userProperty:device");
        var withDevice = io.github.camelmqttbridge.mqtt.message.MessageProperties.builder().userProperty("device", "d7").build();
        Object k1 = key.of(new FakeMessage("t/1", "x", withDevice));
        Object k2 = key.of(new FakeMessage("t/2", "y", withDevice));
        Object k3 = key.of(new FakeMessage("d7", "z"));
        assertThat(k1).isEqualTo(k2);
        assertThat(k3).as("no property: the topic, never equal to a property value of the same text").isEqualTo("d7")
                .isNotEqualTo(k1);
        assertThat(OrderingKey.parse("consumer").of(new FakeMessage("a", "1")))
                .isSameAs(OrderingKey.parse("CONSUMER").of(new FakeMessage("b", "2")));
        assertThat(OrderingKey.parse("topic").of(new FakeMessage("a/b", "1"))).isEqualTo("a/b");
    }
}
