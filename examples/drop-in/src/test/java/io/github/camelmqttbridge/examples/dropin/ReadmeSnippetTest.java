package io.github.camelmqttbridge.examples.dropin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Keeps what the READMEs tell a user to add equal to what this build makes and to what the drop-in project
 * (src/it/yaml-route, built by maven-invoker-plugin in this module) proves: the root README's {@code <dependency>}
 * snippet names this build's component and version, the drop-in project's POM carries that snippet line for line,
 * and every other README that names the component's coordinates says the same.
 */
class ReadmeSnippetTest {

    static final String ARTIFACT_ID = "camel-mqtt-bridge-component";
    static final Path ROOT = Path.of(System.getProperty("repository.root", "../..")).toAbsolutePath().normalize();
    static final Path DROP_IN_POM = Path.of("src/it/yaml-route/pom.xml");

    private static final Pattern XML_BLOCK = Pattern.compile("```xml\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern DEPENDENCY = Pattern.compile("<dependency>.*?</dependency>", Pattern.DOTALL);
    private static final Pattern COORDINATES = Pattern.compile(
            "([\\w.-]+):" + Pattern.quote(ARTIFACT_ID) + ":([\\w.-]+)");

    @Test
    void theRootReadmeSnippetNamesThisBuildsComponent() throws IOException {
        List<String> snippet = rootSnippet();
        assertThat(snippet).containsExactly(
                "<dependency>",
                "<groupId>" + System.getProperty("component.groupId") + "</groupId>",
                "<artifactId>" + ARTIFACT_ID + "</artifactId>",
                "<version>" + System.getProperty("component.version") + "</version>",
                "</dependency>");
    }

    @Test
    void theDropInProjectUsesTheRootReadmeSnippetAsIs() throws IOException {
        List<String> snippet = rootSnippet();
        List<String> pom = lines(Files.readString(DROP_IN_POM, StandardCharsets.UTF_8));
        assertThat(indexOf(pom, snippet)).as("%s carries the README's snippet %s line for line", DROP_IN_POM, snippet)
                .isNotNegative();
        // and nothing else of ours
        assertThat(pom.stream().filter(l -> l.contains("camelmqttbridge")).count()).isEqualTo(1);
    }

    @Test
    void everyReadmeNamingTheComponentAgreesWithTheRootReadme() throws IOException {
        List<String> snippet = rootSnippet();
        String version = System.getProperty("component.version");
        List<Path> checked = new ArrayList<>();
        for (Path md : markdownFiles()) {
            String text = Files.readString(md, StandardCharsets.UTF_8);
            Matcher dependency = DEPENDENCY.matcher(text);
            while (dependency.find()) {
                if (dependency.group().contains("<artifactId>" + ARTIFACT_ID + "</artifactId>")) {
                    assertThat(lines(dependency.group())).as("the <dependency> on %s in %s", ARTIFACT_ID, md)
                            .isEqualTo(snippet);
                    checked.add(md);
                }
            }
            Matcher coordinates = COORDINATES.matcher(text);
            while (coordinates.find()) {
                assertThat(coordinates.group(1) + ":" + coordinates.group(2)).as("coordinates in %s", md)
                        .isEqualTo(System.getProperty("component.groupId") + ":" + version);
                checked.add(md);
            }
        }
        assertThat(checked).contains(ROOT.resolve("README.md"));
    }

    /** The snippet of the root README's first xml block naming the component, one trimmed line per element. */
    static List<String> rootSnippet() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
        Matcher block = XML_BLOCK.matcher(readme);
        while (block.find()) {
            if (block.group(1).contains("<artifactId>" + ARTIFACT_ID + "</artifactId>")) {
                return lines(block.group(1));
            }
        }
        throw new AssertionError("README.md has no ```xml block with <artifactId>" + ARTIFACT_ID + "</artifactId>");
    }

    private static List<String> lines(String text) {
        return text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    private static int indexOf(List<String> haystack, List<String> needle) {
        for (int i = 0; i + needle.size() <= haystack.size(); i++) {
            if (haystack.subList(i, i + needle.size()).equals(needle)) {
                return i;
            }
        }
        return -1;
    }

    private static List<Path> markdownFiles() throws IOException {
        try (Stream<Path> files = Files.walk(ROOT)) {
            return files.filter(p -> p.toString().endsWith(".md"))
                    .filter(p -> {
                        Path rel = ROOT.relativize(p);
                        for (Path part : rel) {
                            String name = part.toString();
                            if (name.equals("target") || name.startsWith(".")) {
                                return false;
                            }
                        }
                        return true;
                    })
                    .toList();
        }
    }
}
