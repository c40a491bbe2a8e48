package io.github.camelmqttbridge.mqtt.auth;

/**
 * Supplies the user name and password (or token) for each connection attempt, so that a short-lived credential
 * (e.g. a JWT used as the password) is fetched or renewed before every connect and reconnect instead of being
 * read once. Replaces the client's fixed user name and password.
 *
 * <p>Called on a thread of the engine's own, never on the network event loop, so it may block while it fetches a
 * token; the connect timeout bounds how long the attempt waits for it. If it throws, the attempt fails (and the
 * client retries with its reconnect back-off).
 */
@FunctionalInterface
public interface CredentialsProvider {

    /**
     * The credentials for the next attempt to connect to {@code serverUri} (e.g. {@code ssl://broker:8883}).
     * Return null to connect without user name and password.
     */
    MqttCredentials credentials(String serverUri) throws Exception;
}
