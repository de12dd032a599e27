package dev.deja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code deja man}: roff that groff reads without a warning, with every command, its options and examples. */
class ManCommandTest {

    @TempDir
    Path tmp;

    @Test
    void theManPageRendersWithEveryCommand() throws Exception {
        Run run = Run.of("man");
        assertThat(run.code()).as(run.stderr()).isZero();
        assertThat(run.stdout())
                .startsWith(".TH DEJA 1 ")
                .contains(".SS \"deja why\"")
                .contains(".SS \"deja build\"");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/groff")), "no groff here");
        Path page = Files.writeString(tmp.resolve("deja.1"), run.stdout());
        Process groff = new ProcessBuilder("groff", "-man", "-Tutf8", "-ww", page.toString()).start();
        String text = new String(groff.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String warnings = new String(groff.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(groff.waitFor()).isZero();
        assertThat(warnings).isEmpty();
        assertThat(text.replaceAll(".\b", ""))
                .contains("deja why")
                .contains("--against REV|STATE")
                .contains("deja why service1 --against HEAD~3")
                .contains("registry or daemon unreachable");
    }
}
