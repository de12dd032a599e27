package dev.deja.cli;

import dev.deja.cli.format.PlanFormat;
import dev.deja.engine.Deja;
import dev.deja.engine.pack.PackedImage;
import dev.deja.engine.project.ImageDefinition;
import dev.deja.engine.project.Project;
import dev.deja.packer.AtomicFile;
import dev.deja.packer.context.ContextEntry;
import dev.deja.packer.context.ContextTar;
import dev.deja.packer.context.EntryType;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "context",
        mixinStandardHelpOptions = true,
        description = {
            "Writes the build context of one image as the tar deja sends to the builder: the context"
                    + " folder, its includes, minus .dockerignore and excludes, with the Dockerfile's references to"
                    + " other images of the repo rewritten to their exact states.",
            "The tar is deterministic: the same content gives the same bytes anywhere."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  deja context service1 --list",
            "  deja context service1 -o service1.tar",
            "  deja context service1 -o - | docker buildx build -f service1/Dockerfile -"
        })
final class ContextCommand implements Callable<Integer> {

    @Parameters(paramLabel = "IMAGE", description = "The image.")
    String image;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FILE",
            description = "Write the tar to FILE ('-' for standard output). Nothing is written on error.")
    String output;

    @Option(names = "--list", description = "List the entries (type, mode, size, path) instead of writing a tar.")
    boolean list;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (output == null && !list) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "say where the tar goes: -o FILE, -o -" + " for standard output, or --list to see its entries");
        }
        Deja deja = ProjectContext.deja(spec);
        PackedImage packed = deja.context(image);
        String name = packed.name();
        List<String> unresolved = packed.inputs().unresolvedBases();
        if (!unresolved.isEmpty()) {
            spec.commandLine()
                    .getErr()
                    .println("deja: warning: base images not resolved (deja context asks no registry): "
                            + String.join(", ", unresolved)
                            + "; the Dockerfile names them by tag and the state is marked unresolved"
                            + " ('bases: lock' with 'deja lock' pins them offline)");
        }
        if (list) {
            PrintWriter out = spec.commandLine().getOut();
            for (ContextEntry entry : packed.context().entries()) {
                out.printf(
                        "%s %04o %10s  %s%s%n",
                        entry.type().code(),
                        entry.mode(),
                        entry.type() == EntryType.FILE ? PlanFormat.humanBytes(entry.size()) : "-",
                        printable(entry.path()),
                        entry.type() == EntryType.SYMLINK ? " -> " + printable(entry.linkTarget()) : "");
            }
            out.printf(
                    "# %s: state %s%s, Dockerfile %s%n",
                    name,
                    packed.state().tag(),
                    unresolved.isEmpty() ? "" : " (unresolved)",
                    printable(packed.context().dockerfile()));
            ImageDefinition definition = deja.graph().project().byName().get(name);
            if (definition.context().isEmpty()) {
                List<String> leftOut = Project.LEFT_OUT.stream()
                        .filter(file -> !definition.include().contains(file))
                        .sorted()
                        .toList();
                out.printf(
                        "# left out of the context at the project root: %s (include: [.git] in deja.yaml adds one)%n",
                        String.join(", ", leftOut));
            }
            out.flush();
        }
        if (output != null) {
            if (output.equals("-")) {
                spec.commandLine().getOut().flush();
                OutputStream stdout =
                        new BufferedOutputStream(((DejaCommand) spec.root().userObject()).stdout, 1 << 16);
                ContextTar.write(packed.context(), stdout);
                stdout.flush();
            } else {
                writeAtomically(Path.of(output), packed);
            }
        }
        return ExitCodes.OK;
    }

    /** A half-written tar would look like a context; write beside the target and rename. */
    private static void writeAtomically(Path target, PackedImage packed) throws IOException {
        AtomicFile.write(target, out -> ContextTar.write(packed.context(), out));
    }

    /** A name as a terminal can show it: control characters as {@code \n}, {@code \t} or {@code \xNN}. */
    static String printable(String name) {
        StringBuilder out = new StringBuilder();
        for (char c : name.toCharArray()) {
            if (c == '\n') {
                out.append("\\n");
            } else if (c == '\t') {
                out.append("\\t");
            } else if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", (int) c));
            } else if (c == '\\') {
                out.append("\\\\");
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
