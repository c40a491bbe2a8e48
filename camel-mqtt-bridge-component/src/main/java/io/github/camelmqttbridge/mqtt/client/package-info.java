/**
 * The engine's facade: {@link io.github.camelmqttbridge.mqtt.client.MqttClient} (connect, subscribe, publish, each
 * answered with a future; automatic reconnect per {@link io.github.camelmqttbridge.mqtt.client.ReconnectPolicy}),
 * its read-only {@link io.github.camelmqttbridge.mqtt.client.ClientMetrics}, connection state and listener. The top
 * of the engine: it assembles the handlers, transport and session store; nothing else in {@code mqtt.*} imports it.
 * The values it takes and returns live in {@code mqtt.message}, {@code mqtt.error} and {@code mqtt.options}.
 */
package io.github.camelmqttbridge.mqtt.client;
