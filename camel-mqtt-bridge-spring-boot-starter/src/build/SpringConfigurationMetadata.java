import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.camel.util.StringHelper;
import org.apache.camel.util.json.JsonArray;
import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;

/**
 * Build step of the starter (exec-maven-plugin, process-classes; run as a single-file program with the starter's
 * compile class path): writes META-INF/spring-configuration-metadata.json from the component's catalog JSON, so
 * that an IDE completes camel.component.mqtt-bridge.* with exactly the component's options, their descriptions,
 * defaults and allowed values. Argument: the file to write.
 *
 * <p>Types: the option's Java type for booleans, numbers and strings; an object option (sslContextParameters,
 * configuration) is set as a bean reference ({@code #bean:name}) and is typed java.lang.String here, because the
 * starter hands the text to the component's configurer, which resolves the reference.
 */
public class SpringConfigurationMetadata {

    static final String CATALOG = "META-INF/io/github/camelmqttbridge/component/mqtt-bridge.json";
    static final String PREFIX = "camel.component.mqtt-bridge";

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: SpringConfigurationMetadata <output json>");
        }
        JsonObject catalog;
        try (InputStream in = ClassLoader.getSystemResourceAsStream(CATALOG)) {
            if (in == null) {
                throw new IllegalStateException(CATALOG + " is not on the class path: is the component jar built?");
            }
            catalog = (JsonObject) Jsoner.deserialize(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (org.apache.camel.util.json.DeserializationException e) {
            throw new IllegalStateException("Cannot read " + CATALOG, e);
        }
        JsonObject component = (JsonObject) catalog.get("component");
        JsonObject options = (JsonObject) catalog.get("componentProperties");

        JsonObject group = new JsonObject();
        group.put("name", PREFIX);
        group.put("type", component.getString("javaType"));
        group.put("description", "Options of the " + component.getString("title") + " component ("
                + component.getString("scheme") + "): defaults for every " + component.getString("scheme")
                + ": endpoint. " + component.getString("description"));

        List<JsonObject> properties = new ArrayList<>();
        List<JsonObject> hints = new ArrayList<>();
        JsonObject enabled = new JsonObject();
        enabled.put("name", PREFIX + ".enabled");
        enabled.put("type", "java.lang.Boolean");
        enabled.put("description", "Whether to configure the " + component.getString("scheme")
                + " component from these properties (camel.component.enabled=false turns off all components').");
        enabled.put("defaultValue", Boolean.TRUE);
        enabled.put("sourceType", component.getString("javaType"));
        properties.add(enabled);

        for (Map.Entry<String, Object> entry : options.entrySet()) {
            JsonObject option = (JsonObject) entry.getValue();
            String name = PREFIX + "." + StringHelper.camelCaseToDash(entry.getKey());
            String javaType = option.getString("javaType");
            boolean object = "object".equals(option.getString("type"));
            JsonObject property = new JsonObject();
            property.put("name", name);
            property.put("type", object ? "java.lang.String" : boxed(javaType));
            String description = option.getString("description");
            if (object) {
                description += " The option is a " + javaType + " type: give a bean reference, #bean:name.";
            }
            property.put("description", description);
            property.put("sourceType", component.getString("javaType"));
            if (option.containsKey("defaultValue")) {
                property.put("defaultValue", option.get("defaultValue"));
            }
            if (Boolean.TRUE.equals(option.getBoolean("deprecated"))) {
                JsonObject deprecation = new JsonObject();
                deprecation.put("level", "warning");
                String note = option.getString("deprecationNote");
                if (note != null && !note.isBlank()) {
                    deprecation.put("reason", note);
                }
                property.put("deprecation", deprecation);
            }
            properties.add(property);

            JsonArray enums = option.getCollection("enum") == null ? null : new JsonArray(option.getCollection("enum"));
            if (enums != null && !enums.isEmpty()) {
                JsonArray values = new JsonArray();
                for (Object value : enums) {
                    JsonObject v = new JsonObject();
                    v.put("value", value);
                    values.add(v);
                }
                JsonObject hint = new JsonObject();
                hint.put("name", name);
                hint.put("values", values);
                hints.add(hint);
            }
        }
        properties.sort(Comparator.comparing(p -> p.getString("name")));

        JsonObject metadata = new JsonObject();
        metadata.put("groups", new JsonArray(List.of(group)));
        metadata.put("properties", new JsonArray(properties));
        metadata.put("hints", new JsonArray(hints));
        Path output = Path.of(args[0]);
        Files.createDirectories(output.getParent());
        Files.writeString(output, Jsoner.prettyPrint(metadata.toJson()) + "\n", StandardCharsets.UTF_8);
        System.out.println("SpringConfigurationMetadata: " + properties.size() + " properties, " + hints.size()
                + " hints -> " + output);
    }

    private static String boxed(String javaType) {
        return switch (javaType) {
            case "boolean" -> "java.lang.Boolean";
            case "int" -> "java.lang.Integer";
            case "long" -> "java.lang.Long";
            case "double" -> "java.lang.Double";
            case "float" -> "java.lang.Float";
            case "short" -> "java.lang.Short";
            case "byte" -> "java.lang.Byte";
            case "char" -> "java.lang.Character";
            default -> javaType;
        };
    }
}
