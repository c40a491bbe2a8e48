package io.github.camelmqttbridge.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The engine (io.github.camelmqttbridge.mqtt.**) must not depend on Camel: only the component glue may. */
class EngineHasNoCamelDependencyTest {

    private static final Path ENGINE_SOURCES = Path.of("src/main/java/io/github/camelmqttbridge/mqtt");
    private static final Pattern CAMEL_REFERENCE = Pattern.compile("\\borg\\.apache\\.camel\\b");

    @Test
    void engineSourcesDoNotReferenceCamel() throws IOException {
        assertThat(ENGINE_SOURCES).as("engine sources (tests run in the module directory)").isDirectory();
        List<String> offenders;
        try (Stream<Path> files = Files.walk(ENGINE_SOURCES)) {
            offenders = files.filter(p -> p.toString().endsWith(".java")).flatMap(p -> {
                try {
                    List<String> lines = Files.readAllLines(p);
                    return java.util.stream.IntStream.range(0, lines.size())
                            .filter(i -> CAMEL_REFERENCE.matcher(lines.get(i)).find())
                            .mapToObj(i -> ENGINE_SOURCES.relativize(p) + ":" + (i + 1) + ": " + lines.get(i).strip());
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
        assertThat(offenders).as("engine files that import or name org.apache.camel").isEmpty();
    }

    @Test
    void engineSourcesAreFound() throws IOException {
        try (Stream<Path> files = Files.walk(ENGINE_SOURCES)) {
            assertThat(files.filter(p -> p.toString().endsWith(".java")).count()).isGreaterThan(20);
        }
    }
}
