package dev.deja.engine.report;

import java.util.Locale;

/** What happened to one image in a build run. */
public enum Result {
    /** Its state existed: retagged (or left in the daemon), not built. */
    REUSED,
    /** Its state existed in the registry and was pulled into the daemon ({@code build --load}). */
    PULLED,
    BUILT,
    /** A builder image whose files were exported (or were already there for this state). */
    EXPORTED,
    FAILED,
    /** Not built because a parent failed or the run was stopped. */
    SKIPPED;

    /** The word reports and CI variables use: {@code reused}, {@code built}, … */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Failed, or skipped because a parent did: the run did not succeed, the image's descendants cannot build. */
    public boolean broken() {
        return this == FAILED || this == SKIPPED;
    }
}
