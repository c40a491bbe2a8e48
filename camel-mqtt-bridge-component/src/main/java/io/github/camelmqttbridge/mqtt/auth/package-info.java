/**
 * Authentication hooks of the engine: {@link io.github.camelmqttbridge.mqtt.auth.CredentialsProvider} (user name and
 * password or token fetched before every connection attempt) and
 * {@link io.github.camelmqttbridge.mqtt.auth.EnhancedAuthenticator} (MQTT 5 enhanced authentication and
 * re-authentication), with {@link io.github.camelmqttbridge.mqtt.auth.ScramAuthenticator} (SCRAM-SHA-256/512,
 * RFC 5802 / RFC 7677, client side) shipped.
 */
package io.github.camelmqttbridge.mqtt.auth;
