package io.github.camelmqttbridge.benchmarks;

import java.util.ArrayList;
import java.util.List;

/**
 * What a scenario produced: its figures, how they were measured (Markdown, printed above the table) and
 * anything that went wrong. A scenario that is not implemented yet returns {@link #notYetRun}.
 */
public final class Result {

    public enum Status {
        OK, NOT_YET_RUN, FAILED
    }

    private final Status status;
    private final String method;
    private final List<Figure> figures = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final List<String> observations = new ArrayList<>();

    private Result(Status status, String method) {
        this.status = status;
        this.method = method == null ? "" : method;
    }

    /** A result to fill with {@link #add(Figure)} and {@link #problem(String)}. */
    public static Result of(String method) {
        return new Result(Status.OK, method);
    }

    /** A placeholder: the report shows the scenario, marked "not yet run", with what it will measure. */
    public static Result notYetRun(String whatItWillMeasure) {
        return new Result(Status.NOT_YET_RUN, whatItWillMeasure);
    }

    public static Result failed(String method, Throwable cause) {
        Result result = new Result(Status.FAILED, method);
        result.problem("The scenario failed: " + describe(cause));
        return result;
    }

    public Result add(Figure figure) {
        figures.add(figure);
        return this;
    }

    /** Something the engine team or the reader must know: an error, a stall, lost messages. */
    public Result problem(String text) {
        problems.add(text);
        return this;
    }

    /** A derived fact worth a line under the table, e.g. how a cost scales; not a problem. */
    public Result observe(String text) {
        observations.add(text);
        return this;
    }

    public List<String> observations() {
        return List.copyOf(observations);
    }

    public Status status() {
        return status;
    }

    public String method() {
        return method;
    }

    public List<Figure> figures() {
        return List.copyOf(figures);
    }

    public List<String> problems() {
        return List.copyOf(problems);
    }

    static String describe(Throwable t) {
        StringBuilder text = new StringBuilder(t.toString());
        for (Throwable cause = t.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            text.append(" <- ").append(cause);
        }
        return text.toString();
    }
}
