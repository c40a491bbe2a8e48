package io.github.camelmqttbridge.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The committed component page (src/main/docs/mqtt-bridge-component.adoc, Camel's place and format for a component's
 * page) carries exactly what the generated catalog says: every option, header, default and description. An option
 * added or changed without the page following fails the build here, with the command that brings the page up to date:
 * <pre>
 * mvn -pl camel-mqtt-bridge-component -am verify -Dtest=MqttBridgeComponentPageTest -Dsurefire.failIfNoSpecifiedTests=false -Dmqtt-bridge.update-docs=true
 * </pre>
 */
// The update run (-Dmqtt-bridge.update-docs=true) writes the page first, so the row check reads the new page.
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MqttBridgeComponentPageTest {

    static final Path PAGE = Path.of("src", "main", "docs", "mqtt-bridge-component.adoc");
    static final String CATALOG = "META-INF/io/github/camelmqttbridge/component/mqtt-bridge.json";
    static final String UPDATE = "mqtt-bridge.update-docs";

    @Test
    @Order(1)
    void thePageIsUpToDateWithTheCatalog() throws Exception {
        JsonObject catalog = catalog();
        String committed = Files.readString(PAGE, StandardCharsets.UTF_8);
        String expected = ComponentPage.render(committed, catalog);
        if (!expected.equals(committed)) {
            if (Boolean.getBoolean(UPDATE)) {
                Files.writeString(PAGE, expected, StandardCharsets.UTF_8);
                System.out.println("MqttBridgeComponentPageTest: updated " + PAGE.toAbsolutePath());
            } else {
                fail(PAGE + " does not match the component's catalog (an option or header was added or changed)."
                        + " Update it with: mvn -pl camel-mqtt-bridge-component -am verify"
                        + " -Dtest=MqttBridgeComponentPageTest -Dsurefire.failIfNoSpecifiedTests=false -D" + UPDATE
                        + "=true  and commit the page.");
            }
        }
    }

    /** Independent of the renderer: each option and header of the catalog has its row on the page. */
    @Test
    void everyOptionAndHeaderHasARow() throws Exception {
        JsonObject catalog = catalog();
        String page = Files.readString(PAGE, StandardCharsets.UTF_8);
        for (Map.Entry<String, String> marker : ComponentPage.markers().entrySet()) {
            assertThat(page).as("marker " + marker.getKey()).contains(marker.getValue());
        }
        assertRows(page, (JsonObject) catalog.get("componentProperties"));
        assertRows(page, (JsonObject) catalog.get("properties"));
        assertRows(page, (JsonObject) catalog.get("headers"));
        assertThat(page).contains("| *brokerUrl* (common) | The URL of the MQTT broker")
                .contains("| tcp://localhost:1883 | String");
    }

    @Test
    void cellTextCannotBreakTheTable() {
        assertThat(ComponentPage.cell("a|b {{mqtt.password}} {since}")).isEqualTo("a\\|b {{mqtt.password}} \\{since}");
        assertThat(ComponentPage.shortType("java.util.Map<String, java.lang.Object>")).isEqualTo("Map<String, Object>");
    }

    private static void assertRows(String page, JsonObject options) {
        assertThat(options).isNotEmpty();
        for (String name : options.keySet()) {
            assertThat(page).as(name).contains("| *" + name + "* (");
        }
    }

    private static JsonObject catalog() throws Exception {
        try (InputStream in = MqttBridgeComponentPageTest.class.getClassLoader().getResourceAsStream(CATALOG)) {
            assertThat(in).as(CATALOG).isNotNull();
            return (JsonObject) Jsoner.deserialize(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
