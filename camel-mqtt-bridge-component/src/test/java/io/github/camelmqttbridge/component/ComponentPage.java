package io.github.camelmqttbridge.component;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.util.json.JsonObject;

/**
 * The component's AsciiDoc page (src/main/docs/mqtt-bridge-component.adoc) with the parts Camel generates for its own
 * component pages filled in from the catalog JSON: the header attributes and the option and header tables between
 * Camel's {@code // ... : START} / {@code : END} markers, as Camel 3's update-readme wrote them as tables. (Camel 4's
 * update-readme, which camel-package-maven-plugin 4.17.0 runs on this component, writes only Antora
 * {@code include::partial$...} lines there, rendered by the Camel web site's own build; outside it they show nothing.)
 * Everything outside the markers is prose and stays as written.
 */
final class ComponentPage {

    static final String COMPONENT_OPTIONS = "component options";
    static final String ENDPOINT_OPTIONS = "endpoint options";
    static final String HEADERS = "component headers";

    private ComponentPage() {
    }

    /** The page with its generated parts as the catalog says; fails when a marker pair is missing. */
    static String render(String page, JsonObject catalog) {
        JsonObject component = (JsonObject) catalog.get("component");
        String result = page;
        result = attribute(result, "artifactid", component.getString("artifactId"));
        result = attribute(result, "description", component.getString("description"));
        result = attribute(result, "since", sinceVersion(component.getString("firstVersion")));
        result = attribute(result, "supportlevel", component.getString("supportLevel"));
        result = between(result, COMPONENT_OPTIONS, componentOptions(component, (JsonObject) catalog.get("componentProperties")));
        result = between(result, ENDPOINT_OPTIONS, endpointOptions(component, (JsonObject) catalog.get("properties")));
        result = between(result, HEADERS, headers(component, (JsonObject) catalog.get("headers")));
        return result;
    }

    private static String componentOptions(JsonObject component, JsonObject options) {
        StringBuilder out = new StringBuilder();
        out.append("== Component Options\n\n");
        out.append("The ").append(component.getString("title")).append(" component supports ").append(options.size())
                .append(" options, which are listed below. Set on the component, they are the defaults of all its"
                        + " endpoints (in Spring Boot and camel-main as `camel.component.")
                .append(component.getString("scheme")).append(".<option>`).\n\n");
        table(out, options.entrySet());
        return out.toString();
    }

    private static String endpointOptions(JsonObject component, JsonObject properties) {
        List<Map.Entry<String, Object>> path = new ArrayList<>();
        List<Map.Entry<String, Object>> query = new ArrayList<>();
        for (Map.Entry<String, Object> entry : properties.entrySet()) {
            ("path".equals(((JsonObject) entry.getValue()).getString("kind")) ? path : query).add(entry);
        }
        StringBuilder out = new StringBuilder();
        out.append("== Endpoint Options\n\n");
        out.append("The ").append(component.getString("title"))
                .append(" endpoint is configured using URI syntax:\n\n----\n").append(component.getString("syntax"))
                .append("\n----\n\nwith the following path and query parameters:\n\n");
        out.append("=== Path Parameters (").append(path.size()).append(" parameters)\n\n");
        table(out, path);
        out.append("\n=== Query Parameters (").append(query.size()).append(" parameters)\n\n");
        table(out, query);
        return out.toString();
    }

