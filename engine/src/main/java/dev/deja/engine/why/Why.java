package dev.deja.engine.why;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Why an image's state differs from an earlier one.
 *
 * @param image         the image
 * @param state         its state tag now
 * @param against       what it was compared with ({@code 127.0.0.1:5000/acme/api:main}, {@code revision 1a2b3c4})
 * @param earlierState  that one's state tag, "" when there is none
 * @param changes       the differences, files first
 * @param note          what the comparison could not do, or why there is nothing to compare ("" when none)
 */
public record Why(String image, String state, String against, String earlierState, List<Change> changes, String note) {

    public Why {
        changes = List.copyOf(changes);
    }

    public static Why nothingEarlier(String image, String state, String note) {
        return new Why(image, state, "", "", List.of(), note);
    }

    public boolean same() {
        return !earlierState.isEmpty() && earlierState.equals(state);
    }

    /**
     * One line for a plan or a report: the bases that moved, the parents that changed, how many files changed
     * and under which folder, or else the first difference.
     */
    public String reason() {
        if (earlierState.isEmpty()) {
            return against.isEmpty() ? "no earlier image" : "earlier state unknown (" + note + ")";
        }
        if (same()) {
            return "unchanged";
        }
        List<String> parts = new java.util.ArrayList<>();
        changes.stream()
                .filter(c -> c.kind() == Change.Kind.BASE_MOVED)
                .forEach(c -> parts.add("base " + c.subject() + " moved"));
        List<Change> files = changes.stream()
                .filter(c -> c.kind().name().startsWith("FILE_"))
                .toList();
        if (!files.isEmpty()) {
            String under = commonFolder(files.stream().map(Change::subject).toList());
            parts.add(files.size()
                    + (files.size() == 1 ? " file changed" : " files changed")
                    + (under.isEmpty() ? "" : " under " + under));
        }
        List<String> folders = changes.stream()
                .filter(c -> c.kind() == Change.Kind.FOLDER_CHANGED)
                .map(c -> c.subject().equals(".") ? "the context's top" : c.subject())
                .toList();
        if (!folders.isEmpty()) {
            parts.add("files changed under " + String.join(", ", folders));
        }
        List<String> parents = changes.stream()
                .filter(c -> c.kind() == Change.Kind.PARENT)
                .map(Change::subject)
                .toList();
        if (!parents.isEmpty()) {
            parts.add((parents.size() == 1 ? "parent " : "parents ") + String.join(", ", parents) + " changed");
        }
        changes.stream()
                .filter(c -> !List.of(
                                Change.Kind.BASE_MOVED,
                                Change.Kind.FOLDER_CHANGED,
                                Change.Kind.PARENT,
                                Change.Kind.FILE_ADDED,
                                Change.Kind.FILE_CHANGED,
                                Change.Kind.FILE_REMOVED)
                        .contains(c.kind()))
                .findFirst()
                .ifPresent(c -> parts.add(c.describe()));
        return parts.isEmpty() ? "state differs (" + note + ")" : parts.stream().collect(Collectors.joining("; "));
    }

    private static String commonFolder(List<String> paths) {
        String common = paths.get(0).contains("/")
                ? paths.get(0).substring(0, paths.get(0).lastIndexOf('/'))
                : "";
        for (String path : paths) {
            while (!common.isEmpty() && !path.startsWith(common + "/")) {
                common = common.contains("/") ? common.substring(0, common.lastIndexOf('/')) : "";
            }
        }
        return common;
    }
}
