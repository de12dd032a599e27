package dev.deja.engine.build;

import dev.deja.engine.report.Result;
import java.time.Duration;
import java.util.List;

/**
 * What the scheduler did with one image that needed a build.
 *
 * @param result    {@link Result#BUILT}, {@link Result#EXPORTED}, {@link Result#FAILED} or {@link Result#SKIPPED}
 * @param cacheFrom the refs the build took cache from
 * @param reason    why it failed or was skipped; "" otherwise
 */
public record Outcome(
        String name, Result result, String digest, Duration duration, List<String> cacheFrom, String reason) {
    public Outcome {
        cacheFrom = List.copyOf(cacheFrom);
    }

    static Outcome skipped(String name, String reason) {
        return new Outcome(name, Result.SKIPPED, "", Duration.ZERO, List.of(), reason);
    }
}