    private static String headers(JsonObject component, JsonObject headers) {
        StringBuilder out = new StringBuilder();
        out.append("== Message Headers\n\n");
        out.append("The ").append(component.getString("title")).append(" component supports ").append(headers.size())
                .append(" message headers, which are listed below.\n\n");
        out.append("[width=\"100%\",cols=\"2,5,^1,2\",options=\"header\"]\n|===\n| Name | Description | Default | Type\n");
        for (Map.Entry<String, Object> entry : headers.entrySet()) {
            JsonObject header = (JsonObject) entry.getValue();
            String constant = header.getString("constantName");
            out.append("| *").append(entry.getKey()).append("* (").append(header.getString("group"))
                    .append(")");
            if (constant != null) {
                out.append("\n\nConstant: `").append(constant.substring(constant.lastIndexOf('.') + 1)).append('`');
            }
            out.append(" | ").append(cell(header.getString("description")))
                    .append(" | ").append(cell(defaultValue(header)))
                    .append(" | ").append(cell(shortType(header.getString("javaType")))).append('\n');
        }
        out.append("|===\n");
        return out.toString();
    }

    private static void table(StringBuilder out, Iterable<Map.Entry<String, Object>> options) {
        out.append("[width=\"100%\",cols=\"2,5,^1,2\",options=\"header\"]\n|===\n| Name | Description | Default | Type\n");
        for (Map.Entry<String, Object> entry : options) {
            JsonObject option = (JsonObject) entry.getValue();
            String description = option.getString("description");
            if (option.containsKey("enum")) {
                description += " Values: " + String.join(", ", option.getCollection("enum").stream()
                        .map(String::valueOf).toList()) + ".";
            }
            if (Boolean.TRUE.equals(option.getBoolean("secret"))) {
                description += " A secret: never logged or shown.";
            }
            if (Boolean.TRUE.equals(option.getBoolean("deprecated"))) {
                description = "*Deprecated* " + description;
            }
            out.append("| *").append(entry.getKey()).append("* (").append(option.getString("group"))
                    .append(")");
            if (Boolean.TRUE.equals(option.getBoolean("required"))) {
                out.append(" *required*");
            }
            out.append(" | ").append(cell(description))
                    .append(" | ").append(cell(defaultValue(option)))
                    .append(" | ").append(cell(shortType(option.getString("javaType")))).append('\n');
        }
        out.append("|===\n");
    }

    private static String defaultValue(JsonObject option) {
        Object value = option.get("defaultValue");
        return value == null ? "" : String.valueOf(value);
    }

    /** {@code java.util.Map<String, Object>} -> {@code Map<String, Object>}, as Camel's pages show types. */
    static String shortType(String javaType) {
        return javaType == null ? "" : javaType.replaceAll("\\b(?:[a-z_][a-z0-9_]*\\.)+([A-Z])", "$1");
    }

    /** Text safe in an AsciiDoc table cell: no cell separator, no attribute reference. */
    static String cell(String text) {
        if (text == null) {
            return "";
        }
        return text.replace("|", "\\|").replaceAll("\\{([\\w-]+)}", "\\\\{$1}");
    }

    private static String sinceVersion(String firstVersion) {
        String[] parts = firstVersion.split("\\.");
        return parts.length >= 2 ? parts[0] + "." + parts[1] : firstVersion;
    }

    private static String attribute(String page, String name, String value) {
        Matcher m = Pattern.compile("(?m)^:" + Pattern.quote(name) + ":.*$").matcher(page);
        if (!m.find()) {
            throw new IllegalArgumentException("the page has no header attribute :" + name + ":");
        }
        return m.replaceFirst(Matcher.quoteReplacement(":" + name + ": " + value));
    }

    private static String between(String page, String marker, String generated) {
        String start = "// " + marker + ": START\n";
        String end = "// " + marker + ": END";
        int from = page.indexOf(start);
        int to = page.indexOf(end);
        if (from < 0 || to < from) {
            throw new IllegalArgumentException("the page has no '" + start.trim() + "' ... '" + end + "' pair");
        }
        return page.substring(0, from + start.length()) + generated + page.substring(to);
    }

    static Map<String, String> markers() {
        return Map.of(COMPONENT_OPTIONS, "// " + COMPONENT_OPTIONS + ": START", ENDPOINT_OPTIONS,
                "// " + ENDPOINT_OPTIONS + ": START", HEADERS, "// " + HEADERS + ": START");
    }
}
