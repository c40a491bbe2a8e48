package io.github.camelmqttbridge.mqtt.handler;

import io.github.camelmqttbridge.mqtt.auth.CredentialsProvider;
import io.github.camelmqttbridge.mqtt.auth.EnhancedAuthenticator;
import io.github.camelmqttbridge.mqtt.auth.MqttAuthenticationException;
import io.github.camelmqttbridge.mqtt.auth.MqttCredentials;
import io.github.camelmqttbridge.mqtt.codec.PropertiesMapper;
import io.github.camelmqttbridge.mqtt.error.MqttClientException;
import io.github.camelmqttbridge.mqtt.error.MqttConnectionRefusedException;
import io.github.camelmqttbridge.mqtt.error.MqttProtocolException;
import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import io.github.camelmqttbridge.mqtt.options.MqttClientOptions;
import io.github.camelmqttbridge.mqtt.reason.PacketKind;
import io.github.camelmqttbridge.mqtt.reason.ReasonCode;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectPayload;
import io.netty.handler.codec.mqtt.MqttConnectVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authentication of one connection, in front of {@link ConnectHandler}:
 * <ul>
 * <li>completes the outbound CONNECT with the user name and password of the {@link CredentialsProvider} (asked
 * before every attempt) and with the enhanced authentication method and initial data;</li>
 * <li>answers the broker's AUTH 0x18 challenges (MQTT 5 section 4.12) and checks the broker's final data in CONNACK
 * before the connect handler may accept the connection (packets that arrive meanwhile wait, in order);</li>
 * <li>re-authenticates a live connection (AUTH 0x19 ... AUTH 0x00) when asked and every
 * {@code reauthenticateInterval}.</li>
 * </ul>
 * AUTH packets outside an exchange, with another method, or with a reason code that does not fit are protocol
 * errors (DISCONNECT 0x82). User code (provider, authenticator) runs on a small pool of its own, never on the event
 * loop; its answers hop back to the loop, which owns all state here.
 */
public final class AuthHandler extends ChannelDuplexHandler {

    private static final Logger LOG = LoggerFactory.getLogger(AuthHandler.class);

    /** Runs user callbacks off the event loop; threads come and go with demand. */
    private static final ExecutorService CALLBACKS = callbackPool();

    private enum Phase {
        /** Nothing sent yet, or no enhanced authentication. */
        BEFORE_CONNECT,
        /** CONNECT sent with an authentication method: challenges and then CONNACK expected. */
        CONNECTING,
        /** CONNACK 0x00 arrived; the authenticator checks the broker's final data; later packets wait. */
        VERIFYING_CONNACK,
        CONNECTED,
        /** AUTH 0x19 sent (or being prepared): challenges and then AUTH 0x00 expected. */
        REAUTHENTICATING,
        CLOSED
    }

    private final MqttClientOptions options;
    private final String serverUri;
    private final EnhancedAuthenticator authenticator;
    private final CredentialsProvider credentialsProvider;
    private final boolean v5;
    private ChannelHandlerContext ctx;
    private Phase phase = Phase.BEFORE_CONNECT;
    private EnhancedAuthenticator.Exchange exchange;
    /** A user callback is running; the broker must wait for our answer. */
    private boolean callbackRunning;
    private final ArrayDeque<Object> heldUntilVerified = new ArrayDeque<>();
    private CompletableFuture<Void> reauthentication;
    private ScheduledFuture<?> reauthenticationTimeout;
    private ScheduledFuture<?> reauthenticationTimer;

    public AuthHandler(MqttClientOptions options, String serverUri) {
        this.options = options;
        this.serverUri = serverUri;
        this.authenticator = options.enhancedAuthenticator();
        this.credentialsProvider = options.credentialsProvider();
        this.v5 = options.version() == MqttVersion.V5;
    }

