package dev.deja.engine.build;

import dev.deja.engine.report.Result;
import java.util.function.Consumer;

/** What a build run tells as it goes: one image starts, prints a line, ends. Called from the build threads. */
public interface BuildListener {

    void started(String image);

    void line(String image, String text);

    /** @param reason why it failed or was skipped; "" otherwise */
    void finished(String image, Result result, String reason);

    /** The CI form: every builder line as {@code [image] line}, and a line for a failure or a skip. */
    static BuildListener prefixed(Consumer<String> log) {
        return new BuildListener() {
            @Override
            public void started(String image) {}

            @Override
            public void line(String image, String text) {
                log.accept("[" + image + "] " + text);
            }

            @Override
            public void finished(String image, Result result, String reason) {
                if (result.broken()) {
                    log.accept("[" + image + "] " + result.name() + ": " + reason);
                }
            }
        };
    }
}
