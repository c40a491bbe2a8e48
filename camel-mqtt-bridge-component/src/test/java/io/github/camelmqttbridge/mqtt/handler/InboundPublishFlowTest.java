package io.github.camelmqttbridge.mqtt.handler;

import static io.github.camelmqttbridge.mqtt.handler.EngineHarness.options;
import static io.github.camelmqttbridge.mqtt.handler.EngineHarness.packetId;
import static io.github.camelmqttbridge.mqtt.handler.EngineHarness.publishPacket;
import static io.github.camelmqttbridge.mqtt.handler.EngineHarness.reply;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.camelmqttbridge.mqtt.error.MqttSessionStoreException;
import io.github.camelmqttbridge.mqtt.message.AckMode;
import io.github.camelmqttbridge.mqtt.message.InboundMessage;
import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import io.github.camelmqttbridge.mqtt.message.Subscription;
import io.github.camelmqttbridge.mqtt.session.MemorySessionStore;
import io.github.camelmqttbridge.mqtt.session.SessionStore;
import io.github.camelmqttbridge.mqtt.session.StoredPublish;
import io.github.camelmqttbridge.mqtt.session.StoredSession;
import io.github.camelmqttbridge.mqtt.session.StoredSubscription;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class InboundPublishFlowTest {

    private static EngineHarness subscribed(EngineHarness h) {
        h.connect(false);
        h.subscribe(Subscription.of("#", 2));
        h.inbound(SubscriptionFlowTest.suback(packetId(h.<MqttMessage>out()), 2));
        return h;
    }

    private static String types(List<MqttMessage> messages) {
        StringBuilder b = new StringBuilder();
        for (MqttMessage m : messages) {
            b.append(m.fixedHeader().messageType()).append(':').append(packetId(m)).append(' ');
        }
        return b.toString().trim();
    }

    @Test
    void qos1IsAcknowledgedOnlyWhenTheApplicationSaysSo() {
        try (EngineHarness h = subscribed(EngineHarness.v5())) {
            h.inbound(publishPacket("a/b", 1, 10));
            assertThat(h.received).singleElement().satisfies(m -> {
                assertThat(m.topic()).isEqualTo("a/b");
                assertThat(m.qos()).isEqualTo(1);
                assertThat(m.packetId()).isEqualTo(10);
            });
            assertThat(h.allOut()).isEmpty();
            h.received.get(0).acknowledge();
            assertThat(types(h.allOut())).isEqualTo("PUBACK:10");
            h.received.get(0).acknowledge();
            assertThat(h.allOut()).as("acknowledge is idempotent").isEmpty();
        }
    }

    @Test
    void acksLeaveInArrivalOrder() {
        try (EngineHarness h = subscribed(EngineHarness.v5())) {
            h.inbound(publishPacket("a", 1, 1));
            h.inbound(publishPacket("a", 1, 2));
            h.inbound(publishPacket("a", 2, 3));
            h.received.get(1).acknowledge();
            assertThat(h.allOut()).as("#2 waits for #1").isEmpty();
            h.received.get(2).acknowledge();
            assertThat(h.allOut()).isEmpty();
            h.received.get(0).acknowledge();
            assertThat(types(h.allOut())).isEqualTo("PUBACK:1 PUBACK:2 PUBREC:3");
        }
    }

    @Test
    void acknowledgeFromAnotherThreadHopsToTheEventLoop() throws Exception {
        try (EngineHarness h = subscribed(EngineHarness.v5())) {
            h.inbound(publishPacket("a", 1, 5));
            Thread worker = new Thread(() -> h.received.get(0).acknowledge(), "app-worker");
            worker.start();
            worker.join();
            assertThat(h.received.get(0).isAcknowledged()).isTrue();
            assertThat(h.allOut()).as("nothing written from the worker thread").isEmpty();
            assertThat(h.inbound.heldCount()).isEqualTo(1);
            h.channel.runPendingTasks();
            assertThat(types(h.allOut())).isEqualTo("PUBACK:5");
            assertThat(h.inbound.heldCount()).isZero();
        }
    }

    @Test
    void qos2DuplicateIsNotDeliveredTwiceAndPubrelGetsPubcomp() throws Exception {
        try (EngineHarness h = subscribed(EngineHarness.v5())) {
            h.inbound(publishPacket("a", 2, 7));
            // re-sent while the application still works on it
            h.inbound(publishPacket("a", 2, 7, true, MqttProperties.NO_PROPERTIES));
            assertThat(h.received).hasSize(1);
            assertThat(h.allOut()).isEmpty();
            h.received.get(0).acknowledge();
            assertThat(types(h.allOut())).isEqualTo("PUBREC:7");
            assertThat(h.store.open("test-client").inboundAwaitingRelease()).containsExactly(7);
            // re-sent after PUBREC (PUBREC lost): answered again, not delivered
            h.inbound(publishPacket("a", 2, 7, true, MqttProperties.NO_PROPERTIES));
            assertThat(h.received).hasSize(1);
            assertThat(types(h.allOut())).isEqualTo("PUBREC:7");
            assertThat(h.metrics.duplicatesSuppressed()).isEqualTo(2);
            h.inbound(reply(MqttMessageType.PUBREL, 7));
            MqttMessage pubcomp = h.out();
            assertThat(pubcomp.fixedHeader().messageType()).isEqualTo(MqttMessageType.PUBCOMP);
            assertThat(packetId(pubcomp)).isEqualTo(7);
            assertThat(h.store.open("test-client").inboundAwaitingRelease()).isEmpty();
            // after PUBCOMP the id is free: a new message with it is delivered
            h.inbound(publishPacket("a", 2, 7));
            assertThat(h.received).hasSize(2);
        }
    }

    @Test
    void thePubcompsForOneReadAreFlushedOnceAtItsEnd() {
        try (EngineHarness h = subscribed(EngineHarness.v5())) {
            for (int id = 1; id <= 5; id++) {
                h.inbound(publishPacket("a", 2, id));
            }
            h.received.forEach(m -> m.acknowledge());
            assertThat(types(h.allOut())).isEqualTo("PUBREC:1 PUBREC:2 PUBREC:3 PUBREC:4 PUBREC:5");
            // five PUBRELs in one socket read: nothing reaches the socket until the read is complete, then all five
            for (int id = 1; id <= 5; id++) {
                h.channel.pipeline().fireChannelRead(reply(MqttMessageType.PUBREL, id));
            }
            assertThat(h.allOut()).as("written, not flushed yet").isEmpty();
            h.channel.pipeline().fireChannelReadComplete();
            h.channel.runPendingTasks();
            assertThat(types(h.allOut())).isEqualTo("PUBCOMP:1 PUBCOMP:2 PUBCOMP:3 PUBCOMP:4 PUBCOMP:5");
        }
    }

    @Test
    void pubrelForUnknownIdGetsPacketIdNotFoundOnV5() {
        try (EngineHarness h = subscribed(EngineHarness.v5())) {
            h.inbound(reply(MqttMessageType.PUBREL, 99));
            MqttMessage pubcomp = h.out();
            assertThat(((MqttPubReplyMessageVariableHeader) pubcomp.variableHeader()).reasonCode()).isEqualTo((byte) 0x92);
            assertThat(h.channel.isOpen()).isTrue();
        }
    }

    @Test
    void exceedingOurReceiveMaximumIsDisconnectedWith0x93WhenFlowControlIsStrict() {
        try (EngineHarness h = subscribed(new EngineHarness(options(MqttVersion.V5).receiveMaximum(2).strictFlowControl(true).build()))) {
            h.inbound(publishPacket("a", 1, 1));
            h.inbound(publishPacket("a", 1, 2));
            assertThat(h.channel.isOpen()).isTrue();
            h.inbound(publishPacket("a", 1, 3));
            assertThat(h.received).hasSize(2);
            assertThat(EngineHarness.disconnectReason(h.out())).isEqualTo(0x93);
            assertThat(h.channel.isOpen()).isFalse();
        }
    }

    @Test
    void exceedingOurReceiveMaximumIsToleratedAndCountedByDefault() {
        // Mosquitto 2.0 overshoots a client's Receive Maximum under load; closing would only make it resend.
        try (EngineHarness h = subscribed(new EngineHarness(options(MqttVersion.V5).receiveMaximum(2).build()))) {
            h.inbound(publishPacket("a", 1, 1));
            h.inbound(publishPacket("a", 1, 2));
            h.inbound(publishPacket("a", 1, 3));
            // held back (bounded) while the flow is full, not delivered beyond the window
            assertThat(h.received).hasSize(2);
            assertThat(h.channel.isOpen()).isTrue();
            assertThat(h.metrics.receiveMaximumExceeded()).isEqualTo(1);
            assertThat(h.readsPublishes()).isFalse();
            h.received.get(0).acknowledge();
            assertThat(h.received).hasSize(3);
        }
    }

    @Test
    void readingPausesAtReceiveMaximumAndResumesAfterAck() {
        try (EngineHarness h = subscribed(new EngineHarness(options(MqttVersion.V5).receiveMaximum(2).build()))) {
            h.inbound(publishPacket("a", 1, 1));
            assertThat(h.readsPublishes()).isTrue();
            h.inbound(publishPacket("a", 1, 2));
            assertThat(h.readsPublishes()).isFalse();
            h.received.get(1).acknowledge();
            assertThat(h.readsPublishes()).isTrue();
            assertThat(h.allOut()).isEmpty();
            h.received.get(0).acknowledge();
            assertThat(types(h.allOut())).isEqualTo("PUBACK:1 PUBACK:2");
        }
    }

    @Test
    void inboundTopicAliasIsResolvedAndUnknownAliasIsAProtocolError() {
        try (EngineHarness h = subscribed(new EngineHarness(options(MqttVersion.V5).topicAliasMaximum(4).build()))) {
            MqttProperties alias = EngineHarness.props(MqttPropertyType.TOPIC_ALIAS, 3);
            h.inbound(publishPacket("long/topic/name", 0, 0, false, alias));
            h.inbound(publishPacket("", 0, 0, false, alias));
            assertThat(h.received).extracting(m -> m.topic()).containsExactly("long/topic/name", "long/topic/name");
            h.inbound(publishPacket("", 0, 0, false, EngineHarness.props(MqttPropertyType.TOPIC_ALIAS, 2)));
            assertThat(EngineHarness.disconnectReason(h.out())).isEqualTo(0x82);
            assertThat(h.connectionsClosed).singleElement().extracting(Throwable::getMessage).asString()
                    .contains("alias 2");
        }
        try (EngineHarness h = subscribed(new EngineHarness(options(MqttVersion.V5).topicAliasMaximum(4).build()))) {
            h.inbound(publishPacket("x", 0, 0, false, EngineHarness.props(MqttPropertyType.TOPIC_ALIAS, 5)));
            assertThat(EngineHarness.disconnectReason(h.out())).isEqualTo(0x94);
        }
    }

    @Test
    void autoAckModeAcknowledgesAtOnce() {
        try (EngineHarness h = subscribed(new EngineHarness(options(MqttVersion.V5).ackMode(AckMode.AUTO).build()))) {
            h.inbound(publishPacket("a", 1, 1));
            h.inbound(publishPacket("a", 2, 2));
            assertThat(types(h.allOut())).isEqualTo("PUBACK:1 PUBREC:2");
            assertThat(h.inbound.heldCount()).isZero();
        }
    }

    @Test
    void properties5AreDelivered() {
        try (EngineHarness h = subscribed(EngineHarness.v5())) {
            MqttProperties p = new MqttProperties();
            p.add(new MqttProperties.StringProperty(MqttPropertyType.CONTENT_TYPE.value(), "text/plain"));
            p.add(new MqttProperties.UserProperty("k", "1"));
            p.add(new MqttProperties.UserProperty("k", "2"));
            p.add(new MqttProperties.IntegerProperty(MqttPropertyType.SUBSCRIPTION_IDENTIFIER.value(), 9));
            h.inbound(publishPacket("a", 0, 0, false, p));
            var props = h.received.get(0).properties();
            assertThat(props.contentType()).isEqualTo("text/plain");
            assertThat(props.userProperties()).extracting(u -> u.value()).containsExactly("1", "2");
            assertThat(props.subscriptionIdentifiers()).containsExactly(9);
        }
    }

    @Test
    void userPropertiesAloneAreDelivered() {
        try (EngineHarness h = subscribed(EngineHarness.v5())) {
            MqttProperties p = new MqttProperties();
            p.add(new MqttProperties.UserProperty("only", "me"));
            h.inbound(publishPacket("a", 0, 0, false, p));
            assertThat(h.received.get(0).properties().userProperties()).extracting(u -> u.value()).containsExactly("me");
        }
    }

    @Test
    void ackMadeWhileOfflineAnswersTheBrokersResendAndTheResendIsNotDeliveredAgain() {
        try (EngineHarness h = subscribed(EngineHarness.v5())) {
            h.inbound(publishPacket("a", 2, 4));
            h.dropConnection();
            h.received.get(0).acknowledge();
            h.connect(true);
            assertThat(h.allOut()).as("the PUBREC waits for the broker's re-send of packet 4").isEmpty();
            h.inbound(publishPacket("a", 2, 4, true, MqttProperties.NO_PROPERTIES));
            assertThat(h.received).hasSize(1);
            assertThat(types(h.allOut())).isEqualTo("PUBREC:4");
            h.inbound(reply(MqttMessageType.PUBREL, 4));
            assertThat(types(h.allOut())).isEqualTo("PUBCOMP:4");
        }
    }

    /**
     * RELIABILITY.md F1, as Mosquitto 2.0.11 does it after a restart with more than max_inflight_messages in flight
     * to us: the messages beyond the first 100 are restored into its queue. An ack written for one of them before
     * its re-send is "unknown" to Mosquitto, which still answers PUBREL (QoS 2) and then re-sends the PUBLISH with
     * DUP=1: acked eagerly, the id is already released and the re-send was delivered a second time.
     */
    @Test
    void acksMadeWhileOfflineAreNotWrittenBeforeTheResendSoAMosquittoStyleReplayIsNotDeliveredTwice() {
        try (EngineHarness h = subscribed(EngineHarness.v5())) {
            h.inbound(publishPacket("a", 2, 4));
            h.inbound(publishPacket("a", 1, 5));
            h.dropConnection();
            h.received.get(0).acknowledge();
            h.received.get(1).acknowledge();
            h.connect(true);
            // the broker (Mosquitto) answers whatever PUBREC it gets with PUBREL, known id or not
            for (MqttMessage m : h.allOut()) {
                if (m.fixedHeader().messageType() == MqttMessageType.PUBREC) {
                    h.inbound(reply(MqttMessageType.PUBREL, packetId(m)));
                }
            }
            h.allOut();
            // ... and then re-sends what it had restored into its queue
            h.inbound(publishPacket("a", 2, 4, true, MqttProperties.NO_PROPERTIES));
            h.inbound(publishPacket("a", 1, 5, true, MqttProperties.NO_PROPERTIES));
            assertThat(h.received).as("each message delivered once").hasSize(2);
            assertThat(types(h.allOut())).isEqualTo("PUBREC:4 PUBACK:5");
            h.inbound(reply(MqttMessageType.PUBREL, 4));
            assertThat(types(h.allOut())).isEqualTo("PUBCOMP:4");
        }
    }

    @Test
    void acksMadeWhileOfflineAreWrittenWhenTheBrokerSendsANewMessageInsteadOfTheResend() {
        // e.g. a broker that lost the messages (Mosquitto after SIGKILL): the acks must not block the ones behind
        try (EngineHarness h = subscribed(EngineHarness.v5())) {
            h.inbound(publishPacket("a", 1, 5));
            h.dropConnection();
            h.received.get(0).acknowledge();
            h.connect(true);
            assertThat(h.allOut()).isEmpty();
            h.inbound(publishPacket("a", 1, 6));
            assertThat(types(h.allOut())).isEqualTo("PUBACK:5");
            h.received.get(1).acknowledge();
            assertThat(types(h.allOut())).isEqualTo("PUBACK:6");
        }
    }

    @Test
    void oneResendAnsweredThenANewMessageReleasesTheAckStillWaitingForItsResend() {
        // The engine counts the acks waiting for a re-send instead of scanning the window on every PUBLISH: a
        // re-send answered must not make it forget the one still waiting.
        try (EngineHarness h = subscribed(EngineHarness.v5())) {
            h.inbound(publishPacket("a", 1, 5));
            h.inbound(publishPacket("a", 1, 6));
            h.dropConnection();
            h.received.get(0).acknowledge();
            h.received.get(1).acknowledge();
            h.connect(true);
            assertThat(h.allOut()).isEmpty();
            h.inbound(publishPacket("a", 1, 5, true, MqttProperties.NO_PROPERTIES));
            assertThat(types(h.allOut())).as("5 answered, 6 still waits for its re-send").isEqualTo("PUBACK:5");
            h.inbound(publishPacket("a", 1, 7));
            assertThat(types(h.allOut())).as("a first transmission: the broker will not re-send 6").isEqualTo("PUBACK:6");
            assertThat(h.received).hasSize(3);
        }
    }

    @Test
    void aListenerThatThrowsDoesNotHoldTheAcksOfLaterMessagesAndItsMessageComesBackWithTheResend() {
        try (EngineHarness h = EngineHarness.v5()) {
            h.connect(false);
            List<InboundMessage> got = new ArrayList<>();
            h.subscriptions.subscribe(List.of(Subscription.of("#", 1)), m -> {
                got.add(m);
                if (m.topic().equals("poison")) {
                    throw new IllegalStateException("listener bug");
                }
            }, new CompletableFuture<>());
            h.inbound(SubscriptionFlowTest.suback(packetId(h.<MqttMessage>out()), 1));

            h.inbound(publishPacket("poison", 1, 1));
            h.inbound(publishPacket("fine", 1, 2));
            got.get(1).acknowledge();

            assertThat(types(h.allOut())).as("the failed message no longer holds the ack behind it").isEqualTo("PUBACK:2");
            assertThat(h.inbound.heldCount()).isZero();
            assertThat(h.channel.config().isAutoRead()).isTrue();
            got.get(0).acknowledge();
            assertThat(h.allOut()).as("a failed delivery is not acknowledged later").isEmpty();

            // never acknowledged, so the broker re-sends it on the next connection of the session: delivered again
            h.dropConnection();
            h.connect(true);
            h.inbound(publishPacket("poison", 1, 1, true, MqttProperties.NO_PROPERTIES));
            assertThat(got).hasSize(3);
            assertThat(got.get(2).topic()).isEqualTo("poison");
        }
    }

    @Test
    void aStoreThatCannotRecordTheQos2IdClosesTheConnectionWithoutPubrecAndSaysWhy() {
        FailingStore store = new FailingStore();
        try (EngineHarness h = subscribed(new EngineHarness(options(MqttVersion.V5).build(), store))) {
            h.inbound(publishPacket("a", 2, 3));
            store.failure = "No space left on device";
            h.received.get(0).acknowledge();

            assertThat(h.allOut()).as("no PUBREC, no DISCONNECT: a local failure, not the broker's fault").isEmpty();
            assertThat(h.channel.isOpen()).isFalse();
            assertThat(h.connectionsClosed).singleElement().satisfies(e -> assertThat(e)
                    .isInstanceOf(MqttSessionStoreException.class)
                    .hasMessageContaining("Session store failed to record QoS 2 packet id 3 before PUBREC")
                    .hasMessageContaining("No space left on device")
                    .hasMessageContaining("the broker keeps the message and sends it again on the next connection"));
        }
    }

    @Test
    void aStoreThatCannotForgetTheQos2IdClosesTheConnectionWithoutPubcompSoThePubrelComesAgain() {
        FailingStore store = new FailingStore();
        try (EngineHarness h = subscribed(new EngineHarness(options(MqttVersion.V5).build(), store))) {
            h.inbound(publishPacket("a", 2, 3));
            h.received.get(0).acknowledge();
            assertThat(types(h.allOut())).isEqualTo("PUBREC:3");
            store.failure = "Input/output error";
            h.inbound(reply(MqttMessageType.PUBREL, 3));

            assertThat(h.allOut()).as("no PUBCOMP while the store still holds the id").isEmpty();
            assertThat(h.connectionsClosed).singleElement().satisfies(e -> assertThat(e)
                    .isInstanceOf(MqttSessionStoreException.class)
                    .hasMessageContaining("forget QoS 2 packet id 3 before PUBCOMP (Input/output error)"));

            store.failure = null;
            h.connect(true);
            h.inbound(reply(MqttMessageType.PUBREL, 3));
            MqttMessage pubcomp = h.out();
            assertThat(pubcomp.fixedHeader().messageType()).isEqualTo(MqttMessageType.PUBCOMP);
            assertThat(pubcomp.variableHeader()).isNotInstanceOf(MqttPubReplyMessageVariableHeader.class);
            assertThat(store.delegate.open("test-client").inboundAwaitingRelease()).isEmpty();
        }
    }

    @Test
    void aQos1MessageUnderAnIdAwaitingPubrelIsDeliveredAndEndsTheOldQos2Flow() throws IOException {
        try (EngineHarness h = subscribed(EngineHarness.v5())) {
            h.inbound(publishPacket("a", 2, 5));
            h.received.get(0).acknowledge();
            assertThat(types(h.allOut())).isEqualTo("PUBREC:5");
            h.inbound(publishPacket("b", 1, 5));
            assertThat(h.received).hasSize(2);
            assertThat(h.store.open("test-client").inboundAwaitingRelease()).isEmpty();
            h.received.get(1).acknowledge();
            assertThat(types(h.allOut())).isEqualTo("PUBACK:5");
        }
    }

    /** A memory store whose writes fail with {@link #failure} while it is set. */
    static class FailingStore implements SessionStore {
        final MemorySessionStore delegate = new MemorySessionStore();
        volatile String failure;

        private void check() throws IOException {
            if (failure != null) {
                throw new IOException(failure);
            }
        }

        @Override
        public StoredSession open(String clientId) {
            return delegate.open(clientId);
        }

        @Override
        public void saveOutbound(StoredPublish publish) throws IOException {
            check();
            delegate.saveOutbound(publish);
        }

        @Override
        public void markReleased(int packetId) throws IOException {
            check();
            delegate.markReleased(packetId);
        }

        @Override
        public void removeOutbound(int packetId) throws IOException {
            check();
            delegate.removeOutbound(packetId);
        }

        @Override
        public void addInboundAwaitingRelease(int packetId) throws IOException {
            check();
            delegate.addInboundAwaitingRelease(packetId);
        }

        @Override
        public void removeInboundAwaitingRelease(int packetId) throws IOException {
            check();
            delegate.removeInboundAwaitingRelease(packetId);
        }

        @Override
        public void saveSubscription(StoredSubscription subscription) throws IOException {
            check();
            delegate.saveSubscription(subscription);
        }

        @Override
        public void removeSubscription(String topicFilter) throws IOException {
            check();
            delegate.removeSubscription(topicFilter);
        }

        @Override
        public void clear() throws IOException {
            check();
            delegate.clear();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
