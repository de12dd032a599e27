package dev.deja.engine.why;

import java.util.Optional;

/**
 * One difference between two states of an image.
 *
 * @param kind    what differs
 * @param subject the file, folder, argument, base or parent it is about ("" for the target, the platforms…)
 * @param before  the earlier value ("" when there was none); for a changed file, what changed about it
 * @param after   the current value ("" when there is none)
 * @param because for a parent: why its state differs
 */
public record Change(Kind kind, String subject, String before, String after, Optional<Why> because) {

    public enum Kind {
        FILE_ADDED,
        FILE_REMOVED,
        FILE_CHANGED,
        FOLDER_CHANGED,
        DOCKERFILE,
        ARG,
        TARGET,
        PLATFORMS,
        LABEL,
        CONTEXT,
        BASE_MOVED,
        BASE_ADDED,
        BASE_REMOVED,
        PARENT,
        FORMAT
    }

    public static Change of(Kind kind, String subject, String before, String after) {
        return new Change(kind, subject, before, after, Optional.empty());
    }

    /** One line: {@code base docker.io/library/python:3.12 moved from sha256:… to sha256:…}. */
    public String describe() {
        return switch (kind) {
            case FILE_ADDED -> "file added: " + subject;
            case FILE_REMOVED -> "file removed: " + subject;
            case FILE_CHANGED -> "file changed (" + before + "): " + subject;
            case FOLDER_CHANGED -> subject.equals(".")
                    ? "files changed at the top of the context"
                    : "files changed under " + subject + "/";
            case DOCKERFILE -> "Dockerfile changed: " + subject;
            case ARG -> "build arg " + subject + " changed: " + shown(before) + " -> " + shown(after);
            case TARGET -> "target changed: " + shown(before) + " -> " + shown(after);
            case PLATFORMS -> "platforms changed: " + shown(before) + " -> " + shown(after);
            case LABEL -> "label " + subject + " changed: " + shown(before) + " -> " + shown(after);
            case CONTEXT -> "named context " + subject + " changed: " + shown(before) + " -> " + shown(after);
            case BASE_MOVED -> "base " + subject + " moved from " + before + " to " + after;
            case BASE_ADDED -> "base " + subject + " added (" + after + ")";
            case BASE_REMOVED -> "base " + subject + " no longer used (was " + before + ")";
            case FORMAT -> "deja's state format changed: " + shown(before) + " -> " + shown(after);
            case PARENT -> "parent " + subject + " changed"
                    + because.map(why -> " because " + why.reason()).orElse("");
        };
    }

    private static String shown(String value) {
        return value.isEmpty() ? "(none)" : value;
    }
}
