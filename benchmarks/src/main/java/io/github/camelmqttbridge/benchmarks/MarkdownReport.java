package io.github.camelmqttbridge.benchmarks;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders a run as Markdown ready to paste into BENCHMARKS.md: machine, command, then per scenario how it
 * was measured, one table (median, min, max, ratio to ours) and its problems. Numbers are printed as measured.
 */
public final class MarkdownReport {

    /** A scenario and what it returned, in run order. */
    public record Section(Scenario scenario, Result result, double seconds) {
    }

    private MarkdownReport() {
    }

    public static String render(String heading, Map<String, String> machine, String command, String settings,
            List<Section> sections, String footer) {
        StringBuilder md = new StringBuilder();
        md.append("# ").append(heading).append("\n\n");
        md.append("## Machine\n\n");
        md.append("| | |\n|---|---|\n");
        machine.forEach((k, v) -> md.append("| ").append(cell(k)).append(" | ").append(cell(v)).append(" |\n"));
        md.append("\n## Command\n\n```\n").append(command).append("\n```\n\n");
        md.append(settings).append("\n\n");
        md.append("## Summary\n\n| scenario | status | time |\n|---|---|---:|\n");
        for (Section s : sections) {
            md.append("| ").append(cell(s.scenario().title())).append(" | ").append(statusWord(s.result())).append(" | ")
                    .append(s.result().status() == Result.Status.NOT_YET_RUN ? "–" : String.format(Locale.ROOT, "%.0f s", s.seconds()))
                    .append(" |\n");
        }
        md.append('\n');
        for (Section s : sections) {
            section(md, s);
        }
        if (footer != null && !footer.isBlank()) {
            md.append(footer).append('\n');
        }
        return md.toString();
    }

    private static String statusWord(Result result) {
        return switch (result.status()) {
            case OK -> result.problems().isEmpty() ? "ran" : "ran, with problems (see section)";
            case NOT_YET_RUN -> "**not yet run**";
            case FAILED -> "**failed**";
        };
    }

    private static void section(StringBuilder md, Section s) {
        Result r = s.result();
        md.append("## ").append(s.scenario().title());
        if (r.status() == Result.Status.NOT_YET_RUN) {
            md.append(" — not yet run");
        } else if (r.status() == Result.Status.FAILED) {
            md.append(" — FAILED");
        }
        md.append("\n\n");
        if (r.status() == Result.Status.NOT_YET_RUN) {
            md.append("**Not yet run** (placeholder, no figures). It will measure: ");
        }
        if (!r.method().isBlank()) {
            md.append(r.method().strip()).append("\n\n");
        }
        if (!r.figures().isEmpty()) {
            md.append(table(r.figures()));
            md.append('\n');
        }
        if (!r.observations().isEmpty()) {
            r.observations().forEach(o -> md.append("- ").append(o.replace("\n", " ")).append('\n'));
            md.append('\n');
        }
        if (!r.problems().isEmpty()) {
            md.append("**Problems seen in this scenario:**\n\n");
            r.problems().forEach(p -> md.append("- ").append(p.replace("\n", " ")).append('\n'));
            md.append('\n');
        }
    }

    /** One table for all figures of a scenario; the ratio column compares each row with its group's baseline. */
    public static String table(List<Figure> figures) {
        Map<String, Figure> baselines = new LinkedHashMap<>();
        for (Figure f : figures) {
            if (f.baseline()) {
                baselines.put(f.group(), f);
            }
        }
        boolean anyRatio = !baselines.isEmpty();
        StringBuilder md = new StringBuilder();
        md.append("| what | who | median | min | max | unit | n |");
        if (anyRatio) {
            md.append(" ours ÷ this |");
        }
        md.append(" notes |\n|---|---|---:|---:|---:|---|---:|");
        if (anyRatio) {
            md.append("---:|");
        }
        md.append("---|\n");
        for (Figure f : figures) {
            md.append("| ").append(cell(f.group())).append(" | ").append(cell(f.subject())).append(" | ");
            if (f.stats() == null) {
                md.append("– | – | – | ").append(cell(f.unit())).append(" | 0 |");
            } else {
                md.append(number(f.stats().median(), f.unit())).append(" | ").append(number(f.stats().min(), f.unit()))
                        .append(" | ").append(number(f.stats().max(), f.unit())).append(" | ").append(cell(f.unit()))
                        .append(" | ").append(f.stats().count()).append(" |");
            }
            if (anyRatio) {
                Figure base = baselines.get(f.group());
                Double ratio = f.baselineAdvantage(base);
                md.append(' ').append(f.baseline() ? "(ours)" : ratio == null ? "–" : String.format(Locale.ROOT, "%.2f", ratio))
                        .append(" |");
            }
            md.append(' ').append(cell(f.notes())).append(" |\n");
        }
        return md.toString();
    }

    /** Rates without decimals and with thousands separators; small costs with more precision. */
    public static String number(double value, String unit) {
        if (unit.contains("/s") || Math.abs(value) >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        if (Math.abs(value) >= 10) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        return String.format(Locale.ROOT, "%.3f", value);
    }

    static String cell(String text) {
        return text == null ? "" : text.replace("|", "\\|").replace("\n", " ");
    }
}
