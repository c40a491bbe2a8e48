package io.github.camelmqttbridge.component.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher with fakes for everything around it: a pool whose tasks run when the test says so, a timer that
 * only records, a clock the test moves, and a route that records its calls and completes them when told.
 */
class MessageDispatcherTest {

    private final ArrayDeque<Runnable> poolTasks = new ArrayDeque<>();
    private final Executor pool = poolTasks::add;
    private final List<Runnable> timerTasks = new ArrayList<>();
    private final List<Long> timerDelays = new ArrayList<>();
    private long now = 5_000_000_000L;
    /** Route calls in the order they happened. */
    private final List<Delivery> calls = new ArrayList<>();
    private final List<Integer> attemptsSeen = new ArrayList<>();
    /** true: the route completes successfully inside its call (a synchronous route). */
    private boolean synchronousRoute;
    private RuntimeException routeThrows;
    private MessageDispatcher dispatcher;

    private MessageDispatcher dispatcher(Ordering ordering, int depth, RedeliveryPolicy policy) {
        dispatcher = new MessageDispatcher(new MessageDispatcher.Settings(ordering, OrderingKey.parse("topic"), depth,
                policy, 4), pool, (task, delay) -> {
                    timerTasks.add(task);
                    timerDelays.add(delay);
                }, () -> now, d -> {
                    calls.add(d);
                    attemptsSeen.add(d.attempts());
                    if (routeThrows != null) {
                        throw routeThrows;
                    }
                    if (synchronousRoute) {
                        dispatcher.finished(d, null, false);
                    }
                }, "test/#");
        return dispatcher;
    }

    private MessageDispatcher dispatcher(Ordering ordering) {
        return dispatcher(ordering, 0, new RedeliveryPolicy(100, 1000, -1, true));
    }

    private void runPool() {
        Runnable r;
        while ((r = poolTasks.poll()) != null) {
            r.run();
        }
    }

