package io.github.camelmqttbridge.mqtt.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link SessionStore} must do; subclasses say how to create one and how to "reconnect". */
abstract class AbstractSessionStoreContractTest {

    static final String CLIENT_ID = "sensor-gateway-1";

    protected SessionStore store;

    /** A new, unopened store on this test's storage. */
    protected abstract SessionStore createStore() throws IOException;

    /** What a reconnect of the client sees: the same object reopened, or a new one on the same files. */
    protected abstract StoredSession reopen() throws IOException;

    @BeforeEach
    void openStore() throws IOException {
        store = createStore();
        assertThat(store.open(CLIENT_ID).isEmpty()).isTrue();
    }

    @AfterEach
    void closeStore() throws IOException {
        if (store != null) {
            store.close();
        }
    }

    static StoredPublish publish(int packetId, String payload) {
        return new StoredPublish(packetId, "plant/line-" + packetId + "/temp", payload.getBytes(StandardCharsets.UTF_8),
                packetId % 2 == 0 ? 2 : 1, packetId % 3 == 0, false, new byte[] {0x23, (byte) packetId});
    }

    static StoredSubscription subscription(String filter, int qos) {
        return new StoredSubscription(filter, qos, false, true, 1, 0);
    }

    /** StoredPublish holds arrays, so records are compared field by field, arrays by content. */
    static void assertOutbound(StoredSession session, StoredPublish... expected) {
        assertThat(session.outbound()).usingRecursiveFieldByFieldElementComparator().containsExactly(expected);
    }

    @Test
    void savedOutboundMessagesComeBackInTheOrderTheyWereSent() throws IOException {
        store.saveOutbound(publish(7, "a"));
        store.saveOutbound(publish(3, "b"));
        store.saveOutbound(publish(65535, "c"));

        assertOutbound(reopen(), publish(7, "a"), publish(3, "b"), publish(65535, "c"));
    }

    @Test
    void savingAKnownPacketIdAgainReplacesItAndMovesItToTheEnd() throws IOException {
        store.saveOutbound(publish(1, "first"));
        store.saveOutbound(publish(2, "second"));
        store.saveOutbound(publish(1, "again"));

        assertOutbound(reopen(), publish(2, "second"), publish(1, "again"));
    }

    @Test
    void markReleasedKeepsTheMessageInItsPlace() throws IOException {
        store.saveOutbound(publish(1, "a"));
        store.saveOutbound(publish(2, "b"));
        store.markReleased(1);
        store.markReleased(99); // unknown id: nothing happens

        assertOutbound(reopen(), publish(1, "a").withReleased(), publish(2, "b"));
    }

    @Test
    void removedOutboundMessagesAreGone() throws IOException {
        store.saveOutbound(publish(1, "a"));
        store.saveOutbound(publish(2, "b"));
        store.saveOutbound(publish(3, "c"));
        store.removeOutbound(2);
        store.removeOutbound(42); // unknown id: nothing happens

        assertOutbound(reopen(), publish(1, "a"), publish(3, "c"));
    }

    @Test
    void emptyPayloadAndNullPropertiesComeBackAsEmptyArrays() throws IOException {
        store.saveOutbound(new StoredPublish(5, "t", new byte[0], 1, false, false, null));

        StoredPublish recovered = reopen().outbound().get(0);
        assertThat(recovered.payload()).isEmpty();
        assertThat(recovered.properties()).isNotNull().isEmpty();
    }

    @Test
    void inboundAwaitingReleaseIsAddedAndRemoved() throws IOException {
        store.addInboundAwaitingRelease(10);
        store.addInboundAwaitingRelease(11);
        store.addInboundAwaitingRelease(12);
        store.removeInboundAwaitingRelease(11);

        assertThat(reopen().inboundAwaitingRelease()).containsExactlyInAnyOrder(10, 12);
    }

    @Test
    void subscriptionsAreSavedReplacedAndRemovedInTheOrderMade() throws IOException {
        store.saveSubscription(subscription("a/#", 1));
        store.saveSubscription(subscription("b/+", 0));
        store.saveSubscription(subscription("c", 2));
        store.saveSubscription(new StoredSubscription("a/#", 2, true, false, 2, 17));
        store.removeSubscription("b/+");

        assertThat(reopen().subscriptions()).containsExactly(new StoredSubscription("a/#", 2, true, false, 2, 17),
                subscription("c", 2));
    }

    @Test
    void clearForgetsEverythingAndTheStoreStaysUsable() throws IOException {
        store.saveOutbound(publish(1, "a"));
        store.addInboundAwaitingRelease(2);
        store.saveSubscription(subscription("x", 1));
        store.clear();
        store.saveOutbound(publish(3, "after clear"));

        StoredSession session = reopen();
        assertOutbound(session, publish(3, "after clear"));
        assertThat(session.inboundAwaitingRelease()).isEmpty();
        assertThat(session.subscriptions()).isEmpty();
    }

    @Test
    void textInTopicsAndFiltersSurvivesAsUnicode() throws IOException {
        StoredPublish unicode = new StoredPublish(9, "fabrik/halle-ü/温度/🌡", new byte[] {1}, 1, false, false,
                new byte[0]);
        store.saveOutbound(unicode);
        store.saveSubscription(subscription("fabrik/ü/+", 1));

        StoredSession session = reopen();
        assertOutbound(session, unicode);
        assertThat(session.subscriptions()).containsExactly(subscription("fabrik/ü/+", 1));
    }

    @Test
    void invalidPacketIdsAreRefused() {
        assertThatThrownBy(() -> store.saveOutbound(publish(0, "x"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("packet id must be 1..65535 but was 0");
        assertThatThrownBy(() -> store.addInboundAwaitingRelease(65536))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyMethodFailsAfterClose() throws IOException {
        store.close();
        SessionStore closed = store;
        store = null;

        List<ThrowingCall> calls = List.of(() -> closed.open(CLIENT_ID), () -> closed.saveOutbound(publish(1, "a")),
                () -> closed.markReleased(1), () -> closed.removeOutbound(1),
                () -> closed.addInboundAwaitingRelease(1), () -> closed.removeInboundAwaitingRelease(1),
                () -> closed.saveSubscription(subscription("a", 1)), () -> closed.removeSubscription("a"),
                closed::clear);
        for (ThrowingCall call : calls) {
            assertThatThrownBy(call::run).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        }
        closed.close(); // closing twice is harmless
    }

    interface ThrowingCall {
        void run() throws Exception;
    }
}
