package io.github.camelmqttbridge.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Reads the sequence numbers back from the JSON Lines files of mqtt-to-file.yaml (field payload.ts). */
final class JsonLinesFiles {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonLinesFiles() {
    }

    static List<Integer> sequences(Path outDir) {
        List<Integer> numbers = new ArrayList<>();
        if (!Files.isDirectory(outDir)) {
            return numbers;
        }
        try (Stream<Path> files = Files.walk(outDir)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".jsonl")).toList()) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (line.isBlank()) {
                        continue;
                    }
                    try {
                        JsonNode payload = JSON.readTree(line).get("payload");
                        JsonNode ts = payload == null ? null : payload.get("ts");
                        numbers.add(ts == null ? -1 : ts.asInt());
                    } catch (IOException torn) {
                        numbers.add(-1); // a torn line (the process was killed while writing it)
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return numbers;
    }
}