    /** Asks the connection's handler to re-authenticate; completes when the broker accepted. Call on the loop. */
    public static void reauthenticate(Channel channel, CompletableFuture<Void> result) {
        AuthHandler handler = channel.pipeline().get(AuthHandler.class);
        if (handler == null) {
            result.completeExceptionally(new MqttClientException("Re-authentication is not possible on this connection"));
        } else {
            handler.reauthenticate(result);
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    // ---- CONNECT ----

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof MqttConnectMessage connect && phase == Phase.BEFORE_CONNECT
                && (credentialsProvider != null || authenticator != null)) {
            prepareConnect(connect, promise);
        } else {
            ctx.write(msg, promise);
        }
    }

    private record PreparedConnect(MqttConnectMessage connect, EnhancedAuthenticator.Exchange exchange) {
    }

    private void prepareConnect(MqttConnectMessage connect, ChannelPromise promise) {
        callbackRunning = true;
        offLoop(() -> {
            MqttCredentials credentials = credentialsProvider == null ? null
                    : credentialsProvider.credentials(serverUri);
            EnhancedAuthenticator.Exchange started = authenticator == null ? null : authenticator.start(serverUri, false);
            byte[] data = started == null ? null : started.initialData();
            return new PreparedConnect(complete(connect, credentials, data), started);
        }, prepared -> {
            callbackRunning = false;
            if (!ctx.channel().isActive()) {
                promise.tryFailure(new MqttClientException("Connection closed while CONNECT was prepared"));
                return;
            }
            exchange = prepared.exchange();
            phase = exchange != null ? Phase.CONNECTING : Phase.CONNECTED;
            ctx.writeAndFlush(prepared.connect(), promise);
        }, error -> {
            callbackRunning = false;
            promise.tryFailure(error);
            String what = credentialsProvider != null && authenticator == null ? "The credentials provider"
                    : authenticator != null && credentialsProvider == null ? "The " + authenticator.method() + " authenticator"
                    : "The credentials provider or the " + authenticator.method() + " authenticator";
            fail(new MqttAuthenticationException(what + " failed before CONNECT to " + serverUri + ": " + describe(error),
                    error));
        });
    }

    /** CONNECT with the provider's credentials (if any) and the authentication method and data (if any). */
    private MqttConnectMessage complete(MqttConnectMessage connect, MqttCredentials credentials, byte[] authData) {
        MqttConnectVariableHeader h = connect.variableHeader();
        MqttConnectPayload p = connect.payload();
        String userName = credentials != null ? credentials.userName() : p.userName();
        byte[] password = credentials != null ? credentials.password() : p.passwordInBytes();
        MqttProperties props = h.properties();
        if (authenticator != null) {
            props = new MqttProperties();
            for (MqttProperties.MqttProperty<?> existing : h.properties().listAll()) {
                props.add(existing);
            }
            props.add(new MqttProperties.StringProperty(MqttPropertyType.AUTHENTICATION_METHOD.value(),
                    authenticator.method()));
            if (authData != null) {
                props.add(new MqttProperties.BinaryProperty(MqttPropertyType.AUTHENTICATION_DATA.value(), authData));
            }
        }
        MqttConnectVariableHeader header = new MqttConnectVariableHeader(h.name(), h.version(), userName != null,
                password != null, h.isWillRetain(), h.willQos(), h.isWillFlag(), h.isCleanSession(),
                h.keepAliveTimeSeconds(), props);
        MqttConnectPayload payload = new MqttConnectPayload(p.clientIdentifier(), p.willProperties(), p.willTopic(),
                p.willMessageInBytes(), userName, password);
        return new MqttConnectMessage(connect.fixedHeader(), header, payload);
    }

