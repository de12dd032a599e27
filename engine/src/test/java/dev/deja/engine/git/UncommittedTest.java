package dev.deja.engine.git;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

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
}
