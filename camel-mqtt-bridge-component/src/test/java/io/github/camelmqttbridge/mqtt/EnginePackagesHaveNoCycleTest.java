package io.github.camelmqttbridge.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The engine's packages (io.github.camelmqttbridge.mqtt.*) form layers: no package may depend, directly or through
 * others, on a package that depends on it. Dependencies are read from the main sources: every fully qualified
 * name of another engine package (imports, static imports, qualified names in code and javadoc).
 */
class EnginePackagesHaveNoCycleTest {

    private static final Path ENGINE_SOURCES = Path.of("src/main/java/io/github/camelmqttbridge/mqtt");
    private static final Pattern ENGINE_REFERENCE =
            Pattern.compile("\\bio\\.github\\.camelmqttbridge\\.mqtt\\.([a-z_][a-z0-9_]*)\\.[A-Za-z_*]");

    @Test
    void enginePackageGraphHasNoCycle() throws IOException {
        Map<String, Map<String, String>> graph = engineGraph();
        assertThat(graph).as("engine packages found").hasSizeGreaterThan(5);
        List<List<String>> cycles = cycles(graph);
        StringBuilder explained = new StringBuilder();
        for (List<String> cycle : cycles) {
            Set<String> members = components(graph).stream().filter(c -> c.contains(cycle.get(0))).findFirst()
                    .orElseThrow();
            explained.append("\n  ").append(String.join(" -> ", cycle)).append("   (packages in this cycle: ")
                    .append(members).append("; their edges:)");
            for (String from : members) {
                for (Map.Entry<String, String> edge : graph.get(from).entrySet()) {
                    if (members.contains(edge.getKey())) {
                        explained.append("\n      ").append(from).append(" -> ").append(edge.getKey())
                                .append("  e.g. ").append(edge.getValue());
                    }
                }
            }
        }
        assertThat(cycles).as("package cycles among io.github.camelmqttbridge.mqtt.*:%s", explained).isEmpty();
    }

    @Test
    void cycleFinderNamesACycleAndAcceptsALayering() {
        Map<String, Map<String, String>> layered = new TreeMap<>();
        layered.put("client", Map.of("handler", "x", "message", "x"));
        layered.put("handler", Map.of("message", "x"));
        layered.put("message", Map.of());
        assertThat(cycles(layered)).isEmpty();

        Map<String, Map<String, String>> cyclic = new TreeMap<>(layered);
        cyclic.put("message", Map.of("client", "x"));
        assertThat(cycles(cyclic)).containsExactly(List.of("client", "message", "client"));

        Map<String, Map<String, String>> longCycle = new TreeMap<>();
        longCycle.put("a", Map.of("b", "x"));
        longCycle.put("b", Map.of("c", "x"));
        longCycle.put("c", Map.of("a", "x"));
        longCycle.put("d", Map.of("a", "x"));
        assertThat(cycles(longCycle)).containsExactly(List.of("a", "b", "c", "a"));
    }

    /** package (relative to mqtt) -> package it names -> first place that names it (file:line). */
    private static Map<String, Map<String, String>> engineGraph() throws IOException {
        assertThat(ENGINE_SOURCES).as("engine sources (tests run in the module directory)").isDirectory();
        Map<String, Map<String, String>> graph = new TreeMap<>();
        List<Path> sources;
        try (Stream<Path> files = Files.walk(ENGINE_SOURCES)) {
            sources = files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
        for (Path source : sources) {
            Path relative = ENGINE_SOURCES.relativize(source);
            if (relative.getParent() == null) {
                continue; // nothing lives in the top package today; its files would name no sub-package cycle
            }
            String from = relative.getParent().getName(0).toString();
            Map<String, String> edges = graph.computeIfAbsent(from, k -> new TreeMap<>());
            List<String> lines;
            try {
                lines = Files.readAllLines(source);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.startsWith("package ")) {
                    continue;
                }
                Matcher m = ENGINE_REFERENCE.matcher(line);
                while (m.find()) {
                    String to = m.group(1);
                    if (!to.equals(from)) {
                        edges.putIfAbsent(to, relative + ":" + (i + 1));
                    }
                }
            }
        }
        return graph;
    }

    /** One cycle (first node repeated at the end) per strongly connected component with more than one package. */
    static List<List<String>> cycles(Map<String, Map<String, String>> graph) {
        List<List<String>> cycles = new ArrayList<>();
        for (Set<String> component : components(graph)) {
            if (component.size() > 1) {
                cycles.add(cycleWithin(graph, component));
            }
        }
        return cycles;
    }

    private static List<Set<String>> components(Map<String, Map<String, String>> graph) {
        List<Set<String>> components = new ArrayList<>();
        Set<String> assigned = new HashSet<>();
        for (String node : new TreeSet<>(graph.keySet())) {
            if (assigned.contains(node)) {
                continue;
            }
            Set<String> component = new TreeSet<>();
            for (String other : reachable(graph, node)) {
                if (reachable(graph, other).contains(node)) {
                    component.add(other);
                }
            }
            assigned.addAll(component);
            components.add(component);
        }
        return components;
    }

    private static Set<String> reachable(Map<String, Map<String, String>> graph, String start) {
        Set<String> seen = new TreeSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(start));
        while (!todo.isEmpty()) {
            String node = todo.pop();
            if (seen.add(node)) {
                todo.addAll(graph.getOrDefault(node, Map.of()).keySet());
            }
        }
        return seen;
    }

    /** A shortest way from the component's first package back to itself, staying inside the component. */
    private static List<String> cycleWithin(Map<String, Map<String, String>> graph, Set<String> component) {
        String start = component.iterator().next();
        Map<String, String> cameFrom = new LinkedHashMap<>();
        Deque<String> queue = new ArrayDeque<>(List.of(start));
        while (!queue.isEmpty()) {
            String node = queue.poll();
            for (String next : graph.getOrDefault(node, Map.of()).keySet()) {
                if (!component.contains(next)) {
                    continue;
                }
                if (next.equals(start)) {
                    List<String> path = new ArrayList<>(List.of(start));
                    for (String n = node; !n.equals(start); n = cameFrom.get(n)) {
                        path.add(1, n);
                    }
                    path.add(start);
                    return path;
                }
                if (!cameFrom.containsKey(next)) {
                    cameFrom.put(next, node);
                    queue.add(next);
                }
            }
        }
        throw new IllegalStateException("no cycle in " + component);
    }
}
