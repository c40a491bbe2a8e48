package io.github.camelmqttbridge.component.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The consumer's policies stay testable without Camel: nothing in this package may name org.apache.camel. */
class ConsumerPolicyHasNoCamelDependencyTest {

    private static final Path SOURCES = Path.of("src/main/java/io/github/camelmqttbridge/component/consumer");

    @Test
    void policySourcesDoNotReferenceCamel() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(SOURCES)) {
            files = s.filter(p -> p.toString().endsWith(".java")).toList();
        }
        assertThat(files).as("sources of %s", SOURCES).hasSizeGreaterThan(3);
        for (Path p : files) {
            assertThat(Files.readString(p)).as(p.toString()).doesNotContainPattern("\\borg\\.apache\\.camel\\b");
        }
    }
}
