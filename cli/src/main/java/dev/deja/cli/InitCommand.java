package dev.deja.cli;

import dev.deja.engine.Deja;
import dev.deja.engine.config.ConfigException;
import dev.deja.engine.config.ConfigLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "init",
        mixinStandardHelpOptions = true,
        description = {
            "Writes the deja.yaml deja would use, for you to edit: images from the compose or bake file at the"
                    + " project root (named with from:, listed as comments), or else every Dockerfile of the"
                    + " checkout (listed, with the contexts deja inferred and the files it skipped as comments).",
            "Loading it back gives the same images and the same states."
        },
        footerHeading = "%nExamples:%n",
        footer = {"  deja init", "  deja init -o -            # print it instead", "  deja init --force"})
final class InitCommand implements Callable<Integer> {

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FILE",
            description = "Where to write it ('-' for standard output); default: deja.yaml at the project root.")
    String output;

    @Option(names = "--force", description = "Replace an existing file.")
    boolean force;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Deja deja = ProjectContext.drafting(spec);
        String text = deja.initialConfig();
        PrintWriter out = spec.commandLine().getOut();
        if ("-".equals(output)) {
            out.print(text);
            out.flush();
            return ExitCodes.OK;
        }
        Path root = deja.graph().project().root();
        Path file = output == null
                ? root.resolve(ConfigLoader.FILE_NAME)
                : Path.of(output).toAbsolutePath();
        if (Files.exists(file) && !force) {
            throw new ConfigException(file, "already exists: --force replaces it, -o - prints what would be written");
        }
        OutputFiles.write(file, text, false);
        int images = deja.graph().names().size();
        String from = deja.graph()
                .project()
                .source()
                .map(source -> " from " + source.describe(root))
                .orElse(" from the Dockerfiles of the checkout");
        out.println("wrote " + (file.startsWith(root) ? root.relativize(file) : file) + ": " + images + " image"
                + (images == 1 ? "" : "s") + from);
        out.flush();
        return ExitCodes.OK;
    }
}
