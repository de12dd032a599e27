package dev.deja.engine.report;

import dev.deja.engine.plan.Decision;
import java.time.Duration;
import java.util.List;

/**
 * One image of a build run's report.
 *
 * @param digest    the manifest digest (registry) or image ID (local mode), "" when there is none
 * @param tags      the tags written besides the state tag
 * @param cacheFrom the refs a build took cache from
 * @param reason    why it failed or was skipped; for an image built, what made its state new; "" otherwise
 */
public record ImageResult(
        String name,
        String repository,
        Decision decision,
        Result result,
        String state,
        String digest,
        List<String> tags,
        List<String> cacheFrom,
        Duration duration,
        String reason) {
    public ImageResult {
        tags = List.copyOf(tags);
        cacheFrom = List.copyOf(cacheFrom);
    }

    public boolean failed() {
        return result.broken();
    }
}
