package io.github.camelmqttbridge.component.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The thread hand-off: a pool task per burst for quick work, poolSize threads for blocking work. */
class DrainersTest {

    /** Runs nothing by itself: the test decides when a submitted task runs. Counts submissions (thread wake-ups). */
    private static final class ManualExecutor implements Executor {
        final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
        int submitted;

        @Override
        public void execute(Runnable command) {
            submitted++;
            tasks.add(command);
        }

        void runAll() {
            Runnable r;
            while ((r = tasks.poll()) != null) {
                r.run();
            }
        }
    }

    @Test
    void quickWorkIsTakenInBurstsWithoutAPoolTaskPerItem() {
        ManualExecutor pool = new ManualExecutor();
        List<Integer> done = new ArrayList<>();
        Drainers<Integer> drainers = new Drainers<>(pool, 10, done::add);
        for (int i = 0; i < 1000; i++) {
            drainers.offer(i);
        }
        assertThat(pool.submitted).as("one drainer for the whole burst").isEqualTo(1);
        pool.runAll();
        assertThat(done).hasSize(1000);
        assertThat(done.get(0)).isZero();
        // taking the first item left others queued with nobody free, so one helper was started: two, never 1000
        assertThat(pool.submitted).isLessThanOrEqualTo(2);
        assertThat(drainers.running()).isZero();
        drainers.offer(1000);
        assertThat(pool.submitted).as("a new burst after the drainers ended wakes one").isLessThanOrEqualTo(3);
    }

    @Test
    void anItemOfferedWhileADrainerIsFreeDoesNotWakeAnother() {
        ManualExecutor pool = new ManualExecutor();
        List<Integer> done = new ArrayList<>();
        Drainers<Integer>[] self = new Drainers[1];
        // the work offers the next item itself, like a route call whose return lets the next message of its key in
        self[0] = new Drainers<>(pool, 4, i -> {
            done.add(i);
            if (i < 500) {
                self[0].offer(i + 1);
            }
        });
        self[0].offer(0);
        pool.runAll();
        assertThat(done).hasSize(501);
        assertThat(pool.submitted).isLessThanOrEqualTo(2);
    }

    @Test
    void aChainOfItemsOfferedByTheDrainerItselfRunsOnOneThreadWithoutWakingAnother() throws Exception {
        // The shape of one hot topic through an asynchronous route: each item (a route call that returned) releases
        // the next one on the drainer's own thread. On real threads that must not start a drainer per item.
        ExecutorService threads = Executors.newCachedThreadPool();
        try {
            AtomicInteger submitted = new AtomicInteger();
            Executor pool = r -> {
                submitted.incrementAndGet();
                threads.execute(r);
            };
            List<String> threadNames = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch all = new CountDownLatch(1);
            Drainers<Integer>[] self = new Drainers[1];
            self[0] = new Drainers<>(pool, 10, i -> {
                threadNames.add(Thread.currentThread().getName());
                if (i < 2000) {
                    self[0].offer(i + 1);
                } else {
                    all.countDown();
                }
            });
            self[0].offer(0);
            assertThat(all.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(submitted.get()).as("pool tasks (thread wake-ups) for 2001 items").isEqualTo(1);
            assertThat(threadNames.stream().distinct().count()).isEqualTo(1);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void blockingWorkGetsPoolSizeThreadsAndNoMore() throws Exception {
        ExecutorService pool = Executors.newCachedThreadPool();
        try {
            CountDownLatch threeInside = new CountDownLatch(3);
            CountDownLatch release = new CountDownLatch(1);
            AtomicInteger inside = new AtomicInteger();
            AtomicInteger most = new AtomicInteger();
            List<Integer> done = Collections.synchronizedList(new ArrayList<>());
            Drainers<Integer> drainers = new Drainers<>(pool, 3, i -> {
                most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                threeInside.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                inside.decrementAndGet();
                done.add(i);
            });
            for (int i = 0; i < 8; i++) {
                drainers.offer(i);
            }
            assertThat(threeInside.await(10, TimeUnit.SECONDS)).as("three blocked items at once").isTrue();
            assertThat(inside.get()).isEqualTo(3);
            release.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (done.size() < 8 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(done).hasSize(8);
            assertThat(most.get()).isEqualTo(3);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFailingItemDoesNotStopTheDrainer() {
        ManualExecutor pool = new ManualExecutor();
        List<Integer> done = new ArrayList<>();
        Drainers<Integer> drainers = new Drainers<>(pool, 1, i -> {
            if (i == 1) {
                throw new IllegalStateException("bug in one item");
            }
            done.add(i);
        });
        drainers.offer(0);
        drainers.offer(1);
        drainers.offer(2);
        pool.runAll();
        assertThat(done).containsExactly(0, 2);
    }

    @Test
    void clearDropsWhatIsQueued() {
        ManualExecutor pool = new ManualExecutor();
        List<Integer> done = new ArrayList<>();
        Drainers<Integer> drainers = new Drainers<>(pool, 1, done::add);
        drainers.offer(0);
        drainers.clear();
        pool.runAll();
        assertThat(done).isEmpty();
    }
}
