/**
 * The engine's exceptions, all {@link io.github.camelmqttbridge.mqtt.error.MqttClientException}s: what futures of
 * the client fail with and what the handlers raise (refusals by the broker, protocol violations, lost connections,
 * transport and session store failures). Shared by the client facade and the engine's internals; depends only on
 * {@code mqtt.message}.
 */
package io.github.camelmqttbridge.mqtt.error;
