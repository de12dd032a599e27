package dev.deja.engine.git;

import dev.deja.engine.exec.Parallel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * What deja needs to know of the checkout: the commit, the branch (from git, or from the CI's variables when the
 * checkout is detached), the default branch, and the commits before this one on the first-parent line.
 *
 * @param commit        full sha of HEAD, "" outside git
 * @param branch        branch name, "" when unknown (detached without CI variables)
 * @param defaultBranch the repository's default branch (origin/HEAD, CI variables, else "main")
 * @param ancestors     first-parent ancestors of HEAD, nearest first (at most {@link #ANCESTORS})
 */
public record GitFacts(String commit, String branch, String defaultBranch, List<String> ancestors) {

    public static final int ANCESTORS = 20;

    public GitFacts {
        ancestors = List.copyOf(ancestors);
    }

    /**
     * The facts of the checkout at {@code root}: three git commands side by side (a build's cache sources wait for
     * them).
     */
    public static GitFacts read(Path root, Map<String, String> environment) {
        // The commit and its ancestors in one listing: HEAD first, then its first-parent line.
        CompletableFuture<String> line = Parallel.ahead(
                "deja-git-line",
                () -> Git.run(root, "rev-list", "--first-parent", "--max-count=" + (ANCESTORS + 1), "HEAD"));
        String defaultBranch = firstSet(environment, "CI_DEFAULT_BRANCH");
        CompletableFuture<String> originHead = defaultBranch.isEmpty()
                ? Parallel.ahead(
                        "deja-git-origin",
                        () -> Git.line(root, "symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD"))
                : CompletableFuture.completedFuture(null);
        String branch = orEmpty(Git.line(root, "symbolic-ref", "--quiet", "--short", "HEAD"));
        if (branch.isEmpty()) {
            branch = firstSet(
                    environment, "CI_COMMIT_BRANCH", "CI_COMMIT_REF_NAME", "GITHUB_HEAD_REF", "GITHUB_REF_NAME");
        }
        if (defaultBranch.isEmpty()) {
            String origin = Parallel.get(originHead);
            defaultBranch = origin == null ? "main" : origin.replaceFirst("^origin/", "");
        }
        List<String> commits = new ArrayList<>();
        String listed = Parallel.get(line);
        if (listed != null) {
            listed.lines().map(String::strip).filter(l -> !l.isEmpty()).forEach(commits::add);
        }
        return commits.isEmpty()
                ? new GitFacts("", branch, defaultBranch, List.of())
                : new GitFacts(commits.get(0), branch, defaultBranch, commits.subList(1, commits.size()));
    }

    /** The commit and its first-parent ancestors, nearest first: the commits whose tags a run may find. */
    public List<String> commitAndAncestors() {
        List<String> commits = new ArrayList<>();
        if (!commit.isEmpty()) {
            commits.add(commit);
        }
        commits.addAll(ancestors);
        return commits;
    }

    /**
     * A branch name as a tag: lower case, anything outside {@code [a-z0-9._-]} becomes '-', at most 128
     * characters, never starting with '.' or '-'. Different branches may share a slug ({@code feat/x} and
     * {@code feat-x}); the state tag, not the branch tag, is what deja trusts.
     */
    public static String slug(String branch) {
        String slug =
                branch.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "-").replaceAll("^[.-]+", "");
        if (slug.length() > 128) {
            slug = slug.substring(0, 128);
        }
        return slug;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static String firstSet(Map<String, String> environment, String... names) {
        for (String name : names) {
            String value = environment.get(name);
            if (value != null && !value.isBlank()) {
                return value.strip();
            }
        }
        return "";
    }
}
