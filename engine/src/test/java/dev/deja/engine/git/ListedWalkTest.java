package dev.deja.engine.git;

import static dev.deja.engine.git.TestGit.git;
import static org.assertj.core.api.Assertions.assertThat;

import dev.deja.packer.TestTree;
import dev.deja.packer.context.ContextCollector;
import dev.deja.packer.context.ContextEntry;
import dev.deja.packer.context.ContextSpec;
import dev.deja.packer.state.Vouching;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A walk from git's listing finds what a walk of the folders finds, entry for entry, in a messy checkout: ignore rules
 * with exceptions below excluded folders, untracked and git-ignored files and folders, an empty folder, a nested
 * repository, modified, deleted and type-changed files, a folder whose tracked files are all deleted, links, an
 * executable, names with spaces and accents, includes, and the names a root context leaves out. The files git
 * vouches for are listed with their blobs and never stat'ed; the rest is walked.
 */
class ListedWalkTest {

    @TempDir
    Path tmp;

    private Path repo;

    @BeforeEach
    void messyCheckout() throws Exception {
        repo = tmp.resolve("repo");
        TestTree tree = new TestTree(repo)
                .file("deja.yaml", "images: {}\n")
                .file(".gitignore", "*.log\nnode_modules/\n")
                .file(".dockerignore", "**/*.tmp\nbuild\n!build/keep/**\ndocs/\n")
                .file("Dockerfile", "FROM scratch\n")
                .file("app/main.c", "int main() {}\n")
                .file("app/edited.c", "before\n")
                .file("app/gone.c", "deleted later\n")
                .file("app/typechange", "a file, then a folder\n")
                .file("app/src dir/naïve file.txt", "accents\n")
                .file("app/notes.tmp", "left out by .dockerignore\n")
                .file("oldlib/only.c", "its folder goes with it\n")
                .file("emptied/only.c", "its folder stays, empty\n")
                .file("build/out.o", "excluded\n")
                .file("build/keep/kept.o", "re-included\n")
                .file("docs/readme.md", "excluded folder\n")
                .file("libs/common/a.c", "shared\n")
                .file("libs/common/b.c", "shared too\n")
                .file("svc/api/Dockerfile", "FROM scratch\n")
                .file("svc/api/server.c", "serve\n")
                .executable("svc/api/run.sh", "#!/bin/sh\n");
        Files.createSymbolicLink(repo.resolve("app/link"), Path.of("main.c"));
        git(repo, "init", "-q");
        git(repo, "add", "-A");
        git(repo, "commit", "-q", "-m", "x");
        // What a developer's checkout looks like a day later.
        tree.file("app/edited.c", "after\n")
                .file("app/new.c", "untracked\n")
                .file("app/debug.log", "git-ignored, in the context\n")
                .file("node_modules/pkg/index.js", "git-ignored folder\n")
                .file("scratch/a/b.txt", "untracked folder\n")
                .file("nested/.git/HEAD", "ref: refs/heads/main\n")
                .file("nested/file.txt", "another repository's\n")
                .file("build/keep/new.o", "untracked, re-included\n")
                .file("svc/api/local.tmp", "excluded by a pattern\n");
        Files.delete(repo.resolve("app/gone.c"));
        Files.delete(repo.resolve("oldlib/only.c"));
        Files.delete(repo.resolve("oldlib"));
        Files.delete(repo.resolve("emptied/only.c"));
        Files.delete(repo.resolve("app/typechange"));
        tree.file("app/typechange/inside.txt", "now a folder\n");
        Files.createDirectories(repo.resolve("empty/deeper"));
        Files.createSymbolicLink(repo.resolve("app/new-link"), Path.of("../libs"));
    }

