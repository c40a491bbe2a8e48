package io.github.camelmqttbridge.testsupport;

/** Open: bytes flow through the proxy. Closed: every pump holds what it read until the gate opens again. */
final class ForwardingGate {

    private boolean open = true;

    synchronized void open() {
        open = true;
        notifyAll();
    }

    synchronized void close() {
        open = false;
    }

    synchronized boolean isOpen() {
        return open;
    }

    /** Returns when the gate is open; a pump is interrupted when its connection is dropped. */
    synchronized void awaitOpen() throws InterruptedException {
        while (!open) {
            wait();
        }
    }
}
