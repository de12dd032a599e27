package dev.deja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;

/** A run registers only the command it runs; help, completion and the man page see them all. */
class CommandRegistrationTest {

    @Test
    void everyNameIsItsCommandsOwn() {
        for (Map.Entry<String, Class<?>> command : DejaCommand.COMMANDS.entrySet()) {
            assertThat(command.getValue().getAnnotation(Command.class).name())
                    .as(command.getValue().getSimpleName())
                    .isEqualTo(command.getKey());
        }
    }

    @Test
    void theCommandIsTheFirstArgumentThatIsNoOptionOfDejasNorItsValue() {
        assertThat(DejaCommand.commandsFor(new String[] {"-C", "build", "--registry", "plan", "state", "x"}))
                .containsExactly(StateCommand.class);
        assertThat(DejaCommand.commandsFor(new String[] {"--debug", "--registry=r", "build", "--push"}))
                .containsExactly(BuildCommand.class);
        for (List<String> all : List.of(
                List.<String>of(),
                List.of("--help"),
                List.of("help", "build"),
                List.of("completion", "bash"),
                List.of("man"),
                List.of("bild"),
                List.of("--version", "--help"),
                List.of("--version", "bild"))) {
            assertThat(DejaCommand.commandsFor(all.toArray(String[]::new)))
                    .as(all.toString())
                    .hasSize(DejaCommand.COMMANDS.size());
        }
    }

    @Test
    void theVersionAloneNeedsNoCommand() {
        assertThat(DejaCommand.commandsFor(new String[] {"--version"})).isEmpty();
        assertThat(DejaCommand.commandsFor(new String[] {"-V"})).isEmpty();
        Run version = Run.of("-V");
        assertThat(version.code()).isZero();
        assertThat(version.stdout()).startsWith("deja ");
        Run withHelp = Run.of("--version", "--help");
        assertThat(withHelp.code()).isZero();
        assertThat(withHelp.stdout()).as("help still lists the commands").contains("plan", "state", "build");
    }

    @Test
    void theAnnotationsReadAheadAreTheCommandsAndTheirMixins() {
        assertThat(AnnotationsAhead.read(List.of(DejaCommand.class, StateCommand.class)))
                .containsExactly(DejaCommand.class, StateCommand.class, SelectionOptions.class);
        assertThat(AnnotationsAhead.read(List.copyOf(DejaCommand.COMMANDS.values())))
                .containsAll(DejaCommand.COMMANDS.values());
    }

    @Test
    void anUnknownCommandIsStillExplainedWithTheList() {
        Run run = Run.of("bild");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.stderr()).contains("Unmatched argument").contains("build");
    }
}
