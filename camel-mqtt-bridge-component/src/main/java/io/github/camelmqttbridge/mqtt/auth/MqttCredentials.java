package io.github.camelmqttbridge.mqtt.auth;

import java.nio.charset.StandardCharsets;

/**
 * A user name and password for CONNECT; either may be null. The password (often a token) never appears in
 * {@link #toString()}.
 */
public final class MqttCredentials {

    private final String userName;
    private final byte[] password;

    private MqttCredentials(String userName, byte[] password) {
        this.userName = userName;
        this.password = password;
    }

    public static MqttCredentials of(String userName, byte[] password) {
        return new MqttCredentials(userName, password == null ? null : password.clone());
    }

    /** The password as UTF-8, e.g. a token. */
    public static MqttCredentials of(String userName, String password) {
        return new MqttCredentials(userName, password == null ? null : password.getBytes(StandardCharsets.UTF_8));
    }

    public String userName() {
        return userName;
    }

    public byte[] password() {
        return password == null ? null : password.clone();
    }

    @Override
    public String toString() {
        return "MqttCredentials[userName=" + userName + ", password=" + (password == null ? "none" : "******") + "]";
    }
}
