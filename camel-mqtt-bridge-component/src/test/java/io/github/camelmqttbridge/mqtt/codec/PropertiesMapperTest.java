package io.github.camelmqttbridge.mqtt.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.camelmqttbridge.mqtt.message.MessageProperties;
import io.github.camelmqttbridge.mqtt.message.UserProperty;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttProperties;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class PropertiesMapperTest {

    private static final MessageProperties FULL = MessageProperties.builder().messageExpiryInterval(0xFFFFFFFFL)
            .contentType("application/json; charset=utf-8").payloadFormatUtf8(true).responseTopic("reply/\u00e9")
            .correlationData(new byte[] {0, 1, (byte) 0xFF})
            .userProperty("b", "1").userProperty("a", "2").userProperty("b", "3").userProperty("\uD83D\uDE00", "")
            .build();

    private static void assertSame(MessageProperties actual, MessageProperties expected) {
        assertThat(actual.messageExpiryInterval()).isEqualTo(expected.messageExpiryInterval());
        assertThat(actual.contentType()).isEqualTo(expected.contentType());
        assertThat(actual.payloadFormatUtf8()).isEqualTo(expected.payloadFormatUtf8());
        assertThat(actual.responseTopic()).isEqualTo(expected.responseTopic());
        assertThat(actual.correlationData()).isEqualTo(expected.correlationData());
        assertThat(actual.userProperties()).containsExactlyElementsOf(expected.userProperties());
    }

    @Test
    void nettyRoundTripKeepsEverythingAndUserPropertyOrder() {
        MessageProperties back = PropertiesMapper.fromNetty(PropertiesMapper.toNetty(FULL));
        assertSame(back, FULL);
        assertThat(back.userProperties()).extracting(UserProperty::key).containsExactly("b", "a", "b", "\uD83D\uDE00");
    }

    @Test
    void storeBytesRoundTripKeepsEverything() {
        assertSame(PropertiesMapper.fromStoreBytes(PropertiesMapper.toStoreBytes(FULL)), FULL);
        MessageProperties partial = MessageProperties.builder().payloadFormatUtf8(false).build();
        assertSame(PropertiesMapper.fromStoreBytes(PropertiesMapper.toStoreBytes(partial)), partial);
        assertThat(PropertiesMapper.toStoreBytes(MessageProperties.NONE)).isEmpty();
        assertThat(PropertiesMapper.fromStoreBytes(new byte[0]).isEmpty()).isTrue();
        assertThat(PropertiesMapper.fromStoreBytes(null).isEmpty()).isTrue();
    }

    @Test
    void separateUserPropertyEntriesFromTheWireAreKeptInOrder() {
        MqttProperties p = new MqttProperties();
        p.add(new MqttProperties.UserProperty("x", "1"));
        p.add(new MqttProperties.UserProperty("x", "2"));
        p.add(new MqttProperties.IntegerProperty(MqttPropertyType.SUBSCRIPTION_IDENTIFIER.value(), 4));
        p.add(new MqttProperties.IntegerProperty(MqttPropertyType.SUBSCRIPTION_IDENTIFIER.value(), 7));
        MessageProperties m = PropertiesMapper.fromNetty(p);
        assertThat(m.userProperties()).containsExactly(new UserProperty("x", "1"), new UserProperty("x", "2"));
        assertThat(m.subscriptionIdentifiers()).containsExactly(4, 7);
    }

    @Test
    void emptyAndNullMapToNothing() {
        assertThat(PropertiesMapper.toNetty(null).isEmpty()).isTrue();
        assertThat(PropertiesMapper.fromNetty(MqttProperties.NO_PROPERTIES)).isSameAs(MessageProperties.NONE);
        assertThat(PropertiesMapper.encodedLength(MessageProperties.NONE)).isZero();
        assertThat(List.of(PropertiesMapper.utf8Length("\u00e9"))).containsExactly(2);
    }

    @Test
    void aUserPropertyOfNearly64KiBOfNonBmpCharactersIsStored() {
        // 16,000 x U+1F600: 64,000 UTF-8 bytes (MQTT allows 65,535), but 96,000 bytes of modified UTF-8 (writeUTF's limit
        // is 65,535), which failed the publish before it was sent
        String emojis = "\uD83D\uDE00".repeat(16_000);
        MessageProperties big = MessageProperties.builder().userProperty("k", emojis).contentType(emojis)
                .responseTopic("r/" + emojis).build();

        MessageProperties back = PropertiesMapper.fromStoreBytes(PropertiesMapper.toStoreBytes(big));

        assertSame(back, big);
        assertThat(PropertiesMapper.utf8Length(back.userProperties().get(0).value())).isEqualTo(64_000);
    }

    @Test
    void propertiesStoredByTheFirstFormatStillLoad() throws IOException {
        // what version 1 of the store encoding wrote: strings with writeUTF
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(1);
        out.writeLong(3600);
        out.writeBoolean(true);
        out.writeUTF("text/plain");
        out.writeByte(1);
        out.writeBoolean(false);
        out.writeInt(2);
        out.write(new byte[] {7, 8});
        out.writeInt(2);
        out.writeUTF("k\u00e9");
        out.writeUTF("\uD83D\uDE00");
        out.writeUTF("k");
        out.writeUTF("");

        MessageProperties p = PropertiesMapper.fromStoreBytes(bytes.toByteArray());

        assertThat(p.messageExpiryInterval()).isEqualTo(3600);
        assertThat(p.contentType()).isEqualTo("text/plain");
        assertThat(p.payloadFormatUtf8()).isTrue();
        assertThat(p.responseTopic()).isNull();
        assertThat(p.correlationData()).containsExactly(7, 8);
        assertThat(p.userProperties()).containsExactly(new UserProperty("k\u00e9", "\uD83D\uDE00"), new UserProperty("k", ""));
        assertThat(PropertiesMapper.toStoreBytes(p)[0]).as("written in the current format").isEqualTo((byte) 2);
    }
}
