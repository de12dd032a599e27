package dev.deja.engine;

import java.util.List;

/** The images a command acts on, parents first, each with its state and decision. */
public record Plan(List<PlannedImage> images) {

    public Plan {
        images = List.copyOf(images);
    }
}
