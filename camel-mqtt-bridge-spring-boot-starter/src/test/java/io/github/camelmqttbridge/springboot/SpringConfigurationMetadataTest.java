package io.github.camelmqttbridge.springboot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.camel.util.json.JsonArray;
import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;
import org.junit.jupiter.api.Test;

/**
 * The META-INF/spring-configuration-metadata.json the build generated (src/build/SpringConfigurationMetadata.java)
 * lists every option of the component's catalog, and nothing else, under camel.component.mqtt-bridge.*: kebab-case
 * name, description, default and allowed values as the catalog has them.
 */
class SpringConfigurationMetadataTest {

    @Test
    void everyCatalogOptionIsAPropertyWithItsDescriptionDefaultAndValues() throws Exception {
        JsonObject catalogOptions = (JsonObject) read("META-INF/io/github/camelmqttbridge/component/mqtt-bridge.json")
                .get("componentProperties");
        JsonObject metadata = read("META-INF/spring-configuration-metadata.json");
        Map<String, JsonObject> properties = byName((JsonArray) metadata.get("properties"));
        Map<String, JsonObject> hints = byName((JsonArray) metadata.get("hints"));

        assertThat(catalogOptions).as("catalog options").hasSizeGreaterThan(30);
        Set<String> expected = new HashSet<>(Set.of("camel.component.mqtt-bridge.enabled"));
        for (Map.Entry<String, Object> entry : catalogOptions.entrySet()) {
            JsonObject option = (JsonObject) entry.getValue();
            String name = "camel.component.mqtt-bridge." + kebab(entry.getKey());
            expected.add(name);
            JsonObject property = properties.get(name);
            assertThat(property).as(name).isNotNull();
            assertThat(property.getString("description")).as(name).startsWith(option.getString("description"));
            if (option.containsKey("defaultValue")) {
                assertThat(String.valueOf(property.get("defaultValue"))).as(name + " default")
                        .isEqualTo(String.valueOf(option.get("defaultValue")));
            } else {
                assertThat(property).as(name + " default").doesNotContainKey("defaultValue");
            }
            if (option.containsKey("enum")) {
                List<String> values = ((JsonArray) hints.get(name).get("values")).stream()
                        .map(v -> String.valueOf(((JsonObject) v).get("value"))).collect(Collectors.toList());
                List<String> enums = ((JsonArray) option.get("enum")).stream().map(String::valueOf)
                        .collect(Collectors.toList());
                assertThat(values).as(name + " values").isEqualTo(enums);
            }
        }
        assertThat(properties.keySet()).as("no property the component does not have").isEqualTo(expected);

        assertThat(properties.get("camel.component.mqtt-bridge.broker-url").getString("type"))
                .isEqualTo("java.lang.String");
        assertThat(properties.get("camel.component.mqtt-bridge.qos").getString("type")).isEqualTo("java.lang.Integer");
        assertThat(properties.get("camel.component.mqtt-bridge.clean-start").getString("type"))
                .isEqualTo("java.lang.Boolean");
        assertThat(properties.get("camel.component.mqtt-bridge.ssl-context-parameters").getString("description"))
                .contains("#bean:");
    }

    private static String kebab(String camelCase) {
        return camelCase.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }

    private static Map<String, JsonObject> byName(JsonArray array) {
        Map<String, JsonObject> byName = new HashMap<>();
        for (Object o : array) {
            JsonObject object = (JsonObject) o;
            assertThat(byName.put(object.getString("name"), object)).as("once: " + object.getString("name")).isNull();
        }
        return byName;
    }

    private static JsonObject read(String resource) throws IOException, org.apache.camel.util.json.DeserializationException {
        try (InputStream in = SpringConfigurationMetadataTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as(resource + " on the class path").isNotNull();
            return (JsonObject) Jsoner.deserialize(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