    // ---- inbound ----

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (phase == Phase.VERIFYING_CONNACK) {
            heldUntilVerified.add(msg);
            return;
        }
        if (!(msg instanceof MqttMessage mqtt) || mqtt.fixedHeader() == null || mqtt.decoderResult().isFailure()) {
            ctx.fireChannelRead(msg);
            return;
        }
        MqttMessageType type = mqtt.fixedHeader().messageType();
        if (type == MqttMessageType.AUTH) {
            try {
                onAuth(mqtt);
            } finally {
                ReferenceCountUtil.release(msg);
            }
        } else if (type == MqttMessageType.CONNACK && phase == Phase.CONNECTING) {
            onConnAck((MqttConnAckMessage) mqtt);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    private void onConnAck(MqttConnAckMessage connack) {
        int code = connack.variableHeader().connectReturnCode().byteValue() & 0xFF;
        MqttProperties props = connack.variableHeader().properties();
        EnhancedAuthenticator.Exchange current = exchange;
        exchange = null;
        if (code != 0) {
            if (code == 0x86 || code == 0x87 || code == 0x8C) {
                String reasonString = PropertiesMapper.stringValue(props, MqttPropertyType.REASON_STRING);
                String hint = code == 0x8C ? "the broker does not accept the authentication method '" + authenticator.method() + "'"
                        : "the broker refused our " + authenticator.method() + " authentication";
                fail(new MqttConnectionRefusedException(serverUri, code, ReasonCode.describe(code, PacketKind.CONNACK)
                        + " - " + hint + (reasonString == null ? "" : " (" + reasonString + ")")));
                return;
            }
            ctx.fireChannelRead(connack); // the connect handler words the other refusals
            return;
        }
        String method = PropertiesMapper.stringValue(props, MqttPropertyType.AUTHENTICATION_METHOD);
        if (method != null && !method.equals(authenticator.method())) {
            protocolError("Broker " + serverUri + " accepted with authentication method '" + method + "' instead of '"
                    + authenticator.method() + "'");
            return;
        }
        byte[] finalData = binary(props);
        phase = Phase.VERIFYING_CONNACK;
        callbackRunning = true;
        offLoop(() -> {
            current.complete(finalData);
            return Boolean.TRUE;
        }, ok -> {
            callbackRunning = false;
            phase = Phase.CONNECTED;
            ctx.fireChannelRead(connack);
            while (!heldUntilVerified.isEmpty() && phase != Phase.CLOSED) {
                ctx.fireChannelRead(heldUntilVerified.poll());
            }
            startReauthenticationTimer();
        }, error -> {
            callbackRunning = false;
            ReferenceCountUtil.release(connack);
            releaseHeld();
            fail(new MqttAuthenticationException("Broker " + serverUri + " accepted the connection, but its final "
                    + authenticator.method() + " data did not verify: " + describe(error), error));
        });
    }

    private void onAuth(MqttMessage auth) {
        int reason = 0;
        MqttProperties props = MqttProperties.NO_PROPERTIES;
        if (auth.variableHeader() instanceof MqttReasonCodeAndPropertiesVariableHeader header) {
            reason = header.reasonCode() & 0xFF;
            props = header.properties();
        }
        if (authenticator == null) {
            protocolError("Broker " + serverUri + " sent AUTH although we asked for no enhanced authentication");
            return;
        }
        String method = PropertiesMapper.stringValue(props, MqttPropertyType.AUTHENTICATION_METHOD);
        if (!authenticator.method().equals(method)) {
            protocolError("Broker " + serverUri + " sent AUTH with authentication method '" + method + "' instead of '"
                    + authenticator.method() + "'");
            return;
        }
        boolean exchanging = phase == Phase.CONNECTING || phase == Phase.REAUTHENTICATING;
        if (!exchanging || exchange == null || callbackRunning) {
            protocolError("Broker " + serverUri + " sent AUTH (" + ReasonCode.describe(reason, PacketKind.AUTH) + ") "
                    + (callbackRunning ? "before we answered its last one" : "outside an authentication exchange"));
            return;
        }
        EnhancedAuthenticator.Exchange current = exchange;
        byte[] data = binary(props);
        if (reason == 0x18) {
            callbackRunning = true;
            offLoop(() -> current.respond(data), answer -> {
                callbackRunning = false;
                if (exchange == current && ctx.channel().isActive()) {
                    ctx.writeAndFlush(authPacket(0x18, answer));
                }
            }, error -> {
                callbackRunning = false;
                fail(new MqttAuthenticationException("The " + authenticator.method() + " authenticator could not answer"
                        + " the challenge of " + serverUri + ": " + describe(error), error));
            });
        } else if (reason == 0x00 && phase == Phase.REAUTHENTICATING) {
            callbackRunning = true;
            offLoop(() -> {
                current.complete(data);
                return Boolean.TRUE;
            }, ok -> {
                callbackRunning = false;
                exchange = null;
                phase = Phase.CONNECTED;
                cancel(reauthenticationTimeout);
                LOG.info("Re-authenticated to {} with {}", serverUri, authenticator.method());
                CompletableFuture<Void> done = reauthentication;
                reauthentication = null;
                done.complete(null);
            }, error -> {
                callbackRunning = false;
                fail(new MqttAuthenticationException("Broker " + serverUri + " accepted the re-authentication, but its"
                        + " final " + authenticator.method() + " data did not verify: " + describe(error), error));
            });
        } else {
            protocolError("Broker " + serverUri + " sent AUTH with " + ReasonCode.describe(reason, PacketKind.AUTH)
                    + (phase == Phase.CONNECTING ? " while connecting (CONNACK ends that exchange)" : ""));
        }
    }

    // ---- re-authentication ----

    private void reauthenticate(CompletableFuture<Void> result) {
        if (authenticator == null) {
            result.completeExceptionally(new MqttClientException("Re-authentication needs enhanced authentication"
                    + " (an authentication method); none is configured"));
            return;
        }
        if (phase == Phase.REAUTHENTICATING) {
            reauthentication.whenComplete((r, e) -> {
                if (e != null) {
                    result.completeExceptionally(e);
                } else {
                    result.complete(null);
                }
            });
            return;
        }
        if (phase != Phase.CONNECTED || !ctx.channel().isActive()) {
            result.completeExceptionally(new MqttClientException("Cannot re-authenticate: not connected to " + serverUri));
            return;
        }
        phase = Phase.REAUTHENTICATING;
        reauthentication = result;
        callbackRunning = true;
        offLoop(() -> {
            EnhancedAuthenticator.Exchange started = authenticator.start(serverUri, true);
            return new Object[] { started, started.initialData() };
        }, started -> {
            callbackRunning = false;
            if (phase != Phase.REAUTHENTICATING) {
                return; // closed meanwhile; channelInactive failed the future
            }
            exchange = (EnhancedAuthenticator.Exchange) started[0];
            ctx.writeAndFlush(authPacket(0x19, (byte[]) started[1]));
            long timeoutMillis = options.connectTimeout().toMillis();
            reauthenticationTimeout = ctx.executor().schedule(() -> fail(new MqttAuthenticationException("Broker "
                    + serverUri + " did not finish the re-authentication within " + timeoutMillis + " ms")),
                    timeoutMillis, TimeUnit.MILLISECONDS);
        }, error -> {
            callbackRunning = false;
            // Nothing was sent: the connection stays as it is.
            phase = Phase.CONNECTED;
            CompletableFuture<Void> done = reauthentication;
            reauthentication = null;
            done.completeExceptionally(new MqttAuthenticationException("The " + authenticator.method()
                    + " authenticator could not start a re-authentication: " + describe(error), error));
        });
    }

    private void startReauthenticationTimer() {
        long every = options.reauthenticateInterval().toMillis();
        if (every <= 0) {
            return;
        }
        reauthenticationTimer = ctx.executor().scheduleWithFixedDelay(() -> {
            if (phase != Phase.CONNECTED) {
                return;
            }
            CompletableFuture<Void> done = new CompletableFuture<>();
            done.whenComplete((r, e) -> {
                if (e != null) {
                    LOG.warn("Periodic re-authentication to {} failed: {}", serverUri, e.getMessage());
                }
            });
            reauthenticate(done);
        }, every, every, TimeUnit.MILLISECONDS);
    }

    // ---- end of the connection ----

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        phase = Phase.CLOSED;
        exchange = null;
        cancel(reauthenticationTimeout);
        cancel(reauthenticationTimer);
        releaseHeld();
        if (reauthentication != null) {
            Throwable cause = MqttConnection.closeCause(ctx.channel());
            CompletableFuture<Void> done = reauthentication;
            reauthentication = null;
            done.completeExceptionally(cause != null ? cause : new MqttClientException("Connection to " + serverUri
                    + " closed during re-authentication"));
        }
        ctx.fireChannelInactive();
    }

