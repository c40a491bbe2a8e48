package io.github.camelmqttbridge.mqtt.session;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Turns a client id into a directory name that is safe on every file system: {@code [A-Za-z0-9._-]} stay,
 * every other UTF-8 byte becomes {@code %XX}. Names that are {@code .} or {@code ..} get their dots encoded too,
 * and very long ids (MQTT allows 65535 bytes, file systems 255) are cut and made unique with a SHA-256.
 *
 * <p>Not handled: on a case-insensitive file system the ids {@code a} and {@code A} share a directory.
 */
final class ClientDirectoryName {

    private static final int MAX_LENGTH = 150;
    private static final int KEPT_PREFIX = 80;

    private ClientDirectoryName() {
    }

    static String of(String clientId) {
        if (clientId == null || clientId.isEmpty()) {
            throw new IllegalArgumentException("the file session store needs a non-empty client id: a client id"
                    + " assigned by the broker is new on every connect, so its session cannot be resumed from disk"
                    + " (configure a fixed client id, or store the assigned one and use it from then on)");
        }
        StringBuilder name = new StringBuilder();
        for (byte b : clientId.getBytes(StandardCharsets.UTF_8)) {
            if (isSafe(b)) {
                name.append((char) b);
            } else {
                name.append('%').append(HexFormat.of().withUpperCase().toHexDigits(b));
            }
        }
        String encoded = name.toString();
        if (encoded.equals(".") || encoded.equals("..")) {
            return encoded.replace(".", "%2E");
        }
        if (encoded.length() > MAX_LENGTH) {
            return encoded.substring(0, KEPT_PREFIX) + "~" + sha256Hex(clientId);
        }
        return encoded;
    }

    private static boolean isSafe(byte b) {
        return (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '.' || b == '_'
                || b == '-';
    }

    private static String sha256Hex(String clientId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(clientId.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
