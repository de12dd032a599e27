package dev.deja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code deja completion bash}, sourced by a real bash: it completes commands, options and option values. */
class CompletionCommandTest {

    @TempDir
    Path tmp;

    private String complete(Path script, String line) throws Exception {
        String[] words = line.split(" ", -1);
        String array = String.join(
                " ", java.util.Arrays.stream(words).map(w -> "'" + w + "'").toList());
        String shell = "source " + script + " 2>/dev/null; COMP_WORDS=(" + array + "); COMP_CWORD="
                + (words.length - 1) + "; COMP_LINE='" + line + "'; COMP_POINT=" + line.length()
                + "; _complete_deja deja '" + words[words.length - 1] + "' '" + words[words.length - 2]
                + "' 2>/dev/null; echo \"${COMPREPLY[*]}\"";
        Process bash = new ProcessBuilder("bash", "-c", shell)
                .redirectErrorStream(true)
                .start();
        String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(bash.waitFor()).isZero();
        return out;
    }

    @Test
    void bashCompletesCommandsOptionsAndValues() throws Exception {
        Run run = Run.of("completion", "bash");
        assertThat(run.code()).as(run.stderr()).isZero();
        Path script = Files.writeString(tmp.resolve("deja.bash"), run.stdout());

        assertThat(complete(script, "deja b")).isEqualTo("build");
        assertThat(complete(script, "deja build --pu")).isEqualTo("--push");
        assertThat(complete(script, "deja wh")).isEqualTo("why");
        assertThat(complete(script, "deja env --format ").toLowerCase()).isEqualTo("dotenv compose json");
    }
}
