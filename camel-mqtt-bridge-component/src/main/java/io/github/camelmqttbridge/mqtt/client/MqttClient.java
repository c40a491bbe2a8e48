package io.github.camelmqttbridge.mqtt.client;

import io.github.camelmqttbridge.mqtt.error.MqttClientException;
import io.github.camelmqttbridge.mqtt.error.MqttConnectionClosedByBrokerException;
import io.github.camelmqttbridge.mqtt.error.MqttPublishRefusedException;
import io.github.camelmqttbridge.mqtt.handler.AuthHandler;
import io.github.camelmqttbridge.mqtt.handler.ConnectHandler;
import io.github.camelmqttbridge.mqtt.handler.ConnectionEvents;
import io.github.camelmqttbridge.mqtt.handler.FlowCounters;
import io.github.camelmqttbridge.mqtt.handler.InboundPublishFlow;
import io.github.camelmqttbridge.mqtt.handler.MqttConnection;
import io.github.camelmqttbridge.mqtt.handler.OutboundPublishFlow;
import io.github.camelmqttbridge.mqtt.handler.PipelineAssembler;
import io.github.camelmqttbridge.mqtt.handler.SubscriptionFlow;
import io.github.camelmqttbridge.mqtt.message.AckMode;
import io.github.camelmqttbridge.mqtt.message.ConnectResult;
import io.github.camelmqttbridge.mqtt.message.MessageListener;
import io.github.camelmqttbridge.mqtt.message.MessageTimings;
import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import io.github.camelmqttbridge.mqtt.message.OutboundMessage;
import io.github.camelmqttbridge.mqtt.message.PublishResult;
import io.github.camelmqttbridge.mqtt.message.SubscribeResult;
import io.github.camelmqttbridge.mqtt.message.Subscription;
import io.github.camelmqttbridge.mqtt.options.MqttClientOptions;
import io.github.camelmqttbridge.mqtt.session.PacketIdAllocator;
import io.github.camelmqttbridge.mqtt.session.SessionStore;
import io.github.camelmqttbridge.mqtt.session.StoredPublish;
import io.github.camelmqttbridge.mqtt.session.StoredSession;
import io.github.camelmqttbridge.mqtt.session.StoredSubscription;
import io.github.camelmqttbridge.mqtt.topic.TopicFilters;
import io.github.camelmqttbridge.mqtt.topic.TopicNames;
import io.github.camelmqttbridge.mqtt.transport.MqttTransport;
import io.github.camelmqttbridge.mqtt.transport.TransportPath;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An MQTT 3.1.1 / 5 client. Every method is thread-safe and non-blocking: the work is handed to the
 * client's single event loop, which owns all connection and session state, and the result comes back as a
 * future. Inbound messages reach {@link MessageListener}s with an acknowledge handle; the broker gets
 * PUBACK / PUBREC only when it is called (in {@link AckMode#MANUAL}).
 *
 * <p>{@link #connect()} starts the client: its future completes at the first accepted CONNACK, or fails
 * after every server URI failed once. With automatic reconnect on, the client keeps trying (with back-off)
 * after that failure and after every lost connection, until {@link #disconnect()} or {@link #close()}.
 */
public final class MqttClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MqttClient.class);

    private final MqttClientOptions options;
    private final EventLoopGroup group;
    private final boolean ownGroup;
    private final EventLoop loop;
    private final SessionStore store;
    private final FlowCounters counters = new FlowCounters();
    private final ClientMetrics metrics = new ClientMetrics(counters);
    private final PacketIdAllocator packetIds = new PacketIdAllocator();
    private final SubscriptionFlow subscriptions;
    private final InboundPublishFlow inbound;
    private final OutboundPublishFlow outbound;
    private final PipelineAssembler.Flows flows;
    private final ReconnectPolicy reconnectPolicy;
    private final RefusalByClose subscribeRefusals = new RefusalByClose();
    private final RefusalByClose publishRefusals = new RefusalByClose();
    /** Accepted connections in a row that the broker closed without a reason before they were stable. */
    private int silentClosesInARow;
    private long acceptedAtNanos;
    private final List<ConnectionListener> listeners = new CopyOnWriteArrayList<>();
    private final MqttTransport transport;

    // Event-loop state.
    private volatile ConnectionState state = ConnectionState.DISCONNECTED;
    private volatile ConnectResult current;
    private volatile Throwable lastError;
    private MqttConnection connection;
    private Channel attemptChannel;
    private CompletableFuture<ConnectResult> connectFuture;
    private boolean storeOpened;
    private boolean everConnected;
    /** Connected at least once since the last connect() call: further attempts are reconnects (Clean Start). */
    private boolean connectedSinceConnectCall;
    private boolean hadSessionState;
    private String clientId;
    private int uriIndex;
    private int failuresThisRound;
    private int attempt;
    private ScheduledFuture<?> reconnectTask;
    /** The server of the current attempt or connection. */
    private URI attemptUri;
    /** Where the next attempt goes instead of the configured servers (a Server Reference), or null. */
    private URI redirectTo;
    /** The current attempt follows a Server Reference. */
    private boolean attemptRedirected;
    /** The next attempt sends Clean Start = 1 whatever the options say (see onAccepted). */
    private boolean forceCleanStart;

    /** publish() calls from other threads, handed to the event loop in batches (see {@link #publish}). */
    private record Submitted(OutboundMessage message, CompletableFuture<PublishResult> future) {
    }

    private final java.util.Queue<Submitted> submittedPublishes = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicBoolean publishDrainScheduled =
            new java.util.concurrent.atomic.AtomicBoolean();

    public MqttClient(MqttClientOptions options) {
        this.options = options;
        this.ownGroup = options.eventLoopGroup() == null;
        this.group = ownGroup ? new NioEventLoopGroup(1, new DefaultThreadFactory("mqtt-bridge-client", true))
                : options.eventLoopGroup();
        this.loop = group.next();
        this.store = options.sessionStore().get();
        this.clientId = options.clientId();
        this.flows = PipelineAssembler.Flows.create(loop, store, counters, packetIds, options);
        this.subscriptions = flows.subscriptions();
        this.inbound = flows.inbound();
        this.outbound = flows.outbound();
        this.subscriptions.onResubscribeRefused(result -> listeners.forEach(l -> l.subscriptionRefused(result)));
        this.subscriptions.onResubscribed(result -> listeners.forEach(l -> l.resubscribed(result)));
        this.reconnectPolicy = new ReconnectPolicy(new ReconnectBackoff(options.minReconnectDelay().toMillis(),
                options.maxReconnectDelay().toMillis()), options.followServerReference());
        this.transport = MqttTransport.create(options);
    }

    public MqttClientOptions options() {
        return options;
    }

    public ClientMetrics metrics() {
        return metrics;
    }

    /**
     * Where this client reports how long acknowledgements and publish confirmations took (e.g. to a metrics
     * library); {@link MessageTimings#NONE} by default. Called on the event loop: it must not block.
     */
    public void messageTimings(MessageTimings timings) {
        inbound.messageTimings(timings);
        outbound.messageTimings(timings);
    }

    public ConnectionState state() {
        return state;
    }

    public boolean isConnected() {
        return state == ConnectionState.CONNECTED;
    }

    /** The last accepted CONNACK, or null before the first one. */
    public ConnectResult connectResult() {
        return current;
    }

    /** The error that ended the last connection or attempt, or null. */
    public Throwable lastError() {
        return lastError;
    }

    /** The client id in use: the configured one, or the one the broker assigned. */
    public String clientId() {
        return clientId;
    }

    public void addConnectionListener(ConnectionListener listener) {
        listeners.add(listener);
    }

    public void removeConnectionListener(ConnectionListener listener) {
        listeners.remove(listener);
    }

    public CompletableFuture<ConnectResult> connect() {
        CompletableFuture<ConnectResult> future = new CompletableFuture<>();
        onLoop(future, () -> {
            if (state == ConnectionState.CLOSED) {
                future.completeExceptionally(new MqttClientException("Client " + clientId + " is closed"));
                return;
            }
            if (state == ConnectionState.CONNECTED) {
                future.complete(current);
                return;
            }
            if (connectFuture != null && !connectFuture.isDone()) {
                connectFuture.whenComplete((r, e) -> complete(future, r, e));
                return;
            }
            connectFuture = future;
            if (!openStore(future)) {
                return;
            }
            if (state == ConnectionState.DISCONNECTED) {
                failuresThisRound = 0;
                connectedSinceConnectCall = false;
                startAttempt();
            }
        });
        return future;
    }

    private boolean openStore(CompletableFuture<?> future) {
        if (storeOpened) {
            return true;
        }
        try {
            StoredSession session = store.open(clientId);
            storeOpened = true;
            if (options.cleanStart() || !options.persistentSession()) {
                store.clear();
            } else {
                hadSessionState = !session.isEmpty();
                session.outbound().forEach(outbound::recover);
                inbound.recoverAwaitingRelease(session.inboundAwaitingRelease());
                session.subscriptions().forEach(subscriptions::recover);
                if (hadSessionState) {
                    LOG.info("Client {} resumes a stored session: {} outbound message(s) in flight, {} QoS 2 awaiting release, "
                            + "{} subscription(s)", clientId, session.outbound().size(), session.inboundAwaitingRelease().size(),
                            session.subscriptions().size());
                }
            }
            return true;
        } catch (IOException | RuntimeException e) {
            future.completeExceptionally(new MqttClientException("Cannot open the session store for client '" + clientId
                    + "': " + e.getMessage(), e));
            return false;
        }
    }

    /** Subscribes; {@code listener} receives what matches these filters. Works before connect() too. */
    public CompletableFuture<SubscribeResult> subscribe(List<Subscription> subscriptionList, MessageListener listener) {
        CompletableFuture<SubscribeResult> future = new CompletableFuture<>();
        try {
            if (subscriptionList.isEmpty()) {
                throw new IllegalArgumentException("subscribe() needs at least one topic filter");
            }
            if (subscriptionList.stream().map(Subscription::subscriptionIdentifier).distinct().count() > 1) {
                // One SUBSCRIBE packet carries one identifier: mixing them would silently mislabel filters.
                throw new IllegalArgumentException("All topic filters of one subscribe() call must share one "
                        + "subscription identifier; subscribe separately for different identifiers");
            }
            for (Subscription s : subscriptionList) {
                TopicFilters.validateFilter(s.topicFilter());
                if (TopicFilters.isShared(s.topicFilter()) && s.noLocal()) {
                    throw new IllegalArgumentException("noLocal cannot be used with the shared subscription '"
                            + s.topicFilter() + "' (MQTT 5 forbids it)");
                }
            }
        } catch (IllegalArgumentException e) {
            future.completeExceptionally(e);
            return future;
        }
        onLoop(future, () -> {
            if (state == ConnectionState.CLOSED) {
                future.completeExceptionally(new MqttClientException("Client " + clientId + " is closed"));
            } else if (openStore(future)) {
                // The store must be open (and, for a clean start, cleared) before the subscription is recorded.
                subscriptions.subscribe(subscriptionList, listener, future);
            }
        });
        return future;
    }

    public CompletableFuture<SubscribeResult> subscribe(String topicFilter, int qos, MessageListener listener) {
        return subscribe(List.of(Subscription.of(topicFilter, qos)), listener);
    }

    public CompletableFuture<Void> unsubscribe(List<String> topicFilters) {
        CompletableFuture<Void> future = new CompletableFuture<>();
        try {
            if (topicFilters.isEmpty()) {
                throw new IllegalArgumentException("unsubscribe() needs at least one topic filter");
            }
            topicFilters.forEach(TopicFilters::validateFilter);
        } catch (IllegalArgumentException e) {
            future.completeExceptionally(e);
            return future;
        }
        onLoop(future, () -> {
            if (openStore(future)) {
                subscriptions.unsubscribe(topicFilters, future);
            }
        });
        return future;
    }

    /**
     * Publishes. The future completes on PUBACK (QoS 1), PUBCOMP (QoS 2) or once written (QoS 0); it fails
     * with {@link MqttPublishRefusedException} when the broker refuses the message.
     */
    public CompletableFuture<PublishResult> publish(OutboundMessage message) {
        CompletableFuture<PublishResult> future = new CompletableFuture<>();
        try {
            TopicNames.validateTopicName(message.topic());
        } catch (IllegalArgumentException e) {
            future.completeExceptionally(e);
            return future;
        }
        ConnectResult limits = current;
        if (limits != null && message.qos() > limits.maximumQos()) {
            future.completeExceptionally(new MqttClientException("Cannot publish to '" + message.topic() + "' with QoS "
                    + message.qos() + ": the broker supports QoS " + limits.maximumQos() + " at most"));
            return future;
        }
        if (limits != null && message.retain() && !limits.retainAvailable()) {
            future.completeExceptionally(new MqttClientException("Cannot publish a retained message to '" + message.topic()
                    + "': the broker does not support retained messages"));
            return future;
        }
        if (loop.inEventLoop()) {
            publishOnLoop(message, future);
            return future;
        }
        // One event-loop task per batch, not per message: callers queue their publishes and only the one that
        // finds no drain scheduled submits a task; the task writes everything queued so far and flushes once.
        // Order per calling thread is kept (one FIFO queue), and a task submitted after publish() by the same
        // thread (e.g. disconnect()) still runs after the drain that takes this message.
        submittedPublishes.add(new Submitted(message, future));
        if (publishDrainScheduled.compareAndSet(false, true)) {
            try {
                loop.execute(this::drainSubmittedPublishes);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                publishDrainScheduled.set(false);
                Submitted s;
                while ((s = submittedPublishes.poll()) != null) {
                    s.future().completeExceptionally(new MqttClientException("Client " + clientId + " is closed", e));
                }
            }
        }
        return future;
    }

    private void drainSubmittedPublishes() {
        publishDrainScheduled.set(false);
        outbound.beginBatch();
        try {
            Submitted s;
            while ((s = submittedPublishes.poll()) != null) {
                publishOnLoop(s.message(), s.future());
            }
        } finally {
            outbound.endBatch();
        }
    }

    private void publishOnLoop(OutboundMessage message, CompletableFuture<PublishResult> future) {
        try {
            if (state == ConnectionState.CLOSED) {
                future.completeExceptionally(new MqttClientException("Client " + clientId + " is closed"));
            } else {
                outbound.publish(message, future);
            }
        } catch (RuntimeException e) {
            LOG.error("Unexpected failure in the MQTT client's event loop", e);
            future.completeExceptionally(e);
        }
    }

    /**
     * MQTT 5 enhanced authentication again on the live connection (AUTH 0x19, the broker's challenges answered, AUTH
     * 0x00); completes when the broker accepted and proved itself. Fails when not connected or no authenticator is
     * configured; a refusal ends the connection (the broker disconnects) and the client reconnects as usual.
     */
    public CompletableFuture<Void> reauthenticate() {
        CompletableFuture<Void> future = new CompletableFuture<>();
        onLoop(future, () -> {
            MqttConnection c = connection;
            if (c == null || !c.isActive()) {
                future.completeExceptionally(new MqttClientException("Client " + clientId + " is not connected"));
            } else {
                AuthHandler.reauthenticate(c.channel(), future);
            }
        });
        return future;
    }

    /** Sends DISCONNECT and closes the connection; no reconnect until connect() is called again. */
    public CompletableFuture<Void> disconnect() {
        CompletableFuture<Void> future = new CompletableFuture<>();
        onLoop(future, () -> {
            if (state != ConnectionState.CLOSED) {
                state = ConnectionState.DISCONNECTED;
            }
            cancelReconnect();
            if (connectFuture != null && !connectFuture.isDone()) {
                connectFuture.completeExceptionally(new MqttClientException("disconnect() was called while connecting"));
            }
            if (attemptChannel != null && connection == null) {
                attemptChannel.close();
            }
            if (connection != null && connection.channel().isActive()) {
                Channel channel = connection.channel();
                MqttMessageBuilders.DisconnectBuilder disconnect = MqttMessageBuilders.disconnect().reasonCode((byte) 0);
                if (options.endSessionOnDisconnect()) {
                    MqttProperties props = new MqttProperties();
                    props.add(new MqttProperties.IntegerProperty(
                            MqttProperties.MqttPropertyType.SESSION_EXPIRY_INTERVAL.value(), 0));
                    disconnect.properties(props);
                }
                channel.writeAndFlush(disconnect.build())
                        .addListener(f -> channel.close().addListener(c -> future.complete(null)));
            } else {
                future.complete(null);
            }
        });
        return future;
    }

    /** Disconnects, fails what is still waiting, closes the session store and (if ours) the event loop. */
    @Override
    public void close() {
        if (loop.isShuttingDown()) {
            return;
        }
        if (loop.inEventLoop()) {
            // Waiting here would wait for ourselves: close from another thread and return.
            CompletableFuture.runAsync(this::close);
            return;
        }
        try {
            disconnect().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debug("Disconnect during close failed: {}", e.toString());
        }
        CompletableFuture<Void> closed = new CompletableFuture<>();
        onLoop(closed, () -> {
            state = ConnectionState.CLOSED;
            MqttClientException cause = new MqttClientException("Client " + clientId + " was closed");
            outbound.failAll(cause);
            subscriptions.failAll(cause);
            try {
                store.close();
            } catch (IOException | RuntimeException e) {
                LOG.warn("Closing the session store of client {} failed: {}", clientId, e.getMessage());
            }
            closed.complete(null);
        });
        try {
            closed.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debug("Close did not finish cleanly: {}", e.toString());
        }
        if (ownGroup) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    // ---- connection attempts (event loop) ----

    private void startAttempt() {
        attemptRedirected = redirectTo != null;
        URI uri = attemptRedirected ? redirectTo : options.serverUris().get(uriIndex);
        redirectTo = null;
        attemptUri = uri;
        String serverUri = uri.toString();
        state = everConnected ? ConnectionState.RECONNECTING : ConnectionState.CONNECTING;
        Events events = new Events(serverUri);
        TransportPath path;
        try {
            path = transport.pathTo(uri);
        } catch (MqttClientException e) {
            onAttemptFailed(e);
            return;
        }
        boolean cleanStart = options.cleanStart(connectedSinceConnectCall);
        Bootstrap bootstrap = new Bootstrap().group(loop).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, options.connectTimeout().toMillis()))
                .attr(ConnectHandler.FORCE_CLEAN_START, forceCleanStart)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ChannelPipeline p = ch.pipeline();
                        path.addTransportHandlers(ch);
                        p.addLast("flush", new FlushConsolidationHandler(256, true));
                        PipelineAssembler.assemble(p, true, options, cleanStart, clientId, serverUri, events, flows);
                    }
                });
        ChannelFuture cf = path.connect(bootstrap);
        attemptChannel = cf.channel();
        cf.addListener(f -> {
            if (!f.isSuccess()) {
                events.attemptFailed(cf.channel(), path.connectFailed(f.cause()));
            }
        });
    }

    private final class Events implements ConnectionEvents {
        private final String serverUri;
        private boolean reported;

        Events(String serverUri) {
            this.serverUri = serverUri;
        }

        @Override
        public void connackAccepted(Channel channel, MqttConnAckMessage connack) {
            onAccepted(serverUri, channel, connack);
        }

        @Override
        public void attemptFailed(Channel channel, Throwable cause) {
            if (!reported) {
                reported = true;
                onAttemptFailed(cause);
            }
        }

        @Override
        public void connectionClosed(Channel channel, Throwable cause) {
            if (!reported) {
                reported = true;
                onConnectionLost(cause);
            }
        }
    }

    private void onAccepted(String serverUri, Channel channel, MqttConnAckMessage connack) {
        if (state == ConnectionState.DISCONNECTED || state == ConnectionState.CLOSED) {
            channel.close();
            return;
        }
        ConnectResult result = PipelineAssembler.connectResult(options, serverUri, clientId, connack);
        boolean sessionPresent = result.sessionPresent();
        // "No session state" (MQTT 5 3.2.2-4) can only be true of this client's first connection: from then on we
        // hold the session we made or resumed, even when nothing is in flight. The session store opened empty, so
        // the broker's session (if any) is from an earlier run whose state we lost (persistence=memory) or never had.
        boolean holdsNoState = !everConnected && !hadSessionState;
        boolean resumedWithoutState = sessionPresent && holdsNoState;
        if (resumedWithoutState && !hasSubscriptions()) {
            // Nothing the broker holds for us is wanted (no subscription, so no queued message we could take), and its
            // QoS 2 packet ids of an earlier run would swallow our new messages that reuse them: do what 3.2.2-4 says,
            // close and start a new session.
            LOG.warn("Broker {} resumed a session for client {} of which we hold no state (an earlier run's, with"
                    + " persistence=memory or a new store) and we subscribe to nothing: starting a new session (clean start)"
                    + " so that packet ids it still holds cannot swallow new messages", serverUri, result.clientId());
            restartWithCleanStart(channel);
            return;
        }
        clientId = result.clientId();
        boolean reconnect = everConnected;
        boolean sessionLost = !sessionPresent && options.persistentSession() && (everConnected || hadSessionState);
        everConnected = true;
        connectedSinceConnectCall = true;
        forceCleanStart = false;
        attempt = 0;
        failuresThisRound = 0;
        current = result;
        reconnectPolicy.connected();
        acceptedAtNanos = System.nanoTime();
        if (reconnect) {
            // Counted before the state says CONNECTED: a health check on another thread that sees CONNECTED after
            // a reconnect must see the reconnect counted too.
            metrics.onReconnect();
        }
        state = ConnectionState.CONNECTED;
        if (!sessionPresent && storeOpened) {
            try {
                store.clear();
                // Subscriptions are still wanted: the flow re-makes them and records them again.
                subscriptions.recordAll();
            } catch (IOException | RuntimeException e) {
                LOG.error("Session store of client {} could not be cleared: {}", clientId, e.getMessage());
            }
        }
        if (sessionLost) {
            LOG.warn("Broker {} has no session for client {} (session present = false): subscriptions are made again, "
                    + "but messages it held for us while we were away may be lost", serverUri, clientId);
        }
        if (resumedWithoutState) {
            // We subscribe, so what the broker queued for this session is wanted: keep the session (closing as 3.2.2-4
            // says would throw those messages away), and let every packet id prove free before we publish with it.
            LOG.info("Broker {} resumed a session for client {} of which we hold no state (an earlier run's, with"
                    + " persistence=memory or a new store): kept for the messages it holds for our subscriptions; each"
                    + " packet id is released with PUBREL before its first QoS 1/2 publish", serverUri, clientId);
            outbound.brokerMayHoldPacketIds();
        }
        connection = PipelineAssembler.start(channel, result, flows);
        if (reconnect) {
            LOG.info("Client {} reconnected to {} (session present: {})", clientId, serverUri, sessionPresent);
        } else {
            LOG.info("Client {} connected to {} with MQTT {} (session present: {})", clientId, serverUri,
                    options.version(), sessionPresent);
        }
        if (connectFuture != null) {
            connectFuture.complete(result);
        }
        for (ConnectionListener l : listeners) {
            safely(() -> l.connected(result, reconnect));
            if (sessionLost) {
                safely(l::sessionLost);
            }
        }
    }

    private boolean hasSubscriptions() {
        return !subscriptions.activeFilters().isEmpty() || subscriptions.hasRecovered();
    }

    /** Ends a just-accepted connection before anything used it, and connects again at once with Clean Start = 1. */
    private void restartWithCleanStart(Channel channel) {
        forceCleanStart = true;
        if (options.version() == MqttVersion.V5) {
            channel.writeAndFlush(MqttMessageBuilders.disconnect().reasonCode((byte) 0).build())
                    .addListener(f -> channel.close());
        } else {
            channel.close();
        }
        attemptChannel = null;
        // the same server (uriIndex still points at it): the second half of one attempt, not a failure
        redirectTo = attemptRedirected ? attemptUri : null;
        startAttempt();
    }

    private void onAttemptFailed(Throwable cause) {
        attemptChannel = null;
        lastError = cause;
        metrics.onError(cause.getMessage());
        if (state == ConnectionState.DISCONNECTED || state == ConnectionState.CLOSED) {
            return;
        }
        ReconnectPolicy.Decision decision = reconnectPolicy.attemptFailed(cause, attemptUri);
        int servers = options.serverUris().size();
        if (!attemptRedirected) {
            failuresThisRound++;
            uriIndex = (uriIndex + 1) % servers;
        }
        boolean roundOver = attemptRedirected || failuresThisRound >= servers;
        boolean connecting = connectFuture != null && !connectFuture.isDone();
        if (decision.server() != null && (options.automaticReconnect() || connecting)) {
            // The broker named the server to use: the next attempt goes there (after the policy's delay), then back
            // to the configured list.
            failuresThisRound = 0;
            redirectTo = decision.server();
            scheduleReconnect(cause, decision);
            return;
        }
        if (!everConnected && roundOver && connecting) {
            connectFuture.completeExceptionally(cause);
        }
        if (!roundOver) {
            LOG.warn("{}; trying the next server", cause.getMessage());
            startAttempt();
            return;
        }
        failuresThisRound = 0;
        if (!options.automaticReconnect()) {
            LOG.warn("{}", cause.getMessage());
            state = ConnectionState.DISCONNECTED;
            return;
        }
        scheduleReconnect(cause, decision);
    }

    private void onConnectionLost(Throwable closeCause) {
        connection = null;
        attemptChannel = null;
        Throwable cause = nameWhatTheBrokerDid(closeCause);
        lastError = cause;
        metrics.onError(cause.getMessage());
        PipelineAssembler.stop(flows);
        if (state == ConnectionState.DISCONNECTED || state == ConnectionState.CLOSED) {
            return;
        }
        for (ConnectionListener l : listeners) {
            safely(() -> l.connectionLost(cause));
        }
        if (!options.automaticReconnect()) {
            LOG.warn("Connection lost: {}", cause.getMessage());
            state = ConnectionState.DISCONNECTED;
            // Nothing will send these again unless the application connects again: tell whoever waits for them now
            // instead of leaving their futures open.
            flows.subscriptions().failAll(new MqttClientException("Connection of client " + clientId
                    + " was lost before the broker answered the SUBSCRIBE/UNSUBSCRIBE, and automaticReconnect is off: "
                    + cause.getMessage(), cause));
            return;
        }
        ReconnectPolicy.Decision decision = reconnectPolicy.connectionLost(cause, attemptUri);
        if (decision.server() != null) {
            redirectTo = decision.server();
        }
        scheduleReconnect(cause, decision);
    }

    /**
     * A broker that closes the connection while our SUBSCRIBE (or PUBLISH) is unanswered has most likely refused it that
     * way (RabbitMQ does for a topic the user may not read or write, NATS for QoS 2): say so instead of "closed the
     * connection", and after {@link RefusalByClose#GIVE_UP_AFTER} such closes in a row give that request up, so its
     * caller gets a clear error instead of a reconnect loop that re-sends it forever.
     */
    private Throwable nameWhatTheBrokerDid(Throwable cause) {
        if (!(cause instanceof MqttConnectionClosedByBrokerException)) {
            subscribeRefusals.reset();
            publishRefusals.reset();
            silentClosesInARow = 0;
            return cause;
        }
        long now = System.nanoTime();
        boolean stable = millisSince(acceptedAtNanos, now) >= reconnectPolicy.stableMillis();
        silentClosesInARow = stable ? 1 : silentClosesInARow + 1;
        List<SubscriptionFlow.UnansweredSubscribe> unanswered = subscriptions.unansweredSubscribes();
        if (!unanswered.isEmpty()) {
            publishRefusals.reset();
            // The broker answers in order: the oldest unanswered SUBSCRIBE is the one it was handling.
            SubscriptionFlow.UnansweredSubscribe oldest = unanswered.get(0);
            String filters = oldest.topicFilters().stream().map(f -> "'" + f + "'")
                    .collect(java.util.stream.Collectors.joining(", "));
            String what = cause.getMessage() + " " + millisSince(oldest.sentAtNanos(), now) + " ms after our SUBSCRIBE to "
                    + filters + ", without answering it";
            int times = subscribeRefusals.closedAfter(oldest.topicFilters());
            if (times >= RefusalByClose.GIVE_UP_AFTER) {
                subscribeRefusals.reset();
                subscriptions.refuseUnanswered(oldest.topicFilters(), 0x80, "broker " + attemptUri + " closed the"
                        + " connection right after our SUBSCRIBE instead of answering it, " + times + " times in a row: it"
                        + " refuses the subscription this way (RabbitMQ does for a topic the user may not read)");
                what += " (" + times + " times in a row: the subscription is given up)";
            }
            return new MqttConnectionClosedByBrokerException(what, cause);
        }
        subscribeRefusals.reset();
        OutboundPublishFlow.UnansweredPublish publish = outbound.oldestUnansweredPublish();
        if (publish == null || millisSince(publish.writtenAtNanos(), now) > RIGHT_AFTER_MILLIS) {
            publishRefusals.reset();
            if (silentClosesInARow >= 2) {
                // MQTT 3.1.1 brokers, and Mosquitto 2.0 on MQTT 5 too, close a connection taken over by another client
                // with our client id without a DISCONNECT 0x8E: connections that keep ending this way are the sign.
                return new MqttConnectionClosedByBrokerException(cause.getMessage() + " without a reason, "
                        + silentClosesInARow + " times in a row soon after accepting it: another client connecting with"
                        + " client id '" + clientId + "' takes the session over like this (two instances with one client"
                        + " id?)", cause);
            }
            return cause;
        }
        String what = cause.getMessage() + " " + millisSince(publish.writtenAtNanos(), now) + " ms after our QoS "
                + publish.qos() + " PUBLISH to '" + publish.topic() + "' (packet id " + publish.packetId()
                + "), without answering it";
        int times = publishRefusals.closedAfter(List.of(Integer.toString(publish.packetId()), publish.topic()));
        if (times >= RefusalByClose.GIVE_UP_AFTER) {
            publishRefusals.reset();
            outbound.refuseUnanswered(publish.packetId(), "broker " + attemptUri + " closed the connection right after"
                    + " this QoS " + publish.qos() + " PUBLISH instead of answering it, " + times + " times in a row: it"
                    + " refuses the message this way (NATS does for QoS 2, RabbitMQ for a topic the user may not write)");
            what += " (" + times + " times in a row: the message is given up)";
        }
        return new MqttConnectionClosedByBrokerException(what, cause);
    }

    /** A close this soon after our PUBLISH can be the broker's answer to it; later, the PUBLISH is merely in flight. */
    private static final long RIGHT_AFTER_MILLIS = 2_000;

    private static long millisSince(long nanos, long now) {
        return Math.max(0, (now - nanos) / 1_000_000);
    }

    private void scheduleReconnect(Throwable cause, ReconnectPolicy.Decision decision) {
        state = ConnectionState.RECONNECTING;
        long delay = decision.delayMillis();
        attempt++;
        String advice = decision.reason().advice();
        String where = decision.server() != null ? "reconnecting to " + decision.server() + " (its server reference)"
                : "reconnecting";
        if (decision.warn()) {
            LOG.warn("{}{}; {} in {} ms{}", cause.getMessage(), advice.isEmpty() ? "" : " (" + advice + ")", where, delay,
                    decision.heldBack() > 0 ? " [" + decision.heldBack() + " more like it since this was last logged, at DEBUG]"
                            : "");
        } else {
            LOG.debug("{}; {} in {} ms", cause.getMessage(), where, delay);
        }
        for (ConnectionListener l : listeners) {
            int n = attempt;
            safely(() -> l.reconnecting(n, delay, cause));
        }
        reconnectTask = loop.schedule(() -> {
            reconnectTask = null;
            if (state == ConnectionState.RECONNECTING) {
                startAttempt();
            }
        }, delay, TimeUnit.MILLISECONDS);
    }

    private void cancelReconnect() {
        if (reconnectTask != null) {
            reconnectTask.cancel(false);
            reconnectTask = null;
        }
    }

    private void onLoop(CompletableFuture<?> future, Runnable task) {
        Runnable guarded = () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.error("Unexpected failure in the MQTT client's event loop", e);
                future.completeExceptionally(e);
            }
        };
        if (loop.inEventLoop()) {
            guarded.run();
        } else {
            try {
                loop.execute(guarded);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                future.completeExceptionally(new MqttClientException("Client " + clientId + " is closed", e));
            }
        }
    }

    private static <T> void complete(CompletableFuture<T> future, T value, Throwable error) {
        if (error != null) {
            future.completeExceptionally(error);
        } else {
            future.complete(value);
        }
    }

    private static void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.warn("A connection listener failed", e);
        }
    }

    @Override
    public String toString() {
        return "MqttClient[" + clientId + " -> " + options.serverUris() + ", " + state + "]";
    }
}
