package io.github.camelmqttbridge.runner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import com.hivemq.configuration.service.InternalConfigurations;
import com.hivemq.embedded.EmbeddedHiveMQ;

/**
 * The embedded default broker: HiveMQ CE (MQTT 5 and 3.1.1) in this JVM on 127.0.0.1. It keeps its data in
 * {@code home/data} with HiveMQ's file persistence, so that persistent sessions, their subscriptions and the messages
 * queued for them (up to {@value #MAX_QUEUED_MESSAGES} per client) survive a restart of the runner. No usage
 * statistics. HiveMQ's own logging bootstrap is switched off: the runner logs through log4j2.
 */
final class EmbeddedBroker implements AutoCloseable {

    /** Per offline or slow client; HiveMQ's default of 1,000 would drop readings of a bridge away for minutes. */
    static final long MAX_QUEUED_MESSAGES = 100_000;

    /** Buckets per persistence store; never change it for an existing data folder (its data would not be found). */
    static final int PERSISTENCE_BUCKETS = 4;

    private final EmbeddedHiveMQ hivemq;
    private final int port;

    private EmbeddedBroker(EmbeddedHiveMQ hivemq, int port) {
        this.hivemq = hivemq;
        this.port = port;
    }

    /** Starts HiveMQ on {@code port} with its configuration, data and extensions under {@code home}. */
    static EmbeddedBroker start(Path home, int port) {
        try {
            Path conf = Files.createDirectories(home.resolve("conf"));
            // written on every start: the port may differ from the last run's
            Files.writeString(conf.resolve("config.xml"), """
                    <?xml version="1.0"?>
                    <hivemq>
                      <listeners>
                        <tcp-listener>
                          <port>%d</port>
                          <bind-address>127.0.0.1</bind-address>
                        </tcp-listener>
                      </listeners>
                      <mqtt>
                        <queued-messages>
                          <max-queue-size>%d</max-queue-size>
                        </queued-messages>
                      </mqtt>
                      <persistence>
                        <mode>file</mode>
                      </persistence>
                      <anonymous-usage-statistics>
                        <enabled>false</enabled>
                      </anonymous-usage-statistics>
                    </hivemq>
                    """.formatted(port, MAX_QUEUED_MESSAGES), StandardCharsets.UTF_8);
            // HiveMQ splits each of its stores into 64 RocksDB/Xodus buckets (for many cores and clients): ~0.5 GB of
            // preallocated files and a slow first start. A demo broker needs few; the count must stay the same for a
            // data folder, so it is a constant here.
            InternalConfigurations.PERSISTENCE_BUCKET_COUNT.set(PERSISTENCE_BUCKETS);
            InternalConfigurations.PAYLOAD_PERSISTENCE_BUCKET_COUNT.set(PERSISTENCE_BUCKETS);
            EmbeddedHiveMQ hivemq = EmbeddedHiveMQ.builder()
                    .withConfigurationFolder(conf)
                    .withDataFolder(Files.createDirectories(home.resolve("data")))
                    .withExtensionsFolder(Files.createDirectories(home.resolve("extensions")))
                    .withoutLoggingBootstrap()
                    .build();
            try {
                hivemq.start().get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                hivemq.close();
                throw e;
            }
            return new EmbeddedBroker(hivemq, port);
        } catch (IOException e) {
            throw new UncheckedIOException("embedded MQTT broker: " + e.getMessage(), e);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("embedded MQTT broker did not start: " + e.getMessage(), e);
        }
    }

    String url() {
        return "tcp://127.0.0.1:" + port;
    }

    int port() {
        return port;
    }

    /** Stops HiveMQ; its data stays for the next start. */
    @Override
    public void close() {
        try {
            hivemq.stop().get(30, TimeUnit.SECONDS);
            hivemq.close();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
