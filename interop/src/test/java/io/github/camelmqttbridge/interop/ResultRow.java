package io.github.camelmqttbridge.interop;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one scenario run measured, written with its outcome by {@link InteropResults}: facts (lost, duplicates,
 * granted QoS, the error text a refusal produced) and notes on what the broker did differently.
 */
final class ResultRow {

    final String brokerId;
    final String product;
    final Scenario scenario;
    final String version;
    final String qos;
    final Map<String, Object> facts = new LinkedHashMap<>();
    final List<String> notes = new ArrayList<>();

    ResultRow(String brokerId, String product, Scenario scenario, String version, String qos) {
        this.brokerId = brokerId;
        this.product = product;
        this.scenario = scenario;
        this.version = version;
        this.qos = qos;
    }

    ResultRow fact(String key, Object value) {
        facts.put(key, value);
        return this;
    }

    /** Something this broker does differently, for the notes under the table. */
    ResultRow note(String note) {
        if (!notes.contains(note)) {
            notes.add(note);
        }
        return this;
    }

    /** {@code key=value} pairs; the free-text "error" last, as it may contain anything. */
    String factsText() {
        StringBuilder out = new StringBuilder();
        facts.forEach((k, v) -> {
            if (!k.equals("error")) {
                append(out, k, v);
            }
        });
        if (facts.containsKey("error")) {
            append(out, "error", facts.get("error"));
        }
        return out.toString();
    }

    private static void append(StringBuilder out, String key, Object value) {
        out.append(out.length() == 0 ? "" : " ").append(key).append('=')
                .append(String.valueOf(value).replaceAll("\\s+", " "));
    }
}
