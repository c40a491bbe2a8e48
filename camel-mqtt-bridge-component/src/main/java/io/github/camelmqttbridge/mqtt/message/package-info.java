/**
 * What crosses between an application and the engine, shared by the client facade ({@code mqtt.client}) and the
 * engine's internals ({@code mqtt.handler}): messages ({@link io.github.camelmqttbridge.mqtt.message.InboundMessage},
 * {@link io.github.camelmqttbridge.mqtt.message.OutboundMessage}, {@link io.github.camelmqttbridge.mqtt.message.Will})
 * and their {@link io.github.camelmqttbridge.mqtt.message.MessageProperties}, the
 * {@link io.github.camelmqttbridge.mqtt.message.MessageListener} and
 * {@link io.github.camelmqttbridge.mqtt.message.AckMode}, subscriptions, the results of connect, subscribe and
 * publish, and the protocol version. Immutable values and one callback; this package depends on no other engine
 * package.
 */
package io.github.camelmqttbridge.mqtt.message;
