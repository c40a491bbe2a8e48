package io.github.camelmqttbridge.mqtt.reason;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class ReasonCodeTest {

    // every entry of MQTT 5.0 table 2-6, with a packet it is allowed in
    @ParameterizedTest(name = "0x{0} in {1}")
    @CsvSource(delimiter = '|', value = {
        "00 | CONNACK    | success (0x00)",
        "00 | DISCONNECT | normal disconnection (0x00)",
        "00 | SUBACK     | granted QoS 0 (0x00)",
        "01 | SUBACK     | granted QoS 1 (0x01)",
        "02 | SUBACK     | granted QoS 2 (0x02)",
        "04 | DISCONNECT | disconnect with will message (0x04)",
        "10 | PUBACK     | no matching subscribers (0x10)",
        "11 | UNSUBACK   | no subscription existed (0x11)",
        "18 | AUTH       | continue authentication (0x18)",
        "19 | AUTH       | re-authenticate (0x19)",
        "80 | CONNACK    | unspecified error (0x80)",
        "81 | CONNACK    | malformed packet (0x81)",
        "82 | DISCONNECT | protocol error (0x82)",
        "83 | PUBACK     | implementation specific error (0x83)",
        "84 | CONNACK    | unsupported protocol version (0x84)",
        "85 | CONNACK    | client identifier not valid (0x85)",
        "86 | CONNACK    | bad user name or password (0x86)",
        "87 | CONNACK    | not authorized (0x87)",
        "88 | CONNACK    | server unavailable (0x88)",
        "89 | CONNACK    | server busy (0x89)",
        "8A | CONNACK    | banned (0x8A)",
        "8B | DISCONNECT | server shutting down (0x8B)",
        "8C | CONNACK    | bad authentication method (0x8C)",
        "8D | DISCONNECT | keep alive timeout (0x8D)",
        "8E | DISCONNECT | session taken over (0x8E)",
        "8F | SUBACK     | topic filter invalid (0x8F)",
        "90 | PUBACK     | topic name invalid (0x90)",
        "91 | PUBACK     | packet identifier in use (0x91)",
        "92 | PUBREL     | packet identifier not found (0x92)",
        "93 | DISCONNECT | receive maximum exceeded (0x93)",
        "94 | DISCONNECT | topic alias invalid (0x94)",
        "95 | CONNACK    | packet too large (0x95)",
        "96 | DISCONNECT | message rate too high (0x96)",
        "97 | PUBACK     | quota exceeded (0x97)",
        "98 | DISCONNECT | administrative action (0x98)",
        "99 | PUBACK     | payload format invalid (0x99)",
        "9A | CONNACK    | retain not supported (0x9A)",
        "9B | CONNACK    | QoS not supported (0x9B)",
        "9C | CONNACK    | use another server (0x9C)",
        "9D | DISCONNECT | server moved (0x9D)",
        "9E | SUBACK     | shared subscriptions not supported (0x9E)",
        "9F | CONNACK    | connection rate exceeded (0x9F)",
        "A0 | DISCONNECT | maximum connect time (0xA0)",
        "A1 | SUBACK     | subscription identifiers not supported (0xA1)",
        "A2 | SUBACK     | wildcard subscriptions not supported (0xA2)"})
    void describesEveryReasonCode(String hex, PacketKind kind, String expected) {
        int code = Integer.parseInt(hex, 16);
        assertThat(ReasonCode.describe(code, kind)).isEqualTo(expected);
        ReasonCode reason = ReasonCode.of(code, kind).orElseThrow();
        assertThat(reason.code()).isEqualTo(code);
        assertThat(reason.isAllowedIn(kind)).isTrue();
        assertThat(reason.describe()).isEqualTo(expected);
    }

    @Test
    void definesTheFortyThreeCodesOfTheSpecification() {
        assertThat(ReasonCode.values()).hasSize(45); // 0x00 has three names
        assertThat(Arrays.stream(ReasonCode.values()).map(ReasonCode::code).distinct().count()).isEqualTo(43);
    }

    @ParameterizedTest
    @EnumSource(PacketKind.class)
    void namesSuccessByPacket(PacketKind kind) {
        String expected = switch (kind) {
            case SUBACK -> "granted QoS 0 (0x00)";
            case DISCONNECT -> "normal disconnection (0x00)";
            default -> "success (0x00)";
        };
        assertThat(ReasonCode.describe(0x00, kind)).isEqualTo(expected);
    }

    @Test
    void describesUnknownCodes() {
        assertThat(ReasonCode.describe(0xF3, PacketKind.PUBACK)).isEqualTo("unknown reason code (0xF3)");
        assertThat(ReasonCode.describe(0x03, PacketKind.SUBACK)).isEqualTo("unknown reason code (0x03)");
        assertThat(ReasonCode.describe(0x1F3, PacketKind.CONNACK)).isEqualTo("unknown reason code (0x1F3)");
    }

    @Test
    void readsNegativeValuesAsNettyBytes() {
        assertThat(ReasonCode.describe((byte) 0x87, PacketKind.SUBACK)).isEqualTo("not authorized (0x87)");
        assertThat(ReasonCode.describe((byte) 0xF3, PacketKind.SUBACK)).isEqualTo("unknown reason code (0xF3)");
        assertThat(ReasonCode.of((byte) 0x9C)).contains(ReasonCode.USE_ANOTHER_SERVER);
        assertThat(ReasonCode.isError((byte) 0x80)).isTrue();
        assertThat(ReasonCode.of(-129)).isEmpty();
    }

    @Test
    void keepsTheUsualNameWhenAPacketDoesNotAllowTheCode() {
        assertThat(ReasonCode.describe(0x01, PacketKind.PUBACK)).isEqualTo("granted QoS 1 (0x01)");
        assertThat(ReasonCode.describe(0x87, PacketKind.PUBREL)).isEqualTo("not authorized (0x87)");
    }

    @Test
    void unspecifiedErrorAlsoReadsWellForTheMqtt311SubackFailure() {
        assertThat(ReasonCode.describe(0x80, PacketKind.SUBACK)).isEqualTo("unspecified error (0x80)");
    }

    @Test
    void classifiesErrors() {
        assertThat(ReasonCode.isError(0x00)).isFalse();
        assertThat(ReasonCode.isError(0x02)).isFalse();
        assertThat(ReasonCode.isError(0x19)).isFalse();
        assertThat(ReasonCode.isError(0x7F)).isFalse();
        assertThat(ReasonCode.isError(0x80)).isTrue();
        assertThat(ReasonCode.isError(0xA2)).isTrue();
        assertThat(ReasonCode.isError(0xF3)).as("undefined but in the error range").isTrue();
        for (ReasonCode reason : ReasonCode.values()) {
            assertThat(reason.isError()).as(reason.name()).isEqualTo(reason.code() >= 0x80);
        }
    }

    @Test
    void looksUpCodes() {
        assertThat(ReasonCode.of(0x00)).contains(ReasonCode.SUCCESS);
        assertThat(ReasonCode.of(0x87)).contains(ReasonCode.NOT_AUTHORIZED);
        assertThat(ReasonCode.of(0xA2)).contains(ReasonCode.WILDCARD_SUBSCRIPTIONS_NOT_SUPPORTED);
        assertThat(ReasonCode.of(0x03)).isEmpty();
        assertThat(ReasonCode.of(0xA3)).isEmpty();
        assertThat(ReasonCode.of(256)).isEmpty();
        assertThat(ReasonCode.of(0x00, PacketKind.DISCONNECT)).contains(ReasonCode.NORMAL_DISCONNECTION);
        assertThat(ReasonCode.of(0x00, PacketKind.SUBACK)).contains(ReasonCode.GRANTED_QOS_0);
        assertThat(ReasonCode.of(0x00, PacketKind.AUTH)).contains(ReasonCode.SUCCESS);
        assertThat(ReasonCode.of(0x03, PacketKind.SUBACK)).isEmpty();
    }

    @Test
    void descriptionsAreLowerCaseWordsExceptQoS() {
        for (ReasonCode reason : ReasonCode.values()) {
            String withoutQoS = reason.description().replace("QoS", "qos");
            assertThat(withoutQoS).as(reason.name()).isEqualTo(withoutQoS.toLowerCase());
        }
    }

    @Test
    void knowsWhichPacketsAllowACode() {
        assertThat(ReasonCode.PACKET_IDENTIFIER_NOT_FOUND.packets())
                .containsExactlyInAnyOrder(PacketKind.PUBREL, PacketKind.PUBCOMP);
        assertThat(ReasonCode.SUCCESS.packets()).doesNotContain(PacketKind.SUBACK, PacketKind.DISCONNECT);
        assertThat(ReasonCode.NOT_AUTHORIZED.isAllowedIn(PacketKind.PUBREL)).isFalse();
        // every packet kind has a success code, and all but AUTH have at least one error code
        for (PacketKind kind : PacketKind.values()) {
            assertThat(ReasonCode.of(0x00, kind)).isPresent();
        }
        var kindsWithErrors = Arrays.stream(ReasonCode.values()).filter(ReasonCode::isError)
                .flatMap(reason -> reason.packets().stream())
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(PacketKind.class)));
        assertThat(kindsWithErrors).isEqualTo(EnumSet.complementOf(EnumSet.of(PacketKind.AUTH)));
    }
}
