package io.github.camelmqttbridge.component.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Micrometer is an optional dependency: only {@code component/metrics/MicrometerMeters.java} may import it (loaded
 * after {@link MqttBridgeMetrics} saw Micrometer on the class path), the engine never. The run without Micrometer
 * on the class path is examples/drop-in (the README's dependency, camel-main, camel-yaml-dsl).
 */
class MicrometerStaysOptionalTest {

    private static final Path SOURCES = Path.of("src/main/java/io/github/camelmqttbridge");

    @Test
    void onlyMicrometerMetersImportsMicrometer() throws IOException {
        assertThat(SOURCES).isDirectory();
        List<String> naming;
        try (Stream<Path> files = Files.walk(SOURCES)) {
            naming = files.filter(p -> p.toString().endsWith(".java")).filter(p -> {
                try {
                    return Files.readAllLines(p).stream().anyMatch(l -> l.startsWith("import io.micrometer")
                            || l.startsWith("import static io.micrometer"));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).map(p -> SOURCES.relativize(p).toString().replace('\\', '/')).toList();
        }
        assertThat(naming).containsExactly("component/metrics/MicrometerMeters.java");
    }

    @Test
    void theRegistryNameIsCamelMicrometers() {
        // camel-micrometer's MicrometerConstants.METRICS_REGISTRY_NAME; camel-main's camel.metrics.* binds it so
        assertThat(MqttBridgeMetrics.METRICS_REGISTRY_NAME).isEqualTo("metricsRegistry");
        assertThat(MqttBridgeMetrics.micrometerPresent()).isTrue();
    }
}
