package dev.deja.engine.git;

import static dev.deja.engine.git.TestGit.git;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitFactsTest {

    @TempDir
    Path repo;

    private String commit(String message) throws Exception {
        git(repo, "commit", "-q", "--allow-empty", "-m", message);
        return git(repo, "rev-parse", "HEAD").strip();
    }

    @Test
    void theCommitItsBranchTheDefaultBranchAndItsFirstParentAncestors() throws Exception {
        git(repo, "init", "-q", "-b", "main");
        String first = commit("first");
        git(repo, "update-ref", "refs/remotes/origin/trunk", first);
        git(repo, "symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/trunk");
        git(repo, "checkout", "-q", "-b", "feature/x");
        String second = commit("second");
        // A merge: its second parent (the side branch's commit) is not on the first-parent line.
        git(repo, "checkout", "-q", "-b", "side");
        String side = commit("side");
        git(repo, "checkout", "-q", "feature/x");
        git(repo, "merge", "-q", "--no-ff", "-m", "merge side", "side");
        String merge = git(repo, "rev-parse", "HEAD").strip();
        String last = commit("last");

        GitFacts facts = GitFacts.read(repo, Map.of());

        assertThat(facts.commit()).isEqualTo(last);
        assertThat(facts.branch()).isEqualTo("feature/x");
        assertThat(facts.defaultBranch()).isEqualTo("trunk");
        assertThat(facts.ancestors()).containsExactly(merge, second, first).doesNotContain(side);
        assertThat(facts.commitAndAncestors()).containsExactly(last, merge, second, first);
    }

    @Test
    void atMostTwentyAncestorsAndTheCiSaysWhatADetachedCheckoutCannot() throws Exception {
        git(repo, "init", "-q", "-b", "main");
        for (int i = 0; i < GitFacts.ANCESTORS + 3; i++) {
            commit("commit " + i);
        }
        String head = git(repo, "rev-parse", "HEAD").strip();
        git(repo, "checkout", "-q", "--detach");

        GitFacts facts = GitFacts.read(repo, Map.of("CI_COMMIT_BRANCH", "release/1", "CI_DEFAULT_BRANCH", "develop"));

        assertThat(facts.commit()).isEqualTo(head);
        assertThat(facts.branch()).isEqualTo("release/1");
        assertThat(facts.defaultBranch()).isEqualTo("develop");
        assertThat(facts.ancestors()).hasSize(GitFacts.ANCESTORS).doesNotContain(head);
        assertThat(facts.ancestors().get(0))
                .isEqualTo(git(repo, "rev-parse", "HEAD~1").strip());
    }

    @Test
    void aRepositoryWithoutCommitsOrOutsideGitHasNoCommitAndMainAsItsDefault() throws Exception {
        GitFacts outside = GitFacts.read(repo, Map.of());
        assertThat(outside.commit()).isEmpty();
        assertThat(outside.branch()).isEmpty();
        assertThat(outside.ancestors()).isEmpty();
        assertThat(outside.defaultBranch()).isEqualTo("main");

        git(repo, "init", "-q", "-b", "main");
        GitFacts unborn = GitFacts.read(repo, Map.of());
        assertThat(unborn.commit()).isEmpty();
        assertThat(unborn.ancestors()).isEqualTo(List.of());
        assertThat(unborn.defaultBranch()).isEqualTo("main");
    }
}