    // ---- helpers ----

    private MqttMessage authPacket(int reason, byte[] data) {
        MqttProperties props = new MqttProperties();
        props.add(new MqttProperties.StringProperty(MqttPropertyType.AUTHENTICATION_METHOD.value(), authenticator.method()));
        if (data != null) {
            props.add(new MqttProperties.BinaryProperty(MqttPropertyType.AUTHENTICATION_DATA.value(), data));
        }
        return MqttMessageBuilders.auth().reasonCode((byte) reason).properties(props).build();
    }

    private static byte[] binary(MqttProperties props) {
        MqttProperties.MqttProperty<?> p = props.getProperty(MqttPropertyType.AUTHENTICATION_DATA.value());
        return p == null ? null : (byte[]) p.value();
    }

    private void protocolError(String message) {
        fail(new MqttProtocolException(0x82, message + "; closing the connection"));
    }

    /**
     * Ends the connection (or the attempt) because of {@code cause}: recorded as the close cause, which the connect
     * handler (before CONNACK) or the protocol guard (after) reports; a protocol error goes out as DISCONNECT first.
     */
    private void fail(MqttClientException cause) {
        if (phase == Phase.CLOSED) {
            return;
        }
        if (reauthentication != null) {
            CompletableFuture<Void> done = reauthentication;
            reauthentication = null;
            done.completeExceptionally(cause);
        }
        MqttConnection.close(ctx.channel(), cause, v5);
    }

