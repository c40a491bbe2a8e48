package io.github.camelmqttbridge.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The W3C checks: what a publisher may put in traceparent / tracestate and what is dropped. */
class W3cTraceContextTest {

    static final String VALID = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void theSpecificationsExampleIsValidAndNamesItsTraceAndParent() {
        assertThat(W3cTraceContext.isValidTraceparent(VALID)).isTrue();
        W3cTraceContext c = W3cTraceContext.of(VALID, "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
        assertThat(c.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(c.parentId()).isEqualTo("00f067aa0ba902b7");
        assertThat(c.tracestate()).isEqualTo("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01", // upper case hex
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01", // trace id all zeros
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", // parent id all zeros
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", // version ff
        "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",  // trace id one short
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-", // version 00 with more
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g", // flags not hex
        "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01", // wrong separators
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\r\nX-Evil: 1",
        " 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x", // later version: field must follow a dash
        "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-Z",
    })
    void malformedTraceparentsAreNotValid(String value) {
        assertThat(W3cTraceContext.isValidTraceparent(value)).isFalse();
        assertThat(W3cTraceContext.of(value, "a=1")).isNull();
    }

    @Test
    void aLaterVersionIsAcceptedWithFieldsOfItsOwnUpToTheLimit() {
        String later = "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        assertThat(W3cTraceContext.isValidTraceparent(later)).isTrue();
        assertThat(W3cTraceContext.isValidTraceparent(later + "-0a1b")).isTrue();
        String longest = later + "-" + "a".repeat(W3cTraceContext.MAX_TRACEPARENT_LENGTH - later.length() - 1);
        assertThat(longest).hasSize(W3cTraceContext.MAX_TRACEPARENT_LENGTH);
        assertThat(W3cTraceContext.isValidTraceparent(longest)).isTrue();
        assertThat(W3cTraceContext.isValidTraceparent(longest + "a")).as("oversized").isFalse();
        assertThat(W3cTraceContext.isValidTraceparent(null)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "rojo=00f067aa0ba902b7",
        "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE",
        "rojo=1 ,\tcongo=2",                // optional white space around the comma
        "rojo=1,,congo=2",                  // empty list members are allowed
        "fw529a3039@dt=abc,1tenant@sys-1=x", // multi-tenant keys
        "a_b-c*d/e=~!\"#$%&'()*+-./:;<>?@[]^_`{|}",
    })
    void wellFormedTracestatesAreValid(String value) {
        assertThat(W3cTraceContext.isValidTracestate(value)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "   ",
        ",",
        "Rojo=1",          // key with an upper case letter
        "1rojo=1",         // simple key starting with a digit
        "rojo",            // no value
        "rojo=",           // empty value
        "rojo=a=b",        // '=' in the value
        "rojo=caf\u00e9",  // not ASCII
        "rojo=1\u0001",    // control character
        "rojo=1\nX-Evil=2",
        "rojo=1,rojo=2",   // duplicate key
        "tenant@=1",       // empty system id
        "@sys=1",          // empty tenant id
        "tenant@Sys=1",
    })
    void malformedTracestatesAreNotValid(String value) {
        assertThat(W3cTraceContext.isValidTracestate(value)).isFalse();
    }

    @Test
    void tracestateLimitsAreThirtyTwoMembersAndFiveHundredTwelveCharacters() {
        assertThat(W3cTraceContext.isValidTracestate(members(32))).isTrue();
        assertThat(W3cTraceContext.isValidTracestate(members(33))).isFalse();

        String head = "k=";
        String max = head + "v".repeat(256);
        StringJoiner joined = new StringJoiner(",");
        joined.add(max);
        String second = "l=" + "w".repeat(W3cTraceContext.MAX_TRACESTATE_LENGTH - max.length() - 1 - 2);
        joined.add(second);
        String exactly512 = joined.toString();
        assertThat(exactly512).hasSize(W3cTraceContext.MAX_TRACESTATE_LENGTH);
        assertThat(W3cTraceContext.isValidTracestate(exactly512)).isTrue();
        assertThat(W3cTraceContext.isValidTracestate(exactly512 + "w")).isFalse();
        assertThat(W3cTraceContext.isValidTracestate("k=" + "v".repeat(257))).as("value over 256").isFalse();
    }

    private static String members(int n) {
        StringJoiner j = new StringJoiner(",");
        for (int i = 0; i < n; i++) {
            j.add("k" + i + "=" + i);
        }
        return j.toString();
    }

    @Test
    void aValidTraceparentKeepsItsContextWhenTheTracestateIsDropped() {
        W3cTraceContext c = W3cTraceContext.of(VALID, "Rojo=1");
        assertThat(c.traceparent()).isEqualTo(VALID);
        assertThat(c.tracestate()).isNull();
        assertThat(W3cTraceContext.of(VALID, null).tracestate()).isNull();
        assertThatThrownBy(() -> new W3cTraceContext("nope", null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void headerValuesAreTextOrUtf8BytesAndNothingElse() {
        assertThat(W3cTraceContext.text(VALID)).isEqualTo(VALID);
        assertThat(W3cTraceContext.text(VALID.getBytes(StandardCharsets.UTF_8))).isEqualTo(VALID);
        assertThat(W3cTraceContext.text(new byte[W3cTraceContext.MAX_TRACESTATE_LENGTH + 1])).isNull();
        assertThat(W3cTraceContext.text(42)).isNull();
        assertThat(W3cTraceContext.text(null)).isNull();
    }

    @Test
    void theTwoNamesAreRecognisedInAnyCase() {
        assertThat(W3cTraceContext.isTraceContextName("traceparent")).isTrue();
        assertThat(W3cTraceContext.isTraceContextName("TraceState")).isTrue();
        assertThat(W3cTraceContext.isTraceContextName("traceparent2")).isFalse();
        assertThat(W3cTraceContext.isTraceContextName(null)).isFalse();
    }
}
