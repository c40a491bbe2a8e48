package io.github.camelmqttbridge.mqtt.handler;

import io.github.camelmqttbridge.mqtt.error.MqttClientException;
import io.github.camelmqttbridge.mqtt.error.MqttConnectionLostException;
import io.netty.handler.codec.DecoderException;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/** Turns socket and TLS failures into messages a user can act on. */
final class TlsFailures {

    private TlsFailures() {
    }

    static Throwable describe(String serverUri, Throwable cause) {
        if (cause instanceof MqttClientException) {
            return cause;
        }
        Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (root instanceof SSLHandshakeException || root instanceof SSLException) {
            String detail = String.valueOf(root.getMessage());
            String hint;
            if (detail.contains("No subject alternative") || detail.contains("No name matching")) {
                hint = "the broker's certificate is not issued for this host name (host name verification is on)";
            } else if (detail.contains("PKIX") || hasCause(root, CertificateException.class)) {
                hint = "the broker's certificate is not trusted: add its CA to the trust store";
            } else if (detail.contains("bad_certificate") || detail.contains("certificate_required")) {
                hint = "the broker did not accept our client certificate";
            } else {
                hint = "TLS handshake failed";
            }
            return new MqttConnectionLostException("TLS connection to " + serverUri + " failed: " + hint + " (" + detail + ")", root);
        }
        return new MqttConnectionLostException("Connection to " + serverUri + " failed: " + root, root);
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }
}
