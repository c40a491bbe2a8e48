package io.github.camelmqttbridge.mqtt.handler;

import io.github.camelmqttbridge.mqtt.error.MqttClientException;
import io.github.camelmqttbridge.mqtt.error.MqttProtocolException;
import io.github.camelmqttbridge.mqtt.error.MqttSubscribeRefusedException;
import io.github.camelmqttbridge.mqtt.message.MessageListener;
import io.github.camelmqttbridge.mqtt.message.SubscribeResult;
import io.github.camelmqttbridge.mqtt.message.Subscription;
import io.github.camelmqttbridge.mqtt.reason.PacketKind;
import io.github.camelmqttbridge.mqtt.reason.ReasonCode;
import io.github.camelmqttbridge.mqtt.session.PacketIdAllocator;
import io.github.camelmqttbridge.mqtt.session.SessionStore;
import io.github.camelmqttbridge.mqtt.session.StoredSubscription;
import io.github.camelmqttbridge.mqtt.topic.TopicFilters;
import io.github.camelmqttbridge.mqtt.topic.TopicMatcher;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubscriptionOption;
import io.netty.handler.codec.mqtt.MqttUnsubAckMessage;
import io.netty.handler.codec.mqtt.MqttUnsubAckPayload;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
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
 * SUBSCRIBE / UNSUBSCRIBE and the table that routes an inbound PUBLISH to its listener(s). Requests made while
 * offline wait for the next connection; when the broker lost our session, every subscription is made again.
 * A refused filter fails the caller's future with the filter and the reason, and is not kept.
 *
 * <p><b>Routing by subscription identifier.</b> Each {@code subscribe()} call gets its own MQTT 5 subscription
 * identifier (unless the caller chose one), and filters of one call that overlap each other ({@code ov/#} and
 * {@code ov/a}) get one identifier each, sent in a SUBSCRIBE of their own. A broker that delivers one copy per
 * matching subscription (Mosquitto 2.0 on MQTT 5) marks each copy with the identifier of its subscription, so a
 * copy reaches only the call it was sent for, and of the copies one call receives for one message only the copy
 * of its <em>first</em> matching filter is delivered; the others are acknowledged at once without delivery (see
 * {@link Route#overlapCopy()}). Where identifiers are not available (MQTT 3.1.1, or CONNACK says so, or a copy
 * carries only identifiers we do not know) every listener with a matching filter gets the message, once per copy
 * the broker sends.
 */
@ChannelHandler.Sharable
public final class SubscriptionFlow extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionFlow.class);

    /** Identifiers we hand out: 1..268,435,455 (a variable byte integer). */
    private static final int MAX_IDENTIFIER = 268_435_455;

    /**
     * Who gets one inbound PUBLISH.
     *
     * @param listeners   the listeners to deliver it to, each once
     * @param overlapCopy true when no listener gets it because it is a further copy of a message that the same
     *                    subscribe() call receives through another of its (overlapping) filters: acknowledge it
     *                    without delivery. False with no listeners: no subscription of ours wants it (yet).
     */
    public record Route(List<MessageListener> listeners, boolean overlapCopy) {
        static final Route NOBODY = new Route(List.of(), false);
        static final Route OVERLAP_COPY = new Route(List.of(), true);
    }

    /** One subscribe() call: the unit that gets exactly one delivery per message. */
    private static final class Call {
        final MessageListener listener;

        Call(MessageListener listener) {
            this.listener = listener;
        }
    }

    /** A filter we are subscribed to, with the listener and call it belongs to. Event loop only. */
    private static final class Active {
        final Subscription subscription;
        final Call call;
        /** Position of the filter in its call: the first matching filter's copy is the one delivered. */
        final int position;
        /** Granted QoS from SUBACK, -1 until then. */
        int grantedQos = -1;

        Active(Subscription subscription, Call call, int position) {
            this.subscription = subscription;
            this.call = call;
            this.position = position;
        }

        MessageListener listener() {
            return call.listener;
        }

        int identifier() {
            return subscription.subscriptionIdentifier();
        }

        boolean shared() {
            return TopicFilters.isShared(subscription.topicFilter());
        }

        /** A subscription whose copy the broker is surest to send: not shared, not noLocal, higher QoS, earlier. */
        boolean preferredOver(Active other) {
            if (shared() != other.shared()) {
                return !shared();
            }
            if (subscription.noLocal() != other.subscription.noLocal()) {
                return !subscription.noLocal();
            }
            int qos = grantedQos >= 0 ? grantedQos : subscription.qos();
            int otherQos = other.grantedQos >= 0 ? other.grantedQos : other.subscription.qos();
            if (qos != otherQos) {
                return qos > otherQos;
            }
            return position < other.position;
        }
    }

    /** One SUBSCRIBE or UNSUBSCRIBE call waiting for its answer(s) (or for a connection). */
    private static final class Request {
        final List<Subscription> subscribe;
        final List<String> unsubscribe;
        final CompletableFuture<SubscribeResult> subscribed;
        final CompletableFuture<Void> unsubscribed;
        /** Subscribe: one answer per filter, filled as the SUBACKs of its packets arrive. */
        SubscribeResult.FilterResult[] results;
        int packetsOutstanding;

        Request(List<Subscription> subscribe, List<String> unsubscribe, CompletableFuture<SubscribeResult> subscribed,
                CompletableFuture<Void> unsubscribed) {
            this.subscribe = subscribe;
            this.unsubscribe = unsubscribe;
            this.subscribed = subscribed;
            this.unsubscribed = unsubscribed;
        }
    }

    /**
     * One SUBSCRIBE / UNSUBSCRIBE packet on the wire: part of a request, the filters at these positions, written at
     * {@code sentAtNanos} (System.nanoTime, for {@link #unansweredSubscribes()}).
     */
    private record Packet(Request request, int[] positions, long sentAtNanos) {

        List<String> topicFilters() {
            List<String> filters = new ArrayList<>(positions.length);
            for (int p : positions) {
                filters.add(request.subscribe.get(p).topicFilter());
            }
            return filters;
        }
    }

    private final PacketIdAllocator packetIds;
    private final SessionStore store;
    private final Map<String, Active> active = new LinkedHashMap<>();
    private final TopicMatcher<Active> matcher = new TopicMatcher<>();
    private final Map<Integer, List<Active>> byIdentifier = new HashMap<>();
    private final ArrayDeque<Request> queued = new ArrayDeque<>();
    private final Map<Integer, Packet> inFlight = new HashMap<>();
    private final Map<String, StoredSubscription> recovered = new LinkedHashMap<>();
    /** Registered with the packet id allocator when every id was in use (one object, so it is registered once). */
    private final Runnable sendQueuedWhenIdsFree = this::sendQueued;
    private MqttConnection connection;
    private Runnable listenerAdded = () -> { };
    private Consumer<SubscribeResult> resubscribeRefused = r -> { };
    private Consumer<SubscribeResult> resubscribed = r -> { };

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

    /** Told when a re-subscription after a session loss was granted in full (event loop). */
    public void onResubscribed(Consumer<SubscribeResult> callback) {
        this.resubscribed = callback;
    }

    /** Subscriptions the session store remembered: made again if the broker lost them, until the app subscribes. */
    public void recover(StoredSubscription stored) {
        recovered.put(stored.topicFilter(), stored);
    }

    /** Every listener with a filter matching the topic, each once: routing without identifiers. Event loop only. */
    public List<MessageListener> listenersFor(String topic) {
        return byFilter(matcher.match(topic));
    }

    private static List<MessageListener> byFilter(List<Active> matches) {
        if (matches.isEmpty()) {
            return List.of();
        }
        if (matches.size() == 1) {
            // the usual case, once per inbound PUBLISH: no set, no copy
            return Collections.singletonList(matches.get(0).listener());
        }
        Set<MessageListener> listeners = new LinkedHashSet<>();
        for (Active a : matches) {
            listeners.add(a.listener());
        }
        return new ArrayList<>(listeners);
    }

    /**
     * Who gets a PUBLISH on {@code topic} that carries these subscription identifiers (empty when it carries
     * none). Event loop only.
     */
    public Route route(String topic, List<Integer> identifiers) {
        List<Active> matches = matcher.match(topic);
        if (matches.isEmpty()) {
            return Route.NOBODY;
        }
        if (identifiers.isEmpty()) {
            return new Route(byFilter(matches), false);
        }
        if (matches.size() == 1) {
            // the usual case: one subscription of ours matches, so the copy is for it (whatever identifier it carries)
            return new Route(Collections.singletonList(matches.get(0).listener()), false);
        }
        Set<MessageListener> listeners = new LinkedHashSet<>();
        boolean known = false;
        for (int identifier : identifiers) {
            List<Active> carried = byIdentifier.get(identifier);
            if (carried == null) {
                continue;
            }
            for (Active a : carried) {
                if (matches.contains(a)) {
                    known = true;
                    if (isDeliveredCopy(a, matches)) {
                        listeners.add(a.listener());
                    }
                }
            }
        }
        if (!known) {
            return new Route(byFilter(matches), false);
        }
        return listeners.isEmpty() ? Route.OVERLAP_COPY : new Route(new ArrayList<>(listeners), false);
    }

    /**
     * Whether the copy sent for subscription {@code a} is the one its call delivers: the copy of the call's preferred
     * matching subscription. Copies for shared subscriptions are all delivered when the call has no matching
     * non-shared filter, because each share group sends its copy to one member only, maybe not us.
     */
    private static boolean isDeliveredCopy(Active a, List<Active> matches) {
        Active preferred = a;
        for (Active m : matches) {
            if (m != a && m.call == a.call && m.preferredOver(preferred)) {
                preferred = m;
            }
        }
        return preferred == a || (a.shared() && preferred.shared());
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
        Call call = new Call(listener);
        List<Subscription> identified = withIdentifiers(subscriptions);
        for (int i = 0; i < identified.size(); i++) {
            Subscription s = identified.get(i);
            removeActive(s.topicFilter());
            Active a = new Active(s, call, i);
            active.put(s.topicFilter(), a);
            matcher.add(s.topicFilter(), a);
            byIdentifier.computeIfAbsent(s.subscriptionIdentifier(), k -> new ArrayList<>(1)).add(a);
            recovered.remove(s.topicFilter());
            save(s);
        }
        submit(new Request(identified, null, future, null));
        listenerAdded.run();
    }

    /**
     * The subscriptions with the identifiers they are sent with. A caller's own identifier is kept (one for the
     * call: MqttClient checks that). Otherwise the filters are split into groups in which no two overlap, and each
     * group gets an identifier: the one the session store remembered for its first filter when that is free (so
     * the backlog of a resumed session carries identifiers we know), else the smallest one not in use.
     */
    private List<Subscription> withIdentifiers(List<Subscription> subscriptions) {
        int chosen = 0;
        for (Subscription s : subscriptions) {
            chosen = Math.max(chosen, s.subscriptionIdentifier());
        }
        List<Subscription> result = new ArrayList<>(subscriptions.size());
        if (chosen > 0) {
            for (Subscription s : subscriptions) {
                result.add(withIdentifier(s, chosen));
            }
            return result;
        }
        Set<String> filters = new HashSet<>();
        subscriptions.forEach(s -> filters.add(s.topicFilter()));
        Set<Integer> taken = new HashSet<>();
        for (Map.Entry<Integer, List<Active>> e : byIdentifier.entrySet()) {
            for (Active a : e.getValue()) {
                if (!filters.contains(a.subscription.topicFilter())) {
                    taken.add(e.getKey()); // still used by a filter this call does not replace
                }
            }
        }
        for (StoredSubscription r : recovered.values()) {
            if (!filters.contains(r.topicFilter()) && r.subscriptionIdentifier() > 0) {
                taken.add(r.subscriptionIdentifier());
            }
        }
        List<List<Subscription>> groups = new ArrayList<>();
        for (Subscription s : subscriptions) {
            List<Subscription> home = null;
            for (List<Subscription> g : groups) {
                if (g.stream().noneMatch(o -> TopicFilters.overlap(o.topicFilter(), s.topicFilter()))) {
                    home = g;
                    break;
                }
            }
            if (home == null) {
                home = new ArrayList<>();
                groups.add(home);
            }
            home.add(s);
        }
        Map<Subscription, Integer> identifierOf = new HashMap<>();
        for (List<Subscription> g : groups) {
            StoredSubscription remembered = recovered.get(g.get(0).topicFilter());
            Active current = active.get(g.get(0).topicFilter());
            int id = remembered != null ? remembered.subscriptionIdentifier()
                    : current != null ? current.identifier() : 0;
            if (id <= 0 || taken.contains(id)) {
                id = 1;
                while (taken.contains(id) && id < MAX_IDENTIFIER) {
                    id++;
                }
            }
            taken.add(id);
            for (Subscription s : g) {
                identifierOf.put(s, id);
            }
        }
        for (Subscription s : subscriptions) {
            result.add(withIdentifier(s, identifierOf.get(s)));
        }
        return result;
    }

    private static Subscription withIdentifier(Subscription s, int identifier) {
        return s.subscriptionIdentifier() == identifier ? s
                : new Subscription(s.topicFilter(), s.qos(), s.noLocal(), s.retainAsPublished(), s.retainHandling(),
                        identifier);
    }

    private void removeActive(String filter) {
        Active previous = active.remove(filter);
        if (previous != null) {
            matcher.remove(filter, previous);
            List<Active> same = byIdentifier.get(previous.identifier());
            if (same != null) {
                same.remove(previous);
                if (same.isEmpty()) {
                    byIdentifier.remove(previous.identifier());
                }
            }
        }
    }

    public void unsubscribe(List<String> filters, CompletableFuture<Void> future) {
        for (String filter : filters) {
            removeActive(filter);
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
        if (connection == null || !queued.isEmpty()) {
            queued.add(request); // behind what already waits, so requests keep their order
            sendQueued();
        } else {
            send(request);
        }
    }

    /** Sends what waits, in order, while there is a connection and packet ids are free. */
    private void sendQueued() {
        while (connection != null && !queued.isEmpty()) {
            Request next = queued.poll();
            if (!send(next)) {
                return; // every packet id in use: sendQueuedWhenIdsFree runs at the next release
            }
        }
    }

    /**
     * Writes the request as one packet, or, for a subscribe with several identifiers on a connection that uses
     * them, one SUBSCRIBE per identifier.
     *
     * @return false when there were not enough free packet ids: the request is back at the head of the queue
     */
    private boolean send(Request request) {
        List<int[]> packets = request.subscribe != null ? subscribePackets(request.subscribe) : List.of(allPositions(1));
        int[] ids = new int[packets.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = packetIds.allocate();
            if (ids[i] == 0) {
                for (int j = 0; j < i; j++) {
                    packetIds.release(ids[j]);
                }
                queued.addFirst(request);
                packetIds.whenReleased(sendQueuedWhenIdsFree);
                LOG.warn("All 65535 packet ids are in use; the {} waits until one is free",
                        request.subscribe != null ? "SUBSCRIBE" : "UNSUBSCRIBE");
                return false;
            }
        }
        if (request.subscribe != null) {
            request.results = new SubscribeResult.FilterResult[request.subscribe.size()];
            request.packetsOutstanding = packets.size();
            warnIfOverlapIsNotRouted(request);
        }
        for (int i = 0; i < ids.length; i++) {
            inFlight.put(ids[i], new Packet(request, packets.get(i), System.nanoTime()));
            connection.write(request.subscribe != null ? subscribePacket(ids[i], request.subscribe, packets.get(i))
                    : unsubscribePacket(ids[i], request.unsubscribe));
        }
        connection.flush();
        return true;
    }

    /** The positions each SUBSCRIBE of this request carries: one per identifier where identifiers are used. */
    private List<int[]> subscribePackets(List<Subscription> subscriptions) {
        if (!connection.subscriptionIdentifiersAvailable()) {
            return List.of(allPositions(subscriptions.size()));
        }
        Map<Integer, List<Integer>> byId = new LinkedHashMap<>();
        for (int i = 0; i < subscriptions.size(); i++) {
            byId.computeIfAbsent(subscriptions.get(i).subscriptionIdentifier(), k -> new ArrayList<>()).add(i);
        }
        List<int[]> packets = new ArrayList<>(byId.size());
        for (List<Integer> positions : byId.values()) {
            packets.add(positions.stream().mapToInt(Integer::intValue).toArray());
        }
        return packets;
    }

    private static int[] allPositions(int n) {
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        return all;
    }

    private void warnIfOverlapIsNotRouted(Request request) {
        if (connection.subscriptionIdentifiersAvailable() || request.subscribe.size() < 2) {
            return;
        }
        for (int i = 0; i < request.subscribe.size(); i++) {
            for (int j = i + 1; j < request.subscribe.size(); j++) {
                String a = request.subscribe.get(i).topicFilter();
                String b = request.subscribe.get(j).topicFilter();
                if (TopicFilters.overlap(a, b)) {
                    LOG.warn("Topic filters '{}' and '{}' overlap and {} has no subscription identifiers: a message"
                            + " matching both is delivered once per copy the broker sends (Mosquitto 2.0: once on MQTT"
                            + " 3.1.1, once per matching filter on MQTT 5)", a, b,
                            connection.isV5() ? "the broker offers" : "MQTT 3.1.1");
                    return;
                }
            }
        }
    }

    private Object subscribePacket(int packetId, List<Subscription> subscriptions, int[] positions) {
        MqttMessageBuilders.SubscribeBuilder b = MqttMessageBuilders.subscribe().messageId(packetId);
        for (int position : positions) {
            Subscription s = subscriptions.get(position);
            MqttSubscriptionOption option = connection.isV5()
                    ? new MqttSubscriptionOption(MqttQoS.valueOf(s.qos()), s.noLocal(), s.retainAsPublished(),
                            MqttSubscriptionOption.RetainedHandlingPolicy.valueOf(s.retainHandling()))
                    : MqttSubscriptionOption.onlyFromQos(MqttQoS.valueOf(s.qos()));
            b.addSubscription(s.topicFilter(), option);
        }
        int identifier = subscriptions.get(positions[0]).subscriptionIdentifier();
        if (connection.subscriptionIdentifiersAvailable() && identifier > 0) {
            MqttProperties props = new MqttProperties();
            props.add(new MqttProperties.IntegerProperty(MqttPropertyType.SUBSCRIPTION_IDENTIFIER.value(), identifier));
            b.properties(props);
        }
        return b.build();
    }

    private static Object unsubscribePacket(int packetId, List<String> filters) {
        MqttMessageBuilders.UnsubscribeBuilder b = MqttMessageBuilders.unsubscribe().messageId(packetId);
        filters.forEach(b::addTopicFilter);
        return b.build();
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

    private Packet take(int packetId, String packet) {
        Packet sent = inFlight.get(packetId);
        if (sent == null || (packet.equals("SUBACK") != (sent.request.subscribe != null))) {
            // A request answered with the wrong packet type stays in flight: it is asked again on reconnect.
            connection.fail(new MqttProtocolException(0x82, "Broker " + connection.limits().serverUri() + " sent "
                    + packet + " for packet id " + packetId + ", which matches no request of ours; closing the connection"));
            return null;
        }
        inFlight.remove(packetId);
        packetIds.release(packetId);
        return sent;
    }

    private void onSubAck(MqttSubAckMessage suback) {
        Packet sent = take(suback.variableHeader().messageId(), "SUBACK");
        if (sent == null) {
            return;
        }
        Request request = sent.request;
        List<Integer> codes = suback.payload().reasonCodes();
        if (codes.size() != sent.positions.length) {
            MqttProtocolException e = new MqttProtocolException(0x82, "Broker " + connection.limits().serverUri()
                    + " answered " + sent.positions.length + " topic filters with " + codes.size()
                    + " SUBACK codes; closing the connection");
            connection.fail(e);
            if (request.subscribed != null) {
                request.subscribed.completeExceptionally(e);
            }
            return;
        }
        List<SubscribeResult.FilterResult> results = new ArrayList<>(codes.size());
        for (int i = 0; i < codes.size(); i++) {
            Subscription s = request.subscribe.get(sent.positions[i]);
            int code = codes.get(i) & 0xFF;
            results.add(new SubscribeResult.FilterResult(s.topicFilter(), s.qos(), code,
                    ReasonCode.describe(code, PacketKind.SUBACK)));
        }
        settle(sent, results);
    }

    /**
     * The broker's verdict on one SUBSCRIBE packet ({@code results} in the order of its positions): refused filters are
     * no longer routed or recorded; once every packet of the request is answered, its caller learns the whole result.
     */
    private void settle(Packet sent, List<SubscribeResult.FilterResult> results) {
        Request request = sent.request;
        for (int i = 0; i < results.size(); i++) {
            Subscription s = request.subscribe.get(sent.positions[i]);
            SubscribeResult.FilterResult r = results.get(i);
            request.results[sent.positions[i]] = r;
            Active current = active.get(s.topicFilter());
            boolean ours = current != null && current.subscription.equals(s);
            if (!r.granted()) {
                if (ours) {
                    removeActive(s.topicFilter());
                    forget(s.topicFilter());
                } else if (current == null && recovered.remove(s.topicFilter()) != null) {
                    // a remembered subscription made again after a session loss: refused, so not kept either
                    forget(s.topicFilter());
                }
            } else {
                if (ours) {
                    current.grantedQos = r.grantedQos();
                }
                if (r.downgraded()) {
                    LOG.warn("Broker granted QoS {} instead of {} for '{}'", r.grantedQos(), r.requestedQos(), r.topicFilter());
                }
            }
        }
        if (--request.packetsOutstanding > 0) {
            return;
        }
        SubscribeResult result = new SubscribeResult(List.of(request.results));
        if (request.subscribed == null) {
            if (!result.allGranted()) {
                MqttSubscribeRefusedException e = new MqttSubscribeRefusedException(result);
                LOG.error("Re-subscribing after the broker lost our session failed: {}", e.getMessage());
                resubscribeRefused.accept(result);
            } else {
                resubscribed.accept(result);
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
        for (Packet p : inFlight.values()) {
            if (p.request.subscribe != null) {
                list.add(new UnansweredSubscribe(p.topicFilters(), p.sentAtNanos));
            }
        }
        list.sort(java.util.Comparator.comparingLong(UnansweredSubscribe::sentAtNanos));
        return list;
    }

    /**
     * Gives up on the unanswered SUBSCRIBE packet of exactly these filters as if the broker had refused each with
     * {@code reasonCode}: it is not sent again, its filters are no longer routed or recorded, and its caller (or,
     * for a re-subscription, the resubscribe-refused callback) learns {@code reason}. Event loop only.
     */
    public void refuseUnanswered(List<String> topicFilters, int reasonCode, String reason) {
        for (Map.Entry<Integer, Packet> e : new ArrayList<>(inFlight.entrySet())) {
            Packet p = e.getValue();
            if (p.request.subscribe != null && p.topicFilters().equals(topicFilters)) {
                inFlight.remove(e.getKey());
                packetIds.release(e.getKey());
                List<SubscribeResult.FilterResult> results = new ArrayList<>();
                for (int position : p.positions) {
                    Subscription s = p.request.subscribe.get(position);
                    results.add(new SubscribeResult.FilterResult(s.topicFilter(), s.qos(), reasonCode, reason));
                }
                settle(p, results);
                return;
            }
        }
    }

    private void onUnsubAck(MqttUnsubAckMessage unsuback) {
        Packet sent = take(unsuback.variableHeader().messageId(), "UNSUBACK");
        if (sent == null) {
            return;
        }
        Request request = sent.request;
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
            store.saveSubscription(stored(s));
        } catch (IOException | RuntimeException e) {
            LOG.error("Session store failed to record the subscription to '{}': {}", s.topicFilter(), e.getMessage());
        }
    }

    private static StoredSubscription stored(Subscription s) {
        return new StoredSubscription(s.topicFilter(), s.qos(), s.noLocal(), s.retainAsPublished(), s.retainHandling(),
                s.subscriptionIdentifier());
    }

    private static Subscription fromStored(StoredSubscription s) {
        return new Subscription(s.topicFilter(), s.qos(), s.noLocal(), s.retainAsPublished(), s.retainHandling(),
                s.subscriptionIdentifier());
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
            wanted.add(stored(a.subscription));
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
        // Requests that were on the wire when the last connection died: ask again (SUBSCRIBE is idempotent). Their
        // ids are released before the connection is set, so that nothing queued jumps ahead of them.
        Set<Request> retry = new LinkedHashSet<>();
        for (Packet p : inFlight.values()) {
            retry.add(p.request);
        }
        inFlight.keySet().forEach(packetIds::release);
        inFlight.clear();
        this.connection = connection;
        List<Request> first = new ArrayList<>();
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
                if (!requested.contains(a.subscription.topicFilter())) {
                    again.add(a.subscription);
                }
            }
            for (StoredSubscription s : recovered.values()) {
                again.add(fromStored(s));
            }
            // The client cleared the store when the broker said it has no session: record what we still want.
            for (Active a : active.values()) {
                save(a.subscription);
            }
            for (StoredSubscription s : recovered.values()) {
                save(fromStored(s));
            }
            if (!again.isEmpty()) {
                LOG.info("Subscribing again to {} topic filter(s)", again.size());
                // One SUBSCRIBE carries one subscription identifier: group the filters by theirs.
                Map<Integer, List<Subscription>> byId = new LinkedHashMap<>();
                for (Subscription s : again) {
                    byId.computeIfAbsent(s.subscriptionIdentifier(), k -> new ArrayList<>()).add(s);
                }
                for (List<Subscription> group : byId.values()) {
                    for (int i = 0; i < group.size(); i += 100) {
                        first.add(new Request(List.copyOf(group.subList(i, Math.min(group.size(), i + 100))), null,
                                null, null));
                    }
                }
            }
        }
        first.addAll(retry);
        for (int i = first.size() - 1; i >= 0; i--) {
            queued.addFirst(first.get(i));
        }
        sendQueued();
    }

    public void disconnected() {
        this.connection = null;
    }

    public void failAll(MqttClientException cause) {
        Set<Request> all = new LinkedHashSet<>(queued);
        for (Packet p : inFlight.values()) {
            all.add(p.request);
        }
        queued.clear();
        inFlight.keySet().forEach(packetIds::release);
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
