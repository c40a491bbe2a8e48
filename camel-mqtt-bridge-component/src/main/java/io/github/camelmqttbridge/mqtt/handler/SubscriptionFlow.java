package io.github.camelmqttbridge.mqtt.handler;

import io.github.camelmqttbridge.mqtt.client.MessageListener;
import io.github.camelmqttbridge.mqtt.client.MqttClientException;
import io.github.camelmqttbridge.mqtt.client.MqttProtocolException;
import io.github.camelmqttbridge.mqtt.client.MqttSubscribeRefusedException;
import io.github.camelmqttbridge.mqtt.client.SubscribeResult;
import io.github.camelmqttbridge.mqtt.client.Subscription;
import io.github.camelmqttbridge.mqtt.reason.PacketKind;
import io.github.camelmqttbridge.mqtt.reason.ReasonCode;
import io.github.camelmqttbridge.mqtt.session.PacketIdAllocator;
import io.github.camelmqttbridge.mqtt.session.SessionStore;
import io.github.camelmqttbridge.mqtt.session.StoredSubscription;
import io.github.camelmqttbridge.mqtt.topic.TopicMatcher;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubscriptionOption;
import io.netty.handler.codec.mqtt.MqttUnsubAckMessage;
import io.netty.handler.codec.mqtt.MqttUnsubAckPayload;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SUBSCRIBE / UNSUBSCRIBE and the table that routes an inbound topic to its listener(s). Requests made while
 * offline wait for the next connection; when the broker lost our session, every subscription is made again.
 * A refused filter fails the caller's future with the filter and the reason, and is not kept.
 */
