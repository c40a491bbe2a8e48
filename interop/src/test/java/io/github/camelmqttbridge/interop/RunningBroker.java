package io.github.camelmqttbridge.interop;

/** An {@link InteropBroker} from its parts; {@code stop} ends the broker. */
record RunningBroker(String id, String product, String url, Capabilities capabilities, String userName,
        String password, Runnable stop) implements InteropBroker {

    @Override
    public void close() {
        stop.run();
    }

    @Override
    public String toString() {
        return product + " at " + url; // never the password
    }
}