    private List<FakeMessage> receive(String topic, int n) {
        List<FakeMessage> messages = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            FakeMessage m = new FakeMessage(topic, topic + "-" + i);
            messages.add(m);
            dispatcher.received(m);
        }
        runPool();
        return messages;
    }

    private List<String> called() {
        return calls.stream().map(d -> ((FakeMessage) d.message()).text()).toList();
    }

    private Delivery call(String text) {
        return calls.stream().filter(d -> ((FakeMessage) d.message()).text().equals(text)).reduce((a, b) -> b)
                .orElseThrow();
    }

    private void succeed(String text) {
        dispatcher.finished(call(text), null, false);
        runPool();
    }

    private void fail(String text) {
        dispatcher.finished(call(text), new IllegalStateException("sink down"), true);
        runPool();
    }

    private void fireTimers() {
        List<Runnable> due = new ArrayList<>(timerTasks);
        timerTasks.clear();
        due.forEach(Runnable::run);
        runPool();
    }

    @Test
    void pipelinedRouteHasSeveralMessagesOfOneTopicInFlightInArrivalOrder() {
        dispatcher(Ordering.PIPELINED);
        List<FakeMessage> m = receive("a", 5);
        assertThat(called()).containsExactly("a-0", "a-1", "a-2", "a-3", "a-4");
        assertThat(m).allMatch(x -> x.acks.get() == 0);
        succeed("a-2");
        succeed("a-0");
        assertThat(m.get(2).acks.get()).isEqualTo(1);
        assertThat(m.get(0).acks.get()).isEqualTo(1);
        assertThat(m.get(1).acks.get()).isZero();
        assertThat(dispatcher.completed()).isEqualTo(2);
    }

    @Test
    void strictRouteHasOneMessageOfATopicInFlight() {
        dispatcher(Ordering.STRICT);
        receive("a", 3);
        receive("b", 1);
        assertThat(called()).containsExactly("a-0", "b-0");
        succeed("a-0");
        assertThat(called()).containsExactly("a-0", "b-0", "a-1");
    }

    @Test
    void pipelineDepthBoundsOneTopic() {
        dispatcher(Ordering.PIPELINED, 2, new RedeliveryPolicy(100, 1000, -1, true));
        receive("a", 4);
        assertThat(called()).containsExactly("a-0", "a-1");
        succeed("a-1");
        assertThat(called()).containsExactly("a-0", "a-1", "a-2");
    }

    @Test
    void aSynchronousRouteRunsTheWholeBacklogInOrder() {
        synchronousRoute = true;
        dispatcher(Ordering.PIPELINED);
        List<FakeMessage> m = receive("a", 50);
        assertThat(called()).hasSize(50);
        assertThat(called().get(49)).isEqualTo("a-49");
        assertThat(m).allMatch(x -> x.acks.get() == 1);
        assertThat(dispatcher.activeKeys()).isZero();
    }

    @Test
    void aFailurePausesItsTopicAndTheMessageIsRedeliveredAfterTheBackOff() {
        dispatcher(Ordering.PIPELINED);
        List<FakeMessage> m = receive("a", 2); // a-0, a-1 in flight
        fail("a-0");
        assertThat(timerDelays).containsExactly(TimeUnit.MILLISECONDS.toNanos(100));
        receive("a", 0);
        FakeMessage later = new FakeMessage("a", "a-2");
        dispatcher.received(later);
        FakeMessage other = new FakeMessage("b", "b-0");
        dispatcher.received(other);
        runPool();
        assertThat(called()).as("a-2 waits for the failed a-0; b is not affected").containsExactly("a-0", "a-1", "b-0");
        succeed("a-1"); // in flight when a-0 failed: it completes and is acknowledged (the engine orders the acks)
        assertThat(m.get(1).acks.get()).isEqualTo(1);
        assertThat(called()).hasSize(3);
        now += TimeUnit.MILLISECONDS.toNanos(100);
        fireTimers();
        assertThat(called()).containsExactly("a-0", "a-1", "b-0", "a-0");
        assertThat(attemptsSeen.get(3)).as("the redelivery counter the route sees").isEqualTo(1);
        succeed("a-0");
        assertThat(m.get(0).acks.get()).isEqualTo(1);
        assertThat(called()).containsExactly("a-0", "a-1", "b-0", "a-0", "a-2");
        assertThat(dispatcher.failures()).isEqualTo(1);
        assertThat(dispatcher.redelivered()).isEqualTo(1);
    }

    @Test
    void theBackOffDoublesWhileTheMessageKeepsFailing() {
        dispatcher(Ordering.PIPELINED);
        receive("a", 1);
        for (int i = 0; i < 3; i++) {
            fail("a-0");
            now += timerDelays.get(timerDelays.size() - 1);
            fireTimers();
        }
        assertThat(timerDelays).containsExactly(TimeUnit.MILLISECONDS.toNanos(100), TimeUnit.MILLISECONDS.toNanos(200),
                TimeUnit.MILLISECONDS.toNanos(400));
        assertThat(attemptsSeen).containsExactly(0, 1, 2, 3);
    }

    @Test
    void aMessageIsGivenUpAtMaximumRedeliveriesAndItsTopicGoesOn() {
        dispatcher(Ordering.STRICT, 0, new RedeliveryPolicy(10, 10, 1, true));
        List<FakeMessage> m = receive("a", 2);
        fail("a-0");
        now += TimeUnit.MILLISECONDS.toNanos(10);
        fireTimers();
        fail("a-0");
        assertThat(m.get(0).acks.get()).as("given up: acknowledged, i.e. dropped").isEqualTo(1);
        assertThat(called()).containsExactly("a-0", "a-0", "a-1");
        assertThat(timerTasks).isEmpty();
    }

    @Test
    void ackOnReceiveDoesNotRedeliver() {
        dispatcher(Ordering.PIPELINED, 0, new RedeliveryPolicy(10, 10, -1, false));
        List<FakeMessage> m = receive("a", 1);
        fail("a-0");
        assertThat(m.get(0).acks.get()).isEqualTo(1);
        assertThat(timerTasks).isEmpty();
        assertThat(dispatcher.failures()).isEqualTo(1);
    }

    @Test
    void suspendedParksNewMessagesAndResumeStartsThemInOrder() {
        dispatcher(Ordering.PIPELINED);
        List<FakeMessage> m = receive("a", 1); // a-0 in flight
        dispatcher.suspend();
        receive("a", 0);
        for (int i = 1; i <= 3; i++) {
            dispatcher.received(new FakeMessage("a", "a-" + i));
        }
        dispatcher.received(new FakeMessage("b", "b-0"));
        runPool();
        assertThat(called()).containsExactly("a-0");
        succeed("a-0"); // in flight when suspended: completes and is acknowledged
        assertThat(m.get(0).acks.get()).isEqualTo(1);
        assertThat(called()).containsExactly("a-0");
        dispatcher.resume();
        runPool();
        assertThat(called()).containsExactly("a-0", "a-1", "b-0", "a-2", "a-3");
    }

    @Test
    void aDeliveryAlreadyQueuedForTheRouteWhenSuspendedIsParkedToo() {
        dispatcher(Ordering.NONE);
        dispatcher.received(new FakeMessage("a", "a-0")); // queued for a drainer, not run yet
        dispatcher.suspend();
        runPool();
        assertThat(calls).isEmpty();
        dispatcher.resume();
        runPool();
        assertThat(called()).containsExactly("a-0");
    }

    @Test
    void aRouteCallThatThrowsCountsAsAFailureAndIsRedelivered() {
        routeThrows = new IllegalStateException("bug");
        dispatcher(Ordering.PIPELINED);
        receive("a", 2);
        assertThat(called()).containsExactly("a-0");
        assertThat(dispatcher.failures()).isEqualTo(1);
        routeThrows = null;
        now += TimeUnit.MILLISECONDS.toNanos(100);
        fireTimers();
        assertThat(called()).containsExactly("a-0", "a-0");
    }

    @Test
    void aSecondCompletionOfTheSameAttemptIsIgnored() {
        dispatcher(Ordering.PIPELINED);
        List<FakeMessage> m = receive("a", 1);
        succeed("a-0");
        succeed("a-0");
        fail("a-0");
        assertThat(m.get(0).acks.get()).isEqualTo(1);
        assertThat(dispatcher.completed()).isEqualTo(1);
        assertThat(dispatcher.failures()).isZero();
    }

    @Test
    void afterStopNothingStartsAndNothingIsRedelivered() {
        dispatcher(Ordering.PIPELINED);
        List<FakeMessage> m = receive("a", 2);
        fail("a-0");
        dispatcher.stop();
        dispatcher.received(new FakeMessage("a", "late"));
        now += TimeUnit.SECONDS.toNanos(10);
        fireTimers();
        succeed("a-1");
        assertThat(called()).containsExactly("a-0", "a-1");
        assertThat(m.get(1).acks.get()).as("stopped: left unacknowledged for the broker").isZero();
    }

    @Test
    void withoutOrderingEveryMessageStartsAtOnceAndFailuresPauseOnlyThemselves() {
        dispatcher(Ordering.NONE);
        receive("a", 3);
        fail("a-1");
        receive("a", 1);
        assertThat(called()).containsExactly("a-0", "a-1", "a-2", "a-0");
    }
}
