package io.github.camelmqttbridge.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import io.github.camelmqttbridge.testsupport.MosquittoBroker;
import io.github.camelmqttbridge.testsupport.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.health.HealthCheckRepository;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Options and operations through the component against Mosquitto (the shared one unless a test needs its own). */
class MqttBridgeFeaturesTest extends MqttBridgeTestSupport {

    private static TestCertificates certs;
    private final List<CamelContext> extraContexts = new ArrayList<>();

    @BeforeAll
    static void certificates() {
        certs = TestCertificates.generate();
    }

    @AfterEach
    void stopExtraContexts() {
        extraContexts.forEach(CamelContext::stop);
    }

    private CamelContext newContext(RouteBuilder routes) throws Exception {
        CamelContext c = new DefaultCamelContext();
        extraContexts.add(c);
        c.addRoutes(routes);
        c.start();
        return c;
    }

    private static MqttBridgeConsumer consumerOf(CamelContext c, String routeId) {
        return (MqttBridgeConsumer) c.getRoute(routeId).getConsumer();
    }

    // ---- acknowledgement after commit, proven by the broker's redelivery ----

    @Test
    void messageStillInTheRouteWhenTheConsumerDiesIsRedeliveredByTheBroker() throws Exception {
        String t = topic("crash");
        String clientId = "crash-" + prefix.substring(3);
        String uri = "mqtt-bridge:" + t + "?brokerUrl=" + BROKER + "&qos=1&clientId=" + clientId
                + "&cleanStart=false&sessionExpiryInterval=300";
        CountDownLatch inRoute = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        CamelContext first = newContext(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId("blocked").process(e -> {
                    inRoute.countDown();
                    if (!never.await(60, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("never released");
                    }
                });
            }
        });
        first.getShutdownStrategy().setTimeout(1);
        first.getShutdownStrategy().setTimeUnit(TimeUnit.SECONDS);
        publish(t, "in the route when the consumer died", 1);
        assertThat(inRoute.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(consumerOf(first, "blocked").getAcknowledged()).isZero();
        first.stop(); // mid-processing: the exchange never completes
        extraContexts.remove(first);

        List<Exchange> redelivered = new CopyOnWriteArrayList<>();
        CamelContext second = newContext(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId("again").process(redelivered::add);
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> redelivered.size() == 1);
        Exchange e = redelivered.get(0);
        assertThat(text(e.getIn().getBody())).isEqualTo("in the route when the consumer died");
        assertThat(e.getIn().getHeader(MqttBridgeConstants.DUPLICATE, Boolean.class))
                .as("the broker re-sent it: no PUBACK had left").isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> consumerOf(second, "again").getAcknowledged() == 1);
    }

    @Test
    void gracefulStopAcknowledgesTheExchangeInFlightAndLeavesNewMessagesWithTheBroker() throws Exception {
        String t = topic("graceful");
        String clientId = "graceful-" + prefix.substring(3);
        String uri = "mqtt-bridge:" + t + "?brokerUrl=" + BROKER + "&qos=1&clientId=" + clientId
                + "&cleanStart=false&sessionExpiryInterval=300";
        CountDownLatch inRoute = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> firstGot = new CopyOnWriteArrayList<>();
        CamelContext first = newContext(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId("slow").process(e -> {
                    inRoute.countDown();
                    assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
                    firstGot.add(text(e.getIn().getBody()));
                });
            }
        });
        MqttBridgeConsumer consumer = consumerOf(first, "slow");
        publish(t, "in flight at shutdown", 1);
        assertThat(inRoute.await(10, TimeUnit.SECONDS)).isTrue();
        Thread stopper = new Thread(first::stop, "graceful-stop");
        stopper.start();
        await().atMost(Duration.ofSeconds(10)).until(consumer::isSuspended);
        publish(t, "arrived while stopping", 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> consumer.getReceived() == 2);
        release.countDown();
        stopper.join(30_000);
        extraContexts.remove(first);
        assertThat(firstGot).containsExactly("in flight at shutdown");
        assertThat(consumer.getCompleted()).isEqualTo(1);
        // Proof that its PUBACK left before the session closed: the broker does not send it again below.

        List<String> secondGot = new CopyOnWriteArrayList<>();
        newContext(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId("after").process(e -> secondGot.add(text(e.getIn().getBody())));
            }
        });
        publish(t, "marker", 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> secondGot.contains("marker"));
        assertThat(secondGot).as("only the unacknowledged message comes back, then the new one")
                .containsExactly("arrived while stopping", "marker");
    }

    // ---- persistence=file ----

    @Test
    void filePersistenceResumesTheSessionAfterARestartOfTheContext(@TempDir Path store) throws Exception {
        String t = topic("file");
        String clientId = "file-" + prefix.substring(3);
        String uri = "mqtt-bridge:" + t + "?brokerUrl=" + BROKER + "&qos=1&clientId=" + clientId
                + "&cleanStart=false&sessionExpiryInterval=300&persistence=file&persistenceDirectory=" + store;
        List<String> got = new CopyOnWriteArrayList<>();
        RouteBuilder routes = new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId("file").process(e -> got.add(text(e.getIn().getBody())));
            }
        };
        CamelContext first = newContext(routes);
        assertThat(consumerOf(first, "file").getClient().connectResult().sessionPresent()).isFalse();
        publish(t, "one", 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 1);
        first.stop();
        extraContexts.remove(first);
        try (var files = Files.walk(store)) {
            assertThat(files.filter(Files::isRegularFile).count()).as("session files in " + store).isPositive();
        }

        publish(t, "two, sent while the consumer was away", 1);
        CamelContext second = newContext(routes);
        assertThat(consumerOf(second, "file").getClient().connectResult().sessionPresent()).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 2);
        assertThat(got).containsExactly("one", "two, sent while the consumer was away");
    }

    // ---- TLS ----

    private void bindTrustStore() {
        KeyStoreParameters trust = new KeyStoreParameters();
        trust.setResource("file:" + certs.trustStore());
        trust.setPassword(certs.password());
        trust.setType(certs.trustStoreType());
        TrustManagersParameters tmp = new TrustManagersParameters();
        tmp.setKeyStore(trust);
        SSLContextParameters ssl = new SSLContextParameters();
        ssl.setTrustManagers(tmp);
        context.getRegistry().bind("testTls", ssl);
    }

    @Test
    void tlsWithSslContextParametersForConsumerAndProducer() throws Exception {
        bindTrustStore();
        try (MosquittoBroker broker = MosquittoBroker.builder().tls(certs, false).start()) {
            String t = topic("tls");
            String common = "?brokerUrl=" + broker.sslUrl() + "&sslContextParameters=#testTls&qos=1";
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("mqtt-bridge:" + t + common).routeId("tls").to("mock:tls");
                }
            });
            MockEndpoint mock = getMockEndpoint("mock:tls");
            mock.expectedBodiesReceived("over TLS");
            Exchange sent = template.send("mqtt-bridge:" + t + common, e -> e.getIn().setBody("over TLS"));
            assertThat(sent.getException()).isNull();
            mock.assertIsSatisfied(10_000);
            assertThat(consumer("tls").getClient().connectResult().serverUri()).startsWith("ssl://localhost:");
        }
    }

    @Test
    void hostnameVerificationRefusesACertificateForAnotherHostUnlessTurnedOff() throws Exception {
        bindTrustStore();
        try (MosquittoBroker broker = MosquittoBroker.builder()
                .tls(certs, false, MosquittoBroker.ServerCertificate.WRONG_HOST).start()) {
            String t = topic("wronghost");
            String common = "?brokerUrl=" + broker.sslUrl() + "&sslContextParameters=#testTls&qos=1"
                    + "&automaticReconnect=false";
            assertThatThrownBy(() -> context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("mqtt-bridge:" + t + common).routeId("verified").to("mock:never");
                }
            })).hasStackTraceContaining("localhost");
            assertThat(getMockEndpoint("mock:never").getReceivedCounter()).isZero();

            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("mqtt-bridge:" + t + common + "&hostnameVerification=false").routeId("unverified")
                            .to("mock:unverified");
                }
            });
            MockEndpoint mock = getMockEndpoint("mock:unverified");
            mock.expectedBodiesReceived("trusted CA, other host name");
            template.sendBody("mqtt-bridge:" + t + common + "&hostnameVerification=false", "trusted CA, other host name");
            mock.assertIsSatisfied(10_000);
        }
    }

    // ---- shared subscriptions ----

    @Test
    void sharedSubscriptionGroupDeliversEachMessageOnceInTotal() throws Exception {
        String t = topic("shared");
        List<String> a = new CopyOnWriteArrayList<>();
        List<String> b = new CopyOnWriteArrayList<>();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                String uri = "mqtt-bridge:" + t + "?brokerUrl=" + BROKER + "&qos=1&sharedSubscriptionGroup=g";
                // two endpoints (Camel allows one consumer per endpoint), two clients, one group
                from(uri + "&clientId=shareA-" + prefix.substring(3)).routeId("shareA")
                        .process(e -> a.add(text(e.getIn().getBody())));
                from(uri + "&clientId=shareB-" + prefix.substring(3)).routeId("shareB")
                        .process(e -> b.add(text(e.getIn().getBody())));
            }
        });
        for (int i = 0; i < 20; i++) {
            publish(t, "m" + i, 1);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> a.size() + b.size() >= 20);
        // a short grace period would not prove more: a 21st delivery would have to come after all 20 acks
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        assertThat(all).hasSize(20);
        assertThat(new HashSet<>(all)).hasSize(20);
        assertThat(a).as("both members of the group got messages").isNotEmpty();
        assertThat(b).as("both members of the group got messages").isNotEmpty();
        assertThat(consumer("shareA").getReceived() + consumer("shareB").getReceived()).isEqualTo(20);
    }

    // ---- MQTT 3.1.1 ----

    @Test
    void protocolVersion311ForConsumerAndProducer() throws Exception {
        String t = topic("v311");
        String common = "?brokerUrl=" + BROKER + "&qos=2&protocolVersion=3.1.1";
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("mqtt-bridge:" + t + common).routeId("v311").to("mock:v311");
            }
        });
        MockEndpoint mock = getMockEndpoint("mock:v311");
        mock.expectedBodiesReceived("three one one");
        Exchange sent = template.send("mqtt-bridge:" + t + common, e -> e.getIn().setBody("three one one"));
        assertThat(sent.getException()).isNull();
        mock.assertIsSatisfied(10_000);
        assertThat(consumer("v311").getClient().connectResult().version()).isEqualTo(MqttVersion.V3_1_1);
        assertThat(mock.getReceivedExchanges().get(0).getIn().getHeader(MqttBridgeConstants.QOS)).isEqualTo(2);
    }

    // ---- producer health ----

    @Test
    void producerHealthIsUpWhenConnectedAndDownWhileReconnecting() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.builder().start()) {
            String uri = "mqtt-bridge:" + topic("ph") + "?brokerUrl=" + broker.tcpUrl() + "&qos=1&maxReconnectDelay=500";
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:ph").routeId("ph").to(uri);
                }
            });
            template.sendBody("direct:ph", "warm up");
            HealthCheckRepository producers = HealthCheckHelper.getHealthCheckRepository(context, "producers");
            assertThat(producers).as("camel-health's producers repository").isNotNull();
            producers.setEnabled(true);
            Optional<HealthCheck> check = producers.stream()
                    .filter(c -> c.getId().startsWith("producer:mqtt-bridge-")).findFirst();
            assertThat(check).as("the producer registered its health check").isPresent();
            assertThat(check.get().call().getState()).isEqualTo(HealthCheck.State.UP);

            broker.stop();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                HealthCheck.Result r = check.get().call();
                assertThat(r.getState()).isEqualTo(HealthCheck.State.DOWN);
                assertThat(r.getMessage()).hasValueSatisfying(m -> assertThat(m).contains("RECONNECTING"));
            });
            broker.restart();
            await().atMost(Duration.ofSeconds(15))
                    .untilAsserted(() -> assertThat(check.get().call().getState()).isEqualTo(HealthCheck.State.UP));
        }
    }
}
