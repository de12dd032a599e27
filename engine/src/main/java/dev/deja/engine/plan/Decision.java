package dev.deja.engine.plan;

import java.util.Locale;

/** What deja does with one image. */
public enum Decision {
    /** Not decided: the plan was made without asking the registry. */
    UNKNOWN,
    /** The state exists: retag (or pull), no build. */
    REUSE,
    /** The state is missing: build and push. */
    BUILD,
    /** A builder image: build and export its files. */
    EXPORT;

    /** Whether the image goes to the builder (built, or built to export its files). */
    public boolean runsBuilder() {
        return this == BUILD || this == EXPORT;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
