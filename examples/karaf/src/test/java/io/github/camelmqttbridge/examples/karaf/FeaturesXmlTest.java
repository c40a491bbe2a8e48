package io.github.camelmqttbridge.examples.karaf;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Static check of the features.xml built in target/feature: it installs netty-codec-mqtt and our bundle on camel-karaf's
 * camel-core, and every feature it names exists in camel-karaf's features file in the range we ask for.
 * (The real install is KarafBootIT, profile karaf-it.)
 */
class FeaturesXmlTest {

    static final String CAMEL_KARAF = System.getProperty("camel-karaf.version", "4.14.5");
    static final String NETTY = System.getProperty("netty.version");
    static final String VERSION = System.getProperty("project.version");

    static Document parse(Path file) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        return factory.newDocumentBuilder().parse(file.toFile());
    }

    static List<Element> children(Element parent, String name) {
        List<Element> result = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            if (nodes.item(i) instanceof Element e && e.getLocalName().equals(name)) {
                result.add(e);
            }
        }
        return result;
    }

    static Map<String, Element> features(Document doc) {
        Map<String, Element> result = new TreeMap<>();
        for (Element f : children(doc.getDocumentElement(), "feature")) {
            result.putIfAbsent(f.getAttribute("name"), f);
        }
        return result;
    }

    private static Path camelKarafFeatures() {
        Path file = Paths.get(System.getProperty("user.home"), ".m2", "repository", "org", "apache", "camel", "karaf",
                "apache-camel", CAMEL_KARAF, "apache-camel-" + CAMEL_KARAF + "-features.xml");
        String local = System.getProperty("maven.repo.local");
        if (local != null) {
            file = Paths.get(local, "org", "apache", "camel", "karaf", "apache-camel", CAMEL_KARAF,
                    "apache-camel-" + CAMEL_KARAF + "-features.xml");
        }
        return file;
    }

    @Test
    void installsTheComponentOnCamelKarafCamelCore() throws Exception {
        Document ours = parse(Paths.get("target", "feature", "features.xml"));
        assertThat(children(ours.getDocumentElement(), "repository")).extracting(Element::getTextContent)
                .containsExactly("mvn:org.apache.camel.karaf/apache-camel/" + CAMEL_KARAF + "/xml/features");

        Element feature = features(ours).get("camel-mqtt-bridge");
        assertThat(feature).isNotNull();
        assertThat(children(feature, "feature")).extracting(e -> e.getTextContent() + " " + e.getAttribute("version"))
                .contains("camel-core [4.14,4.15)", "netty [4.1,5)");
        assertThat(children(feature, "bundle")).extracting(Element::getTextContent).containsExactly(
                "mvn:io.netty/netty-codec-mqtt/" + NETTY,
                "mvn:io.netty/netty-codec-socks/" + NETTY,
                "mvn:io.netty/netty-handler-proxy/" + NETTY,
                "mvn:io.github.camelmqttbridge/camel-mqtt-bridge-component/" + VERSION);
    }

    @Test
    void camelKarafNettyFeatureCarriesTheHttpCodecForWebSocket() throws Exception {
        Element netty = features(parse(camelKarafFeatures())).get("netty");
        assertThat(children(netty, "bundle")).extracting(e -> e.getTextContent().trim())
                .as("ws:// and wss:// need netty-codec-http; camel-mqtt-bridge takes it from camel-karaf's netty feature")
                .contains("mvn:io.netty/netty-codec-http/" + NETTY);
    }

    @Test
    void everyCamelKarafFeatureWeNameExistsInTheRangeWeAsk() throws Exception {
        Path camelFeatures = camelKarafFeatures();
        assertThat(camelFeatures).as("camel-karaf features file (a test dependency)").exists();
        Map<String, Element> camel = features(parse(camelFeatures));
        Map<String, Element> ours = features(parse(Paths.get("target", "feature", "features.xml")));
        for (Element feature : ours.values()) {
            for (Element dependency : children(feature, "feature")) {
                String name = dependency.getTextContent().trim();
                if (ours.containsKey(name) || name.equals("wrap")) { // ours, or Karaf's own wrap: handler
                    continue;
                }
                assertThat(camel).as("camel-karaf feature " + name).containsKey(name);
                String version = camel.get(name).getAttribute("version");
                if (name.startsWith("camel-")) {
                    assertThat(version).as(name).startsWith("4.14.");
                } else if (name.equals("netty")) {
                    assertThat(version).as("camel-karaf's Netty is the one our bundle is built against").isEqualTo(NETTY);
                }
            }
        }
    }

    @Test
    void wrappedFeatureNeedsNoCamelKarafBundleButCamelCoreOsgi() throws Exception {
        Map<String, Element> ours = features(parse(Paths.get("target", "feature", "features.xml")));
        Element wrapped = ours.get("camel-mqtt-bridge-wrapped");
        assertThat(wrapped).isNotNull();
        assertThat(children(wrapped, "feature")).as("no camel-karaf feature, only Karaf's wrap: handler first")
                .extracting(e -> e.getTextContent() + " " + e.getAttribute("prerequisite")).containsExactly("wrap true");
        List<String> bundles = children(wrapped, "bundle").stream().map(e -> e.getTextContent().trim()).toList();
        assertThat(bundles.stream().filter(b -> b.startsWith("mvn:org.apache.camel.karaf/")))
                .containsExactly("mvn:org.apache.camel.karaf/camel-core-osgi/" + CAMEL_KARAF);
        assertThat(bundles.stream().filter(b -> b.startsWith("wrap:")))
                .allMatch(b -> b.startsWith("wrap:mvn:org.apache.camel/camel-") && b.contains("/" + CAMEL_KARAF + "$")
                        && b.contains("Export-Package=org.apache.camel.*;version=" + CAMEL_KARAF))
                .extracting(b -> b.substring("wrap:mvn:org.apache.camel/".length(), b.indexOf('/', "wrap:mvn:org.apache.camel/".length())))
                .contains("camel-api", "camel-support", "camel-base-engine", "camel-core-engine", "camel-file");
        assertThat(bundles).contains("mvn:io.netty/netty-codec-mqtt/" + NETTY, "mvn:io.netty/netty-codec-http/" + NETTY,
                "mvn:io.netty/netty-codec-socks/" + NETTY, "mvn:io.netty/netty-handler-proxy/" + NETTY,
                "mvn:io.github.camelmqttbridge/camel-mqtt-bridge-component/" + VERSION);
        assertThat(children(ours.get("camel-mqtt-bridge-wrapped-example"), "bundle")).extracting(Element::getTextContent)
                .containsExactly("mvn:io.github.camelmqttbridge/camel-mqtt-bridge-example-karaf-route/" + VERSION);
    }

    @Test
    void blueprintRouteReadsMqttAndWritesFiles() throws Exception {
        String route = Files.readString(Paths.get("target", "deploy", "mqtt-to-file.xml"));
        parse(Paths.get("target", "deploy", "mqtt-to-file.xml"));
        assertThat(route).contains("<from uri=\"mqtt-bridge:{{topic}}?brokerUrl={{brokerUrl}}")
                .contains("<to uri=\"file:{{outputDirectory}}");
    }
}