@ChannelHandler.Sharable
public final class SubscriptionFlow extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionFlow.class);

    private record Active(Subscription subscription, MessageListener listener) {
    }

    /** One SUBSCRIBE or UNSUBSCRIBE waiting for its answer (or for a connection). */
    private static final class Request {
        final List<Subscription> subscribe;
        final List<String> unsubscribe;
        final CompletableFuture<SubscribeResult> subscribed;
        final CompletableFuture<Void> unsubscribed;
        /** When the packet was last written (System.nanoTime), for {@link #unansweredSubscribes()}. */
        long sentAtNanos;

        Request(List<Subscription> subscribe, List<String> unsubscribe, CompletableFuture<SubscribeResult> subscribed,
                CompletableFuture<Void> unsubscribed) {
            this.subscribe = subscribe;
            this.unsubscribe = unsubscribe;
            this.subscribed = subscribed;
            this.unsubscribed = unsubscribed;
        }
    }

    private final PacketIdAllocator packetIds;
    private final SessionStore store;
    private final Map<String, Active> active = new LinkedHashMap<>();
    private final TopicMatcher<Active> matcher = new TopicMatcher<>();
    private final ArrayDeque<Request> queued = new ArrayDeque<>();
    private final Map<Integer, Request> inFlight = new HashMap<>();
    private final Map<String, StoredSubscription> recovered = new LinkedHashMap<>();
    private MqttConnection connection;
    private Runnable listenerAdded = () -> { };
    private Consumer<SubscribeResult> resubscribeRefused = r -> { };

    public SubscriptionFlow(PacketIdAllocator packetIds, SessionStore store) {
        this.packetIds = packetIds;
        this.store = store;
    }

    public void onListenerAdded(Runnable callback) {
        this.listenerAdded = callback;
    }

    public void onResubscribeRefused(Consumer<SubscribeResult> callback) {
        this.resubscribeRefused = callback;
    }

    /** Subscriptions the session store remembered: made again if the broker lost them, until the app subscribes. */
    public void recover(StoredSubscription stored) {
        recovered.put(stored.topicFilter(), stored);
    }

    public List<MessageListener> listenersFor(String topic) {
        List<Active> matches = matcher.match(topic);
        if (matches.isEmpty()) {
            return List.of();
        }
        if (matches.size() == 1) {
            // the usual case, once per inbound PUBLISH: no set, no copy
            return java.util.Collections.singletonList(matches.get(0).listener());
        }
        Set<MessageListener> listeners = new LinkedHashSet<>();
        for (Active a : matches) {
            listeners.add(a.listener());
        }
        return new ArrayList<>(listeners);
    }

    public Set<String> activeFilters() {
        return active.keySet();
    }

    /** Subscriptions remembered by the session store that the application has not subscribed to again (yet). */
    public boolean hasRecovered() {
        return !recovered.isEmpty();
    }

    /** Event loop only. The routing entry exists at once, so messages that arrive before SUBACK find it. */
    public void subscribe(List<Subscription> subscriptions, MessageListener listener, CompletableFuture<SubscribeResult> future) {
        for (Subscription s : subscriptions) {
            Active previous = active.put(s.topicFilter(), new Active(s, listener));
            if (previous != null) {
                matcher.remove(s.topicFilter(), previous);
            }
            matcher.add(s.topicFilter(), active.get(s.topicFilter()));
            recovered.remove(s.topicFilter());
            save(s);
        }
        submit(new Request(List.copyOf(subscriptions), null, future, null));
        listenerAdded.run();
    }

    public void unsubscribe(List<String> filters, CompletableFuture<Void> future) {
        for (String filter : filters) {
            Active previous = active.remove(filter);
            if (previous != null) {
                matcher.remove(filter, previous);
            }
            recovered.remove(filter);
            try {
                store.removeSubscription(filter);
            } catch (IOException | RuntimeException e) {
                LOG.error("Session store failed to forget the subscription to '{}': {}", filter, e.getMessage());
            }
        }
        submit(new Request(null, List.copyOf(filters), null, future));
    }

    private void submit(Request request) {
        if (connection == null) {
            queued.add(request);
        } else {
            send(request);
        }
    }

    private void send(Request request) {
        int packetId = packetIds.allocate();
        if (packetId == 0) {
            queued.addFirst(request);
            return;
        }
        inFlight.put(packetId, request);
        request.sentAtNanos = System.nanoTime();
        if (request.subscribe != null) {
            MqttMessageBuilders.SubscribeBuilder b = MqttMessageBuilders.subscribe().messageId(packetId);
            int subscriptionId = 0;
            for (Subscription s : request.subscribe) {
                MqttSubscriptionOption option = connection.isV5()
                        ? new MqttSubscriptionOption(MqttQoS.valueOf(s.qos()), s.noLocal(), s.retainAsPublished(),
                                MqttSubscriptionOption.RetainedHandlingPolicy.valueOf(s.retainHandling()))
                        : MqttSubscriptionOption.onlyFromQos(MqttQoS.valueOf(s.qos()));
                b.addSubscription(s.topicFilter(), option);
                subscriptionId = Math.max(subscriptionId, s.subscriptionIdentifier());
            }
            if (connection.isV5() && subscriptionId > 0) {
                MqttProperties props = new MqttProperties();
                props.add(new MqttProperties.IntegerProperty(MqttPropertyType.SUBSCRIPTION_IDENTIFIER.value(), subscriptionId));
                b.properties(props);
            }
            connection.writeAndFlush(b.build());
        } else {
            MqttMessageBuilders.UnsubscribeBuilder b = MqttMessageBuilders.unsubscribe().messageId(packetId);
            request.unsubscribe.forEach(b::addTopicFilter);
            connection.writeAndFlush(b.build());
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof MqttSubAckMessage suback) {
            ReferenceCountUtil.release(msg);
            onSubAck(suback);
        } else if (msg instanceof MqttUnsubAckMessage unsuback) {
            ReferenceCountUtil.release(msg);
            onUnsubAck(unsuback);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    private Request take(int packetId, String packet) {
        Request request = inFlight.get(packetId);
        if (request == null || (packet.equals("SUBACK") != (request.subscribe != null))) {
            // A request answered with the wrong packet type stays in flight: it is asked again on reconnect.
            connection.fail(new MqttProtocolException(0x82, "Broker " + connection.limits().serverUri() + " sent "
                    + packet + " for packet id " + packetId + ", which matches no request of ours; closing the connection"));
            return null;
        }
        inFlight.remove(packetId);
        packetIds.release(packetId);
        return request;
    }

    private void onSubAck(MqttSubAckMessage suback) {
        Request request = take(suback.variableHeader().messageId(), "SUBACK");
        if (request == null) {
            return;
        }
        List<Integer> codes = suback.payload().reasonCodes();
        if (codes.size() != request.subscribe.size()) {
            MqttProtocolException e = new MqttProtocolException(0x82, "Broker " + connection.limits().serverUri()
                    + " answered " + request.subscribe.size() + " topic filters with " + codes.size()
                    + " SUBACK codes; closing the connection");
            connection.fail(e);
            if (request.subscribed != null) {
                request.subscribed.completeExceptionally(e);
            }
            return;
        }
        List<SubscribeResult.FilterResult> results = new ArrayList<>();
        for (int i = 0; i < codes.size(); i++) {
            Subscription s = request.subscribe.get(i);
            int code = codes.get(i) & 0xFF;
            results.add(new SubscribeResult.FilterResult(s.topicFilter(), s.qos(), code,
                    ReasonCode.describe(code, PacketKind.SUBACK)));
        }
        settle(request, new SubscribeResult(results));
    }

    /** The broker's verdict on a SUBSCRIBE: refused filters are no longer routed or recorded; the caller learns it. */
    private void settle(Request request, SubscribeResult result) {
        List<SubscribeResult.FilterResult> results = result.filters();
        for (SubscribeResult.FilterResult r : results) {
            if (!r.granted()) {
                Active refused = active.get(r.topicFilter());
                if (refused != null && refused.subscription().equals(request.subscribe.get(results.indexOf(r)))) {
                    active.remove(r.topicFilter());
                    matcher.remove(r.topicFilter(), refused);
                    forget(r.topicFilter());
                } else if (refused == null && recovered.remove(r.topicFilter()) != null) {
                    // a remembered subscription made again after a session loss: refused, so not kept either
                    forget(r.topicFilter());
                }
            } else if (r.downgraded()) {
                LOG.warn("Broker granted QoS {} instead of {} for '{}'", r.grantedQos(), r.requestedQos(), r.topicFilter());
            }
        }
        if (request.subscribed == null) {
            if (!result.allGranted()) {
                MqttSubscribeRefusedException e = new MqttSubscribeRefusedException(result);
                LOG.error("Re-subscribing after the broker lost our session failed: {}", e.getMessage());
                resubscribeRefused.accept(result);
            }
        } else if (result.allGranted()) {
            request.subscribed.complete(result);
        } else {
            request.subscribed.completeExceptionally(new MqttSubscribeRefusedException(result));
        }
    }

    /** A SUBSCRIBE on the wire that the broker has not answered yet. */
    public record UnansweredSubscribe(List<String> topicFilters, long sentAtNanos) {
    }

    /** SUBSCRIBE packets written and not answered yet, oldest first. Event loop only. */
    public List<UnansweredSubscribe> unansweredSubscribes() {
        List<UnansweredSubscribe> list = new ArrayList<>();
        for (Request r : inFlight.values()) {
            if (r.subscribe != null) {
                list.add(new UnansweredSubscribe(r.subscribe.stream().map(Subscription::topicFilter).toList(), r.sentAtNanos));
            }
        }
        list.sort(java.util.Comparator.comparingLong(UnansweredSubscribe::sentAtNanos));
        return list;
    }

    /**
     * Gives up on the unanswered SUBSCRIBE of exactly these filters as if the broker had refused each with
     * {@code reasonCode}: it is not sent again, its filters are no longer routed or recorded, and its caller (or,
     * for a re-subscription, the resubscribe-refused callback) learns {@code reason}. Event loop only.
     */
    public void refuseUnanswered(List<String> topicFilters, int reasonCode, String reason) {
        for (Map.Entry<Integer, Request> e : new ArrayList<>(inFlight.entrySet())) {
            Request r = e.getValue();
            if (r.subscribe != null && r.subscribe.stream().map(Subscription::topicFilter).toList().equals(topicFilters)) {
                inFlight.remove(e.getKey());
                packetIds.release(e.getKey());
                List<SubscribeResult.FilterResult> results = new ArrayList<>();
                for (Subscription s : r.subscribe) {
                    results.add(new SubscribeResult.FilterResult(s.topicFilter(), s.qos(), reasonCode, reason));
                }
                settle(r, new SubscribeResult(results));
                return;
            }
        }
    }

    private void onUnsubAck(MqttUnsubAckMessage unsuback) {
        Request request = take(unsuback.variableHeader().messageId(), "UNSUBACK");
        if (request == null) {
            return;
        }
        MqttUnsubAckPayload payload = unsuback.payload();
        List<String> failures = new ArrayList<>();
        if (payload != null && connection.isV5()) {
            List<Short> codes = payload.unsubscribeReasonCodes();
            for (int i = 0; i < codes.size() && i < request.unsubscribe.size(); i++) {
                int code = codes.get(i) & 0xFF;
                if (code >= 0x80) {
                    failures.add("'" + request.unsubscribe.get(i) + "' (" + ReasonCode.describe(code, PacketKind.UNSUBACK) + ")");
                }
            }
        }
        if (failures.isEmpty()) {
            request.unsubscribed.complete(null);
        } else {
            request.unsubscribed.completeExceptionally(new MqttClientException("Broker refused to unsubscribe "
                    + String.join(", ", failures)));
        }
    }

    private void save(Subscription s) {
        try {
            store.saveSubscription(new StoredSubscription(s.topicFilter(), s.qos(), s.noLocal(), s.retainAsPublished(),
                    s.retainHandling(), s.subscriptionIdentifier()));
        } catch (IOException | RuntimeException e) {
            LOG.error("Session store failed to record the subscription to '{}': {}", s.topicFilter(), e.getMessage());
        }
    }

    private void forget(String filter) {
        try {
            store.removeSubscription(filter);
        } catch (IOException | RuntimeException e) {
            LOG.error("Session store failed to forget the subscription to '{}': {}", filter, e.getMessage());
        }
    }

    /**
     * Writes every wanted subscription (active or recovered) to the store again: called after the store was
     * cleared because the broker had no session, so that the cleared store still knows what to re-make.
     */
    public void recordAll() {
        List<StoredSubscription> wanted = new ArrayList<>();
        for (Active a : active.values()) {
            Subscription s = a.subscription();
            wanted.add(new StoredSubscription(s.topicFilter(), s.qos(), s.noLocal(), s.retainAsPublished(),
                    s.retainHandling(), s.subscriptionIdentifier()));
        }
        wanted.addAll(recovered.values());
        for (StoredSubscription s : wanted) {
            try {
                store.saveSubscription(s);
            } catch (IOException | RuntimeException e) {
                LOG.error("Session store failed to record the subscription to '{}': {}", s.topicFilter(), e.getMessage());
            }
        }
    }

    public void connected(MqttConnection connection, boolean sessionPresent) {
        this.connection = connection;
        // Requests that were on the wire when the last connection died: ask again (SUBSCRIBE is idempotent).
        List<Request> retry = new ArrayList<>(inFlight.values());
        inFlight.keySet().forEach(packetIds::release);
        inFlight.clear();
        if (!sessionPresent) {
            List<Subscription> again = new ArrayList<>();
            Set<String> requested = new LinkedHashSet<>();
            for (Request r : queued) {
                if (r.subscribe != null) {
                    r.subscribe.forEach(s -> requested.add(s.topicFilter()));
                }
            }
            for (Request r : retry) {
                if (r.subscribe != null) {
                    r.subscribe.forEach(s -> requested.add(s.topicFilter()));
                }
            }
            for (Active a : active.values()) {
                if (!requested.contains(a.subscription().topicFilter())) {
                    again.add(a.subscription());
                }
            }
            for (StoredSubscription s : recovered.values()) {
                again.add(new Subscription(s.topicFilter(), s.qos(), s.noLocal(), s.retainAsPublished(), s.retainHandling(),
                        s.subscriptionIdentifier()));
            }
            // The client cleared the store when the broker said it has no session: record what we still want.
            for (Active a : active.values()) {
                save(a.subscription());
            }
            for (StoredSubscription s : recovered.values()) {
                save(new Subscription(s.topicFilter(), s.qos(), s.noLocal(), s.retainAsPublished(), s.retainHandling(),
                        s.subscriptionIdentifier()));
            }
            if (!again.isEmpty()) {
                LOG.info("Subscribing again to {} topic filter(s)", again.size());
                // One SUBSCRIBE carries one subscription identifier: group the filters by theirs.
                Map<Integer, List<Subscription>> byIdentifier = new LinkedHashMap<>();
                for (Subscription s : again) {
                    byIdentifier.computeIfAbsent(s.subscriptionIdentifier(), k -> new ArrayList<>()).add(s);
                }
                for (List<Subscription> group : byIdentifier.values()) {
                    for (int i = 0; i < group.size(); i += 100) {
                        send(new Request(List.copyOf(group.subList(i, Math.min(group.size(), i + 100))), null, null, null));
                    }
                }
            }
        }
        for (Request r : retry) {
            send(r);
        }
        while (!queued.isEmpty() && this.connection != null) {
            send(queued.poll());
        }
    }

    public void disconnected() {
        this.connection = null;
    }

    public void failAll(MqttClientException cause) {
        List<Request> all = new ArrayList<>(queued);
        all.addAll(inFlight.values());
        queued.clear();
        inFlight.clear();
        for (Request r : all) {
            if (r.subscribed != null) {
                r.subscribed.completeExceptionally(cause);
            }
            if (r.unsubscribed != null) {
                r.unsubscribed.completeExceptionally(cause);
            }
        }
    }
}
