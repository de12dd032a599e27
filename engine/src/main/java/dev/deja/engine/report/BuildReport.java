package dev.deja.engine.report;

import java.util.List;

/**
 * What a build run did, image by image in plan order.
 *
 * @param movingTagsWritten whether the moving tags (branch, latest; {@code latest} in the daemon in local mode) moved
 */
public record BuildReport(List<ImageResult> images, boolean movingTagsWritten) {
    public BuildReport {
        images = List.copyOf(images);
    }

    public boolean succeeded() {
        return images.stream().noneMatch(ImageResult::failed);
    }
}
