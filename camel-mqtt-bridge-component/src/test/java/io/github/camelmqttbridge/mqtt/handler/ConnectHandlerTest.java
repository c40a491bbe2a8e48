package io.github.camelmqttbridge.mqtt.handler;

import static io.github.camelmqttbridge.mqtt.handler.EngineHarness.connack;
import static io.github.camelmqttbridge.mqtt.handler.EngineHarness.options;
import static io.github.camelmqttbridge.mqtt.handler.EngineHarness.props;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.camelmqttbridge.mqtt.error.MqttConnectionLostException;
import io.github.camelmqttbridge.mqtt.error.MqttConnectionRefusedException;
import io.github.camelmqttbridge.mqtt.message.MessageProperties;
import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import io.github.camelmqttbridge.mqtt.message.Will;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttProperties;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConnectHandlerTest {

    private static int intProp(MqttProperties p, MqttPropertyType type) {
        return (Integer) p.getProperty(type.value()).value();
    }

    @Test
    void connectFor311CarriesIdCleanSessionCredentialsAndWill() {
        try (EngineHarness h = new EngineHarness(options(MqttVersion.V3_1_1).clientId("c-311").cleanStart(false)
                .keepAliveSeconds(42).userName("alice").password("secret".getBytes(StandardCharsets.UTF_8))
                .will(Will.of("wills/c", "gone".getBytes(StandardCharsets.UTF_8), 1, true)).build())) {
            h.open(false);
            MqttConnectMessage connect = h.out();
            assertThat(connect.variableHeader().version()).isEqualTo(4);
            assertThat(connect.variableHeader().name()).isEqualTo("MQTT");
            assertThat(connect.payload().clientIdentifier()).isEqualTo("c-311");
            assertThat(connect.variableHeader().isCleanSession()).isFalse();
            assertThat(connect.variableHeader().keepAliveTimeSeconds()).isEqualTo(42);
            assertThat(connect.variableHeader().hasUserName()).isTrue();
            assertThat(connect.payload().userName()).isEqualTo("alice");
            assertThat(connect.variableHeader().hasPassword()).isTrue();
            assertThat(connect.payload().passwordInBytes()).isEqualTo("secret".getBytes(StandardCharsets.UTF_8));
            assertThat(connect.variableHeader().isWillFlag()).isTrue();
            assertThat(connect.variableHeader().willQos()).isEqualTo(1);
            assertThat(connect.variableHeader().isWillRetain()).isTrue();
            assertThat(connect.payload().willTopic()).isEqualTo("wills/c");
            assertThat(connect.payload().willMessageInBytes()).isEqualTo("gone".getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void connectFor5CarriesSessionExpiryReceiveMaximumPacketSizeAndWillDelay() {
        MessageProperties willProps = MessageProperties.builder().contentType("text/plain").build();
        try (EngineHarness h = new EngineHarness(options(MqttVersion.V5).clientId("c-5").cleanStart(true)
                .sessionExpiryInterval(3600).receiveMaximum(7).maximumPacketSize(4096).topicAliasMaximum(3)
                .userName("bob").password(new byte[] {1, 2})
                .connectUserProperty("k", "v1").connectUserProperty("k", "v2")
                .will(new Will("wills/c5", new byte[] {9}, 2, false, 30, willProps)).build())) {
            h.open(false);
            MqttConnectMessage connect = h.out();
            assertThat(connect.variableHeader().version()).isEqualTo(5);
            assertThat(connect.payload().clientIdentifier()).isEqualTo("c-5");
            assertThat(connect.variableHeader().isCleanSession()).isTrue();
            MqttProperties p = connect.variableHeader().properties();
            assertThat(intProp(p, MqttPropertyType.SESSION_EXPIRY_INTERVAL)).isEqualTo(3600);
            assertThat(intProp(p, MqttPropertyType.RECEIVE_MAXIMUM)).isEqualTo(7);
            assertThat(intProp(p, MqttPropertyType.MAXIMUM_PACKET_SIZE)).isEqualTo(4096);
            assertThat(intProp(p, MqttPropertyType.TOPIC_ALIAS_MAXIMUM)).isEqualTo(3);
            assertThat(p.getProperties(MqttPropertyType.USER_PROPERTY.value())).hasSize(2);
            assertThat(connect.payload().userName()).isEqualTo("bob");
            assertThat(connect.payload().passwordInBytes()).containsExactly(1, 2);
            assertThat(connect.variableHeader().willQos()).isEqualTo(2);
            MqttProperties will = connect.payload().willProperties();
            assertThat(intProp(will, MqttPropertyType.WILL_DELAY_INTERVAL)).isEqualTo(30);
            assertThat(will.getProperty(MqttPropertyType.CONTENT_TYPE.value()).value()).isEqualTo("text/plain");
        }
    }

    @Test
    void connectFor5WithoutSessionExpiryLeavesThePropertyOut() {
        try (EngineHarness h = EngineHarness.v5()) {
            h.open(false);
            MqttConnectMessage connect = h.out();
            assertThat(connect.variableHeader().properties().getProperty(MqttPropertyType.SESSION_EXPIRY_INTERVAL.value()))
                    .isNull();
            assertThat(connect.variableHeader().isWillFlag()).isFalse();
            assertThat(connect.variableHeader().hasPassword()).isFalse();
        }
    }

    @Test
    void refusal311NotAuthorizedBecomesTypedErrorInWords() {
        try (EngineHarness h = EngineHarness.v311()) {
            h.open(false);
            h.out();
            h.inbound(MqttMessageBuilders.connAck()
                    .returnCode(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED).build());
            assertThat(h.attemptFailures).singleElement().isInstanceOf(MqttConnectionRefusedException.class);
            MqttConnectionRefusedException e = (MqttConnectionRefusedException) h.attemptFailures.get(0);
            assertThat(e.code()).isEqualTo(5);
            assertThat(e.getMessage()).contains("not authorized").contains(EngineHarness.URI);
            assertThat(h.channel.isOpen()).isFalse();
            assertThat(h.connection).isNull();
        }
    }

    @Test
    void refusal5NotAuthorizedBecomesTypedErrorInWordsWithReasonString() {
        try (EngineHarness h = EngineHarness.v5()) {
            h.open(false);
            h.out();
            MqttProperties p = new MqttProperties();
            p.add(new MqttProperties.StringProperty(MqttPropertyType.REASON_STRING.value(), "ACL says no"));
            h.inbound(MqttMessageBuilders.connAck()
                    .returnCode(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED_5).properties(p).build());
            MqttConnectionRefusedException e = (MqttConnectionRefusedException) h.attemptFailures.get(0);
            assertThat(e.code()).isEqualTo(0x87);
            assertThat(e.getMessage()).contains("not authorized (0x87)").contains("ACL says no");
            assertThat(h.channel.isOpen()).isFalse();
            assertThat(h.attemptFailures).hasSize(1);
        }
    }

    @Test
    void aThreeOneOneReturnCodeAnsweringOurMqtt5ConnectSaysTheBrokerDoesNotSpeakMqtt5() {
        // Moquette 0.17 answers an MQTT 5 CONNECT with return code 1; it was read as reason code 0x01, "granted QoS 1"
        try (EngineHarness h = EngineHarness.v5()) {
            h.open(false);
            h.out();
            h.inbound(MqttMessageBuilders.connAck()
                    .returnCode(MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION).build());
            MqttConnectionRefusedException e = (MqttConnectionRefusedException) h.attemptFailures.get(0);
            assertThat(e.code()).isEqualTo(1);
            assertThat(e.getMessage()).contains("unacceptable protocol version (3.1.1 return code 1)")
                    .contains("does not speak MQTT 5").doesNotContain("granted");
        }
    }

    @Test
    void aCloseBeforeConnackOnMqtt5AsksWhetherTheBrokerSpeaksMqtt5() {
        // RabbitMQ 3.x closes the connection on an MQTT 5 CONNECT without a word
        try (EngineHarness h = EngineHarness.v5()) {
            h.open(false);
            h.out();
            h.channel.close();
            assertThat(h.attemptFailures).singleElement().extracting(Throwable::getMessage).asString()
                    .contains("closed the connection before answering CONNECT").contains("protocolVersion=3.1.1");
        }
    }

    @Test
    void noConnackWithinConnectTimeoutFailsTheAttempt() {
        try (EngineHarness h = new EngineHarness(options(MqttVersion.V5).connectTimeout(Duration.ofSeconds(2)).build())) {
            h.open(false);
            h.out();
            h.advance(1900);
            assertThat(h.attemptFailures).isEmpty();
            assertThat(h.channel.isOpen()).isTrue();
            h.advance(200);
            assertThat(h.attemptFailures).singleElement().isInstanceOf(MqttConnectionLostException.class)
                    .extracting(Throwable::getMessage).asString().contains("No CONNACK").contains("2000 ms");
            assertThat(h.channel.isOpen()).isFalse();
        }
    }

    @Test
    void connackCancelsTheTimeout() {
        try (EngineHarness h = new EngineHarness(options(MqttVersion.V5).connectTimeout(Duration.ofSeconds(2)).build())) {
            h.connect(false);
            h.advance(5000);
            assertThat(h.attemptFailures).isEmpty();
            assertThat(h.channel.isOpen()).isTrue();
        }
    }

    @Test
    void packetBeforeConnackIsAProtocolError() {
        try (EngineHarness h = EngineHarness.v5()) {
            h.open(false);
            h.out();
            h.inbound(EngineHarness.publishPacket("a", 0, 0));
            assertThat(h.attemptFailures).singleElement().extracting(Throwable::getMessage).asString()
                    .contains("before CONNACK");
            MqttMessage disconnect = h.out();
            assertThat(EngineHarness.disconnectReason(disconnect)).isEqualTo(0x82);
            assertThat(h.channel.isOpen()).isFalse();
        }
    }

    @Test
    void assignedClientIdentifierIsHonoured() {
        try (EngineHarness h = new EngineHarness(options(MqttVersion.V5).clientId("").build())) {
            h.open(false);
            MqttConnectMessage connect = h.out();
            assertThat(connect.payload().clientIdentifier()).isEmpty();
            MqttProperties p = new MqttProperties();
            p.add(new MqttProperties.StringProperty(MqttPropertyType.ASSIGNED_CLIENT_IDENTIFIER.value(), "auto-123"));
            h.inbound(connack(false, p));
            assertThat(h.result.clientId()).isEqualTo("auto-123");
        }
    }

    @Test
    void connackLimitsAreReadAndDefaulted() {
        try (EngineHarness h = EngineHarness.v5()) {
            MqttProperties p = props(MqttPropertyType.RECEIVE_MAXIMUM, 3);
            p.add(new MqttProperties.IntegerProperty(MqttPropertyType.MAXIMUM_PACKET_SIZE.value(), 1000));
            p.add(new MqttProperties.IntegerProperty(MqttPropertyType.MAXIMUM_QOS.value(), 1));
            p.add(new MqttProperties.IntegerProperty(MqttPropertyType.RETAIN_AVAILABLE.value(), 0));
            p.add(new MqttProperties.IntegerProperty(MqttPropertyType.TOPIC_ALIAS_MAXIMUM.value(), 5));
            h.connect(true, p);
            assertThat(h.result.sessionPresent()).isTrue();
            assertThat(h.result.receiveMaximum()).isEqualTo(3);
            assertThat(h.result.maximumPacketSize()).isEqualTo(1000);
            assertThat(h.result.maximumQos()).isEqualTo(1);
            assertThat(h.result.retainAvailable()).isFalse();
            assertThat(h.result.topicAliasMaximum()).isEqualTo(5);
            assertThat(h.result.keepAliveSeconds()).isEqualTo(60);
            assertThat(h.result.clientId()).isEqualTo("test-client");
        }
        try (EngineHarness h = EngineHarness.v311()) {
            h.connect(false);
            assertThat(h.result.receiveMaximum()).isEqualTo(65535);
            assertThat(h.result.maximumQos()).isEqualTo(2);
            assertThat(h.result.retainAvailable()).isTrue();
        }
    }

    @Test
    void secondConnackIsAProtocolError() {
        try (EngineHarness h = EngineHarness.v5()) {
            h.connect(false);
            h.inbound(connack(false, MqttProperties.NO_PROPERTIES));
            assertThat(EngineHarness.disconnectReason(h.out())).isEqualTo(0x82);
            assertThat(h.channel.isOpen()).isFalse();
            assertThat(h.connectionsClosed).singleElement().extracting(Throwable::getMessage).asString()
                    .contains("second CONNACK");
        }
    }

    @Test
    void serverDisconnectIsSurfacedWithReason() {
        try (EngineHarness h = EngineHarness.v5()) {
            h.connect(false);
            MqttProperties p = new MqttProperties();
            p.add(new MqttProperties.StringProperty(MqttPropertyType.REASON_STRING.value(), "maintenance"));
            h.inbound(MqttMessageBuilders.disconnect().reasonCode((byte) 0x8B).properties(p).build());
            assertThat(h.channel.isOpen()).isFalse();
            assertThat(h.connectionsClosed).singleElement().isInstanceOf(
                    io.github.camelmqttbridge.mqtt.error.MqttServerDisconnectException.class)
                    .extracting(Throwable::getMessage).asString().contains("(0x8B)").contains("maintenance");
            Object nothing = h.out();
            assertThat(nothing).as("no DISCONNECT answer to the broker's DISCONNECT").isNull();
        }
    }
}
