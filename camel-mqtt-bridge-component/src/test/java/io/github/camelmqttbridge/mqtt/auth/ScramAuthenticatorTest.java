package io.github.camelmqttbridge.mqtt.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The client side of SCRAM-SHA-256 against the example exchange of RFC 7677 section 3 (user "user", password
 * "pencil"), and the checks that protect the client from a broker that does not play by the rules.
 */
class ScramAuthenticatorTest {

    private static final String CLIENT_NONCE = "rOprNGfwEbeRWgbNEkqO";
    private static final String SERVER_FIRST =
            "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
    private static final String CLIENT_FINAL =
            "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
    private static final String SERVER_FINAL = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

    private static EnhancedAuthenticator.Exchange rfcExchange() throws Exception {
        return ScramAuthenticator.withNonce("SCRAM-SHA-256", "user", "pencil".toCharArray(), CLIENT_NONCE)
                .start("tcp://broker:1883", false);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void rfc7677ExampleExchange() throws Exception {
        EnhancedAuthenticator.Exchange exchange = rfcExchange();
        assertThat(new String(exchange.initialData(), StandardCharsets.UTF_8)).isEqualTo("n,,n=user,r=" + CLIENT_NONCE);
        assertThat(new String(exchange.respond(bytes(SERVER_FIRST)), StandardCharsets.UTF_8)).isEqualTo(CLIENT_FINAL);
        exchange.complete(bytes(SERVER_FINAL));
    }

    @Test
    void aWrongServerSignatureIsRefused() throws Exception {
        EnhancedAuthenticator.Exchange exchange = rfcExchange();
        exchange.initialData();
        exchange.respond(bytes(SERVER_FIRST));
        assertThatThrownBy(() -> exchange.complete(bytes("v=AAAATRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")))
                .isInstanceOf(MqttAuthenticationException.class).hasMessageContaining("server signature is wrong");
    }

    @Test
    void acceptanceWithoutSignatureOrBeforeTheProofIsRefused() throws Exception {
        EnhancedAuthenticator.Exchange early = rfcExchange();
        early.initialData();
        assertThatThrownBy(() -> early.complete(bytes(SERVER_FINAL))).hasMessageContaining("never checked our proof");
        EnhancedAuthenticator.Exchange unsigned = rfcExchange();
        unsigned.respond(bytes(SERVER_FIRST));
        assertThatThrownBy(() -> unsigned.complete(null)).hasMessageContaining("sent no server signature");
    }

    @Test
    void aNonceThatDoesNotExtendOursIsRefused() throws Exception {
        assertThatThrownBy(() -> rfcExchange().respond(bytes("r=someoneElsesNonce,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096")))
                .isInstanceOf(MqttAuthenticationException.class).hasMessageContaining("nonce does not extend ours");
        assertThatThrownBy(() -> rfcExchange().respond(bytes("r=" + CLIENT_NONCE + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096")))
                .hasMessageContaining("nonce does not extend ours");
    }

    @Test
    void tooFewOrTooManyIterationsAreRefused() {
        assertThatThrownBy(() -> rfcExchange().respond(bytes("r=" + CLIENT_NONCE + "x,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=1000")))
                .hasMessageContaining("asks for 1000 iterations");
        assertThatThrownBy(() -> rfcExchange().respond(bytes("r=" + CLIENT_NONCE + "x,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=99999999")))
                .hasMessageContaining("asks for 99999999 iterations");
    }

    @Test
    void serverErrorsAndMandatoryExtensionsAreRefused() {
        assertThatThrownBy(() -> rfcExchange().respond(bytes("e=unknown-user")))
                .hasMessageContaining("reported an error: unknown-user");
        assertThatThrownBy(() -> rfcExchange().respond(bytes("m=ext,r=" + CLIENT_NONCE + "x,s=AA==,i=4096")))
                .hasMessageContaining("extension");
    }

    @Test
    void userNamesAreEscapedAndNoncesAreFresh() throws Exception {
        ScramAuthenticator a = ScramAuthenticator.sha512("a,b=c", "pw".toCharArray());
        String first = new String(a.start("x", false).initialData(), StandardCharsets.UTF_8);
        String second = new String(a.start("x", true).initialData(), StandardCharsets.UTF_8);
        assertThat(first).startsWith("n,,n=a=2Cb=3Dc,r=");
        assertThat(first).isNotEqualTo(second);
        assertThat(a.method()).isEqualTo("SCRAM-SHA-512");
        assertThat(a.toString()).doesNotContain("pw");
    }

    @Test
    void saslPrepMapsSpacesAndSoftHyphensAndRefusesControls() {
        assertThat(ScramAuthenticator.saslPrep("I\u00ADX")).isEqualTo("IX");
        assertThat(ScramAuthenticator.saslPrep("a\u00A0b")).isEqualTo("a b");
        assertThat(ScramAuthenticator.saslPrep("\u2168")).isEqualTo("IX");
        assertThatThrownBy(() -> ScramAuthenticator.saslPrep("a\u0007b")).hasMessageContaining("prohibits")
                .hasMessageNotContaining("\u0007");
    }

    @Test
    void onlyScramMethodsAreBuiltIn() {
        assertThat(ScramAuthenticator.isScram("scram-sha-256")).isTrue();
        assertThat(ScramAuthenticator.isScram("PLAIN")).isFalse();
        assertThatThrownBy(() -> ScramAuthenticator.forMethod("PLAIN", "u", "p".toCharArray()))
                .hasMessageContaining("needs an authenticator bean");
    }
}
