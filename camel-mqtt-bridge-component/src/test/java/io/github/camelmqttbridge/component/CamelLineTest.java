package io.github.camelmqttbridge.component;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/**
 * The Camel release the component's tests really run on is the one the build meant: here the line the jar is built
 * with, in camel-lines/* the line each module imports (system property {@code camel.expected.version}, set by the
 * surefire configuration from {@code camel.bom.version}). Without it, a dependency-management slip could run every
 * "4.22" test on 4.17 jars and prove nothing.
 */
class CamelLineTest {

    @Test
    void theCamelOnTheTestClassPathIsTheExpectedRelease() throws Exception {
        String expected = System.getProperty("camel.expected.version");
        assertThat(expected).as("system property camel.expected.version (surefire configuration)").isNotBlank();
        try (CamelContext context = new DefaultCamelContext()) {
            assertThat(context.getVersion()).isEqualTo(expected);
        }
        assertThat(MqttBridgeComponent.class.getSuperclass().getPackage().getImplementationVersion())
                .as("camel-support's jar manifest").isEqualTo(expected);
    }
}
