package io.wasmbox.benchmarks;

/** The two guest languages; each workload has code for both. */
public enum Language {
    JAVASCRIPT("javascript"),
    PYTHON("python");

    private final String id;

    Language(String id) {
        this.id = id;
    }

    /** The name used in results and in {@code Wasmbox.interpreter(...)}. */
    public String id() {
        return id;
    }
}
