package dev.deja.engine.git;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UncommittedTest {

    @Test
    void everyKindOfChangeUnderTheProjectFromItsFolder() {
        String status = String.join(
                "\0",
                " M proj/app/edited.c",
                "M  proj/app/staged.c",
                "D  proj/app/gone.c",
                "R  proj/app/new.c",
                "proj/lib/old.c",
                "?? proj/app/untracked.txt",
                "?? elsewhere/not-ours.txt",
                "");
        assertThat(Uncommitted.fromStatus(status, "proj/"))
                .containsExactly(
                        "app/edited.c", "app/staged.c", "app/gone.c", "app/new.c", "lib/old.c", "app/untracked.txt");
        assertThat(Uncommitted.fromStatus(status, "")).hasSize(7);
        assertThat(Uncommitted.fromStatus("", "")).isEmpty();
    }

    /** A folder with no file at any depth is content no commit can hold; one with files (ignored ones too) is not. */
    @Test
    void onlyFoldersThatHoldNoFileAreEmpty(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("empty"));
        Files.createDirectories(root.resolve("deep/er/still"));
        Files.createDirectories(root.resolve("artifacts"));
        Files.writeString(root.resolve("artifacts/app.log"), "ignored by git\n");
        Files.createDirectories(root.resolve("linked"));
        Files.createSymbolicLink(root.resolve("linked/to"), Path.of("../empty"));
        assertThat(Uncommitted.emptyFolders(root, "empty/\0deep/\0artifacts/\0linked/\0file.txt\0"))
                .containsExactly("empty/", "deep/");
    }
}
