package dev.deja.cli;

import dev.deja.engine.bases.Bases;
import java.io.PrintWriter;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "lock",
        mixinStandardHelpOptions = true,
        description = {
            "Writes deja.lock: the digest of every base image (FROM, COPY --from, RUN --mount=from and named"
                    + " contexts from outside the repository) that the project's images use.",
            "Bases the lock already has keep their digest; new ones are resolved, unused ones dropped."
                    + " --update resolves them all again (a base whose tag moved upstream moves in the lock).",
            "With 'bases: lock' in deja.yaml every run takes bases from deja.lock and asks no registry for them:"
                    + " states are reproducible, offline commands give the online states, and a base moves only"
                    + " when a commit changes deja.lock.",
            "Prints one line per base that was added, moved or dropped."
        },
        footerHeading = "%nExamples:%n",
        footer = {"  deja lock", "  deja lock --update", "  git diff deja.lock"})
final class LockCommand implements Callable<Integer> {

    @Option(names = "--update", description = "Resolve every base again, not only those the lock lacks.")
    boolean update;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Bases.LockChange change = ProjectContext.deja(spec).lock(update);
        PrintWriter out = spec.commandLine().getOut();
        Map<String, String> before = change.before();
        Map<String, String> after = change.after();
        int said = 0;
        for (String base : new TreeSet<>(union(before, after))) {
            String was = before.get(base);
            String now = after.get(base);
            if (was == null) {
                out.println("added   " + base + " " + now);
            } else if (now == null) {
                out.println("dropped " + base + " " + was + " (no image uses it)");
            } else if (!was.equals(now)) {
                out.println("moved   " + base + " " + was + " -> " + now);
            } else {
                continue;
            }
            said++;
        }
        out.println(change.file().getFileName() + ": " + after.size() + (after.size() == 1 ? " base" : " bases")
                + (change.written() ? ", " + said + " changed" : ", unchanged"));
        out.flush();
        return ExitCodes.OK;
    }

    private static TreeSet<String> union(Map<String, String> a, Map<String, String> b) {
        TreeSet<String> all = new TreeSet<>(a.keySet());
        all.addAll(b.keySet());
        return all;
    }
}
