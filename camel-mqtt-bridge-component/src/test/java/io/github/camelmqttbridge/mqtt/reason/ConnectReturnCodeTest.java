package io.github.camelmqttbridge.mqtt.reason;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConnectReturnCodeTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "0 | accepted (3.1.1 return code 0)                      | ACCEPTED                      | SUCCESS",
        "1 | unacceptable protocol version (3.1.1 return code 1) | UNACCEPTABLE_PROTOCOL_VERSION"
                + " | UNSUPPORTED_PROTOCOL_VERSION",
        "2 | identifier rejected (3.1.1 return code 2)           | IDENTIFIER_REJECTED"
                + "           | CLIENT_IDENTIFIER_NOT_VALID",
        "3 | server unavailable (3.1.1 return code 3)            | SERVER_UNAVAILABLE            | SERVER_UNAVAILABLE",
        "4 | bad user name or password (3.1.1 return code 4)     | BAD_USER_NAME_OR_PASSWORD"
                + "     | BAD_USER_NAME_OR_PASSWORD",
        "5 | not authorized (3.1.1 return code 5)                | NOT_AUTHORIZED                | NOT_AUTHORIZED"})
    void describesEveryReturnCode(int code, String expected, ConnectReturnCode constant, ReasonCode mqtt5) {
        assertThat(ConnectReturnCode.describe(code)).isEqualTo(expected);
        assertThat(ConnectReturnCode.of(code)).contains(constant);
        assertThat(constant.code()).isEqualTo(code);
        assertThat(constant.describe()).isEqualTo(expected);
        assertThat(constant.reasonCode()).isEqualTo(mqtt5);
    }

    @Test
    void describesUnknownReturnCodes() {
        assertThat(ConnectReturnCode.describe(9)).isEqualTo("unknown return code (3.1.1 return code 9)");
        assertThat(ConnectReturnCode.describe(6)).isEqualTo("unknown return code (3.1.1 return code 6)");
        assertThat(ConnectReturnCode.describe((byte) 0xF3)).isEqualTo("unknown return code (3.1.1 return code 243)");
        assertThat(ConnectReturnCode.of(6)).isEmpty();
        assertThat(ConnectReturnCode.of(-1)).isEmpty();
        assertThat(ConnectReturnCode.of(-129)).isEmpty();
    }

    @Test
    void onlyZeroIsAccepted() {
        assertThat(ConnectReturnCode.ACCEPTED.isAccepted()).isTrue();
        for (ConnectReturnCode code : ConnectReturnCode.values()) {
            assertThat(code.isAccepted()).as(code.name()).isEqualTo(code.code() == 0);
            assertThat(code.reasonCode().isError()).as(code.name()).isEqualTo(code.code() != 0);
        }
    }

    @Test
    void descriptionsAreLowerCase() {
        for (ConnectReturnCode code : ConnectReturnCode.values()) {
            assertThat(code.description()).isEqualTo(code.description().toLowerCase());
        }
    }
}
