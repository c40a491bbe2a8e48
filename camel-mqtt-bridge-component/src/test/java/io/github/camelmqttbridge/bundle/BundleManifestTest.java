package io.github.camelmqttbridge.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Manifest;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads the OSGi manifest that maven-bundle-plugin wrote into target/classes (the very file maven-jar-plugin
 * packs as META-INF/MANIFEST.MF) and checks the headers that Karaf needs to resolve and find the component.
 */
class BundleManifestTest {

    private static final Path CLASSES = Paths.get("target", "classes");
    private static Manifest manifest;

    @BeforeAll
    static void readManifest() throws IOException {
        Path file = CLASSES.resolve("META-INF/MANIFEST.MF");
        assertThat(file).as("maven-bundle-plugin manifest goal output").exists();
        try (InputStream in = Files.newInputStream(file)) {
            manifest = new Manifest(in);
        }
    }

    private static String header(String name) {
        return manifest.getMainAttributes().getValue(name);
    }

    /** Package name -> its attributes/directives, as written in an OSGi package header. */
    static Map<String, Map<String, String>> clauses(String header) {
        Map<String, Map<String, String>> result = new LinkedHashMap<>();
        if (header == null) {
            return result;
        }
        for (String clause : splitOutsideQuotes(header, ',')) {
            List<String> parts = splitOutsideQuotes(clause, ';');
            Map<String, String> attributes = new LinkedHashMap<>();
            for (String part : parts.subList(1, parts.size())) {
                int eq = part.indexOf('=');
                String key = part.substring(0, eq).trim();
                String value = part.substring(eq + 1).trim();
                if (key.endsWith(":")) {
                    key = key.substring(0, key.length() - 1) + ":";
                }
                attributes.put(key, value.replace("\"", ""));
            }
            result.put(parts.get(0).trim(), attributes);
        }
        return result;
    }

    private static List<String> splitOutsideQuotes(String text, char separator) {
        List<String> parts = new ArrayList<>();
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == separator && !quoted) {
                parts.add(text.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(text.substring(start));
        return parts;
    }

    @Test
    void isAnOsgiBundle() {
        assertThat(header("Bundle-ManifestVersion")).isEqualTo("2");
        assertThat(header("Bundle-SymbolicName")).isEqualTo("io.github.camelmqttbridge.component");
        assertThat(header("Bundle-Version")).matches("\\d+\\.\\d+\\.\\d+(\\..+)?");
    }

    @Test
    void exportsThePublicApiWithAVersion() {
        Map<String, Map<String, String>> exports = clauses(header("Export-Package"));
        assertThat(exports).containsKeys("io.github.camelmqttbridge.component",
                "io.github.camelmqttbridge.mqtt.client", "io.github.camelmqttbridge.mqtt.message",
                "io.github.camelmqttbridge.mqtt.error", "io.github.camelmqttbridge.mqtt.options",
                "io.github.camelmqttbridge.mqtt.auth",
                "io.github.camelmqttbridge.mqtt.session",
                "io.github.camelmqttbridge.mqtt.topic", "io.github.camelmqttbridge.mqtt.reason");
        exports.forEach((pkg, attributes) -> assertThat(attributes.get("version")).as("version of exported " + pkg)
                .matches("\\d+\\.\\d+\\.\\d+"));
    }

    @Test
    void keepsTheEngineInternalsPrivate() {
        Map<String, Map<String, String>> exports = clauses(header("Export-Package"));
        assertThat(exports.keySet()).noneMatch(p -> p.startsWith("io.github.camelmqttbridge.mqtt.handler")
                || p.startsWith("io.github.camelmqttbridge.mqtt.codec")
                || p.startsWith("io.github.camelmqttbridge.mqtt.transport"));
        assertThat(clauses(header("Private-Package"))).containsKeys("io.github.camelmqttbridge.mqtt.handler",
                "io.github.camelmqttbridge.mqtt.transport");
    }

    @Test
    void importsCamelNettyAndSlf4jWithRangesKarafCanResolve() {
        Map<String, Map<String, String>> imports = clauses(header("Import-Package"));
        assertThat(imports).containsKeys("org.apache.camel", "org.apache.camel.spi", "org.apache.camel.support",
                "io.netty.handler.codec.mqtt", "io.netty.channel", "io.netty.buffer", "org.slf4j",
                // ws:// and wss:// (netty-codec-http), HTTP CONNECT and SOCKS5 proxies (netty-handler-proxy)
                "io.netty.handler.codec.http", "io.netty.handler.codec.http.websocketx", "io.netty.handler.proxy",
                "io.netty.resolver");
        imports.forEach((pkg, attributes) -> {
            String version = attributes.get("version");
            if (pkg.startsWith("org.apache.camel")) {
                assertThat(version).as(pkg).isEqualTo("[4.14,5)");
            } else if (pkg.startsWith("io.netty")) {
                assertThat(version).as(pkg).isEqualTo("[4.1,5)");
            } else if (pkg.startsWith("org.slf4j")) {
                assertThat(version).as(pkg).isEqualTo("[1.7,3)");
            } else if (!pkg.startsWith("javax.") && !pkg.startsWith("io.github.camelmqttbridge.")) {
                assertThat(attributes.get("resolution:")).as("unexpected import " + pkg + " must be optional")
                        .isEqualTo("optional");
            }
        });
        assertThat(imports.keySet()).as("java.* comes from the system bundle").noneMatch(p -> p.startsWith("java."));
    }

    @Test
    void carriesTheCamelComponentServiceFile() throws IOException {
        Path service = CLASSES.resolve("META-INF/services/org/apache/camel/component/mqtt-bridge");
        assertThat(service).exists();
        String className = Files.readAllLines(service).stream().filter(l -> l.startsWith("class="))
                .findFirst().orElseThrow().substring("class=".length()).trim();
        assertThat(CLASSES.resolve(className.replace('.', '/') + ".class")).exists();
        assertThat(clauses(header("Export-Package"))).containsKey(className.substring(0, className.lastIndexOf('.')));
    }

    @Test
    void requiresJava17() {
        assertThat(header("Require-Capability")).contains("osgi.ee=JavaSE").contains("version=17");
    }
}