    /** Walks {@code spec} both ways; returns how many files the listing told apart (vouched for by git). */
    private int sameEitherWay(ContextSpec spec) {
        ContextCollector.Walk walked = ContextCollector.walk(spec, entry -> {});
        Vouching vouching = GitVouching.of(spec.repoRoot(), Map.of());
        AtomicInteger listed = new AtomicInteger();
        AtomicInteger statted = new AtomicInteger();
        Optional<ContextCollector.Walk> fromGit = ContextCollector.walkListed(
                spec, vouching, entry -> statted.addAndGet(entry.source() != null ? 1 : 0), (entry, blob) -> {
                    assertThat(blob.id()).hasSize(40);
                    assertThat(blob.size()).isEqualTo(entry.size());
                    listed.incrementAndGet();
                });
        assertThat(fromGit).as("git lists the context").isPresent();
        assertThat(described(fromGit.get().sorted())).isEqualTo(described(walked.sorted()));
        assertThat(fromGit.get().everyFolderListed()).isEqualTo(walked.everyFolderListed());
        // Each entry is told once, one way or the other.
        long files = walked.sorted().stream().filter(e -> e.source() != null).count();
        assertThat(listed.get() + statted.get()).isEqualTo((int) files);
        return listed.get();
    }

    private static List<String> described(List<ContextEntry> entries) {
        return entries.stream()
                .map(e -> e.path() + " " + e.type() + " " + e.executable() + " " + e.linkTarget() + " " + e.size() + " "
                        + e.source())
                .toList();
    }

    @Test
    void theRootContextOfAMessyCheckout() {
        int listed = sameEitherWay(new ContextSpec(repo, "", "Dockerfile", List.of(), List.of()));
        // Vouched for and in the context: .gitignore, .dockerignore, Dockerfile, main.c, the accented file, the
        // re-included kept.o, libs' two, svc's three (deja.yaml is a tracked file too: a plain spec keeps it).
        assertThat(listed).isEqualTo(12);
    }

    @Test
    void aRootContextLeavesOutDejasOwnFilesEitherWay() {
        sameEitherWay(
                new ContextSpec(repo, "", "Dockerfile", List.of(), List.of(), Set.of(".git", "deja.yaml"), List.of()));
    }

    @Test
    void aSubfolderWithIncludesAndExcludes() {
        int listed = sameEitherWay(new ContextSpec(
                repo, "svc/api", "svc/api/Dockerfile", List.of("libs/common", "app/main.c"), List.of("run.sh")));
        assertThat(listed).isEqualTo(2 + 2 + 1);
    }

    @Test
    void aFolderOfModifiedAndUntrackedFiles() {
        sameEitherWay(new ContextSpec(repo, "app", "Dockerfile", List.of(), List.of("!notes.tmp")));
    }

    @Test
    void aProjectInAFolderOfTheCheckoutWhoseNameIsNotAscii() throws Exception {
        Path project = repo.resolve("apps/prôject");
        new TestTree(project)
                .file("Dockerfile", "FROM scratch\n")
                .file("src/main.c", "int main() {}\n")
                .file("src/old.c", "deleted later\n")
                .file(".dockerignore", "*.tmp\n");
        git(repo, "add", "-A");
        git(repo, "commit", "-q", "-m", "a project below the top");
        new TestTree(project).file("src/new.c", "untracked\n").file("src/x.tmp", "excluded\n");
        Files.delete(project.resolve("src/old.c"));
        int listed = sameEitherWay(new ContextSpec(project, "", "Dockerfile", List.of(), List.of()));
        assertThat(listed).as("Dockerfile, .dockerignore, main.c").isEqualTo(3);
    }

    @Test
    void aContextGitKnowsNothingOfIsWalked() {
        Optional<ContextCollector.Walk> listed = ContextCollector.walkListed(
                new ContextSpec(repo, "scratch", "Dockerfile", List.of(), List.of()),
                GitVouching.of(repo, Map.of()),
                entry -> {},
                (entry, blob) -> {});
        assertThat(listed).isEmpty();
    }

    @Test
    void outsideACheckoutNothingIsListed() throws Exception {
        Path plain = tmp.resolve("plain");
        new TestTree(plain).file("a.txt", "a\n");
        assertThat(ContextCollector.walkListed(
                        new ContextSpec(plain, "", "Dockerfile", List.of(), List.of()),
                        GitVouching.of(plain, Map.of()),
                        entry -> {},
                        (entry, blob) -> {}))
                .isEmpty();
    }
}
