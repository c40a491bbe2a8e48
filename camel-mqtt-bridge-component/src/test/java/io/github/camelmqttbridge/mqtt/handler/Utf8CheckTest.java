package io.github.camelmqttbridge.mqtt.handler;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Utf8CheckTest {

    /** @return whether the check accepts all of {@code hex} (bytes as hex pairs) as one whole string */
    private static boolean accepts(String hex) {
        Utf8Check check = new Utf8Check();
        for (int i = 0; i < hex.length(); i += 2) {
            if (!check.accept(Integer.parseInt(hex, i, i + 2, 16))) {
                return false;
            }
        }
        return check.complete();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a/b", "é", "€", "\uD83D\uDE00", "\uFFFD", "\uD7FF", "\uE000", "\uDBFF\uDFFF", "\u007F"})
    void wellFormedStringsPass(String s) {
        StringBuilder hex = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            hex.append(String.format("%02X", b));
        }
        assertThat(accepts(hex.toString())).as("%s", hex).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "00", // U+0000
        "80", // continuation without a lead byte
        "C0AF", "C1BF", // overlong two-byte forms
        "E080AF", // overlong three-byte form
        "F08080AF", // overlong four-byte form
        "EDA080", "EDBFBF", // surrogates U+D800, U+DFFF
        "F4908080", // above U+10FFFF
        "F5808080", "FF", // lead bytes that never occur
        "C3", "E282", "F09F98", // cut off in the middle of a character
        "C328", // a lead byte followed by no continuation
    })
    void illFormedStringsAndNullAreRefused(String hex) {
        assertThat(accepts(hex)).as("%s", hex).isFalse();
    }
}
