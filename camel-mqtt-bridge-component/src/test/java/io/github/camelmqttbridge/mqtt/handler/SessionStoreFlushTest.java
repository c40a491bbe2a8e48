package io.github.camelmqttbridge.mqtt.handler;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.camelmqttbridge.mqtt.error.MqttSessionStoreException;
import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import io.github.camelmqttbridge.mqtt.message.PublishResult;
import io.github.camelmqttbridge.mqtt.session.StoredPublish;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The session store gets {@code beforeFlush()} after it recorded what a packet depends on and before the packet is
 * flushed (where SyncPolicy.ALWAYS forces its records); when that fails, the packet is not sent.
 */
class SessionStoreFlushTest {

    /** Notes, at each beforeFlush, how many outbound messages it holds and how many packets were already flushed. */
    private static final class Recording extends InboundPublishFlowTest.FailingStore {
        EngineHarness harness;
        final List<String> flushes = new ArrayList<>();
        boolean failFlush;

        @Override
        public void beforeFlush() throws IOException {
            if (failFlush) {
                throw new IOException("fsync failed: Input/output error");
            }
            int onTheWire = harness == null || harness.channel == null ? 0 : harness.channel.outboundMessages().size();
            flushes.add("stored=" + delegate.open("test-client").outbound().size() + " flushed=" + onTheWire);
        }
    }

    @Test
    void theStoreIsAskedToSyncAfterRecordingThePublishAndBeforeItIsFlushed() {
        Recording store = new Recording();
        try (EngineHarness h = new EngineHarness(EngineHarness.options(MqttVersion.V5).build(), store)) {
            store.harness = h;
            h.connect(false);
            store.flushes.clear();

            CompletableFuture<PublishResult> f = h.publish("t", 1);

            assertThat(store.flushes).containsExactly("stored=1 flushed=0");
            MqttPublishMessage publish = h.out();
            assertThat(publish.fixedHeader().messageType()).isEqualTo(MqttMessageType.PUBLISH);
            publish.release();
            assertThat(f).isNotDone();
        }
    }

    @Test
    void whenTheStoreCannotSyncNothingIsSentAndTheConnectionClosesSayingWhy() {
        Recording store = new Recording();
        try (EngineHarness h = new EngineHarness(EngineHarness.options(MqttVersion.V5).build(), store)) {
            store.harness = h;
            h.connect(false);
            store.failFlush = true;

            h.publish("t", 1);

            List<MqttMessage> sent = h.allOut();
            assertThat(sent).as("the PUBLISH whose record is not on disk never leaves").isEmpty();
            assertThat(h.channel.isOpen()).isFalse();
            assertThat(h.connectionsClosed).singleElement().satisfies(e -> assertThat(e)
                    .isInstanceOf(MqttSessionStoreException.class)
                    .hasMessageContaining("Session store failed to force its records to disk (fsync failed: Input/output"
                            + " error)"));
            List<StoredPublish> kept = store.delegate.open("test-client").outbound();
            assertThat(kept).as("re-sent after the reconnect").hasSize(1);
        }
    }
}
