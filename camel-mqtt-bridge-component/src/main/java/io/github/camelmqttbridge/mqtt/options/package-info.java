/**
 * How a client is configured: {@link io.github.camelmqttbridge.mqtt.options.MqttClientOptions} (built once,
 * immutable) with its {@link io.github.camelmqttbridge.mqtt.options.TlsOptions},
 * {@link io.github.camelmqttbridge.mqtt.options.ProxyOptions} and
 * {@link io.github.camelmqttbridge.mqtt.options.WebSocketOptions}. Read by the client, the handlers and the transport;
 * depends on {@code mqtt.message}, {@code mqtt.auth} and {@code mqtt.session}, never on the client or the handlers.
 */
package io.github.camelmqttbridge.mqtt.options;
