package io.github.camelmqttbridge.runner;

/** A route step that takes its time (plain Thread.sleep on the consumer's thread), for the shutdown test. */
public final class SlowStep {

    public void pause(long millis) throws InterruptedException {
        Thread.sleep(millis);
    }
}
