package io.github.camelmqttbridge.benchmarks.raw;

import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * What the Paho mqttv3 and mqttv5 drivers share. Paho's two {@code MqttAsyncClient}s are unrelated types with
 * their own listener, callback and exception classes, but the benchmark drives them the same way: publish
 * completion, the subscription check, the diagnostics text and the close sequence live here once, and each
 * subclass supplies only its client's calls.
 */
abstract class PahoDriver implements ClientDriver {

    /** A call on Paho's client; the checked exception it may throw is Paho's MqttException. */
    @FunctionalInterface
    interface ClientCall {
        void run() throws Exception;
    }

    /**
     * What {@link #diagnostics} and {@link #close} ask of the client: calls that Paho v3 and v5 spell alike on
     * unrelated types, so the subclass binds them to its client once, in {@link #clientCreated}.
     *
     * @param disconnect    DISCONNECT with a 5 s quiesce, waiting at most 10 s for it
     * @param closeForcibly drop the connection without DISCONNECT and close, when the polite way failed
     */
    record ClientCalls(BooleanSupplier connected, IntSupplier inFlight, IntSupplier pendingTokens,
            ClientCall disconnect, ClientCall close, ClientCall closeForcibly) {
    }

    private final String connectionLossLabel;
    private final String subscribeRefusal;
    /** Null until the subclass created its client. */
    private ClientCalls client;
    private volatile Consumer<byte[]> onMessage = payload -> { };
    private volatile String connectionLoss;

    /**
     * @param connectionLossLabel what the diagnostics call the library's last report of a lost connection
     * @param subscribeRefusal    format of the failure when the SUBACK does not grant the QoS asked: the code it
     *                            answered, then the QoS asked
     */
    PahoDriver(String connectionLossLabel, String subscribeRefusal) {
        this.connectionLossLabel = connectionLossLabel;
        this.subscribeRefusal = subscribeRefusal;
    }

    /** Publishes without waiting for the acknowledgement; {@code listener} hears the outcome. */
    abstract void send(String topic, byte[] payload, int qos, PublishListener listener) throws Exception;

    /** Subscribes, waits for the SUBACK and returns its code for the one filter. */
    abstract int subscribeAwaitingSuback(String topic, int qos) throws Exception;

    /** For the subclass as soon as it created its client: before connecting, so that a failed connect is closed too. */
    final void clientCreated(ClientCalls calls) {
        this.client = calls;
    }

    /** For the subclass's client callback: a message arrived. */
    final void messageArrived(byte[] payload) {
        onMessage.accept(payload);
    }

    /** For the subclass's client callback: what the library said when the connection went. */
    final void connectionLost(Object report) {
        connectionLoss = String.valueOf(report);
    }

    @Override
    public final void publish(String topic, byte[] payload, int qos, Done done) {
        try {
            send(topic, payload, qos, new PublishListener(done));
        } catch (Exception e) { // Paho's MqttException, or a RuntimeException: the publish failed
            done.complete(e);
        }
    }

    @Override
    public final void subscribe(String topic, int qos, Consumer<byte[]> handler) throws Exception {
        this.onMessage = handler;
        int granted = subscribeAwaitingSuback(topic, qos);
        if (granted != qos) {
            throw new IllegalStateException(String.format(Locale.ROOT, subscribeRefusal, granted, qos));
        }
    }

    @Override
    public final String diagnostics() {
        return client == null ? "not connected"
                : "connected=" + client.connected().getAsBoolean() + ", inFlight=" + client.inFlight().getAsInt()
                        + ", pendingTokens=" + client.pendingTokens().getAsInt() + ", " + connectionLossLabel + "="
                        + connectionLoss;
    }

    @Override
    public final void close() {
        if (client == null) {
            return;
        }
        try {
            if (client.connected().getAsBoolean()) {
                client.disconnect().run();
            }
            client.close().run();
        } catch (RuntimeException e) {
            // as ever: only Paho's MqttException, the one checked exception of these calls, means "force it"
            throw e;
        } catch (Exception mqttException) {
            try {
                client.closeForcibly().run();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    /**
     * Completes one publish's {@link Done}. Paho's v3 and v5 action listeners differ only in their package, so
     * one class serves both; one instance per publish, as the anonymous listener it replaces.
     */
    static final class PublishListener implements org.eclipse.paho.client.mqttv3.IMqttActionListener,
            org.eclipse.paho.mqttv5.client.MqttActionListener {

        private final Done done;

        PublishListener(Done done) {
            this.done = done;
        }

        @Override
        public void onSuccess(org.eclipse.paho.client.mqttv3.IMqttToken token) {
            done.complete(null);
        }

        @Override
        public void onSuccess(org.eclipse.paho.mqttv5.client.IMqttToken token) {
            done.complete(null);
        }

        @Override
        public void onFailure(org.eclipse.paho.client.mqttv3.IMqttToken token, Throwable error) {
            done.complete(error);
        }

        @Override
        public void onFailure(org.eclipse.paho.mqttv5.client.IMqttToken token, Throwable error) {
            done.complete(error);
        }
    }
}