    private void releaseHeld() {
        Object held;
        while ((held = heldUntilVerified.poll()) != null) {
            ReferenceCountUtil.release(held);
        }
    }

    private static void cancel(ScheduledFuture<?> task) {
        if (task != null) {
            task.cancel(false);
        }
    }

    /** The cause's own words; user code's exceptions are not trusted to be short, so only the message is used. */
    private static String describe(Throwable error) {
        Throwable t = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }

    /** A callback that may throw anything (user code). */
    @FunctionalInterface
    private interface Callback<T> {
        T call() throws Exception;
    }

    /** Runs {@code work} off the loop; {@code then} or {@code failed} runs on the loop afterwards. */
    private <T> void offLoop(Callback<T> work, Consumer<T> then, Consumer<Throwable> failed) {
        try {
            CALLBACKS.execute(() -> {
                T result;
                Throwable error = null;
                try {
                    result = work.call();
                } catch (Throwable t) {
                    result = null;
                    error = t;
                }
                T value = result;
                Throwable problem = error;
                try {
                    ctx.executor().execute(() -> {
                        if (phase == Phase.CLOSED) {
                            return;
                        }
                        if (problem != null) {
                            failed.accept(problem);
                        } else {
                            then.accept(value);
                        }
                    });
                } catch (RejectedExecutionException loopGone) {
                    // the client was closed meanwhile: nobody waits for the answer
                }
            });
        } catch (RejectedExecutionException e) {
            failed.accept(e);
        }
    }

    private static ExecutorService callbackPool() {
        // Up to four threads, each ending after 30 s without work: a provider that blocks on a slow token service
        // delays other clients' callbacks only when four of them block at once.
        ThreadPoolExecutor pool = new ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                new DefaultThreadFactory("mqtt-bridge-auth", true));
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    @Override
    public String toString() {
        return "AuthHandler[" + serverUri + ", " + phase + (authenticator == null ? "" : ", " + authenticator.method())
                + "]";
    }
}
