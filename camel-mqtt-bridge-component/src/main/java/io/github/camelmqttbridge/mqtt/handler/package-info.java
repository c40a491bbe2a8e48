/**
 * Internal: one Netty handler per protocol concern (connect, keep-alive, subscribe, inbound and outbound
 * PUBLISH, protocol guard). The flows that outlive a connection (inbound, outbound, subscriptions) are
 * {@code @Sharable} handlers owned by the client and re-attached to each new channel; all run on the
 * client's single event loop, which owns every piece of connection and session state. What they count goes to
 * {@link io.github.camelmqttbridge.mqtt.handler.FlowCounters}, whose mutators only this package can call. The
 * handlers use {@code mqtt.message}, {@code mqtt.error} and {@code mqtt.options}, never the client that assembles them.
 */
package io.github.camelmqttbridge.mqtt.handler;
