package dev.deja.engine.git;

import dev.deja.engine.exec.Parallel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tree ids the commit ({@code HEAD}) has at folders of its checkout, asked of git for just those folders: the
 * folders a run announces in one {@code ls-tree}, any other one on its own. (A recursive listing of every tree reads
 * all of them: in a fresh clone they lie all over the pack, and git mapped 280 MB of a 926 MB one to list 5,000.)
 */
final class CommittedTrees {

    private final Path top;
    private final Map<String, CompletableFuture<Optional<String>>> asked = new ConcurrentHashMap<>();

    /** @param top the checkout's top: folders are paths from it, {@code ""} the top itself */
    CommittedTrees(Path top) {
        this.top = top;
    }

    /** Starts asking git, in the background and in one command, for the folders not asked for yet. */
    void lookUp(Collection<String> folders) {
        List<String> fresh = new ArrayList<>();
        Map<String, CompletableFuture<Optional<String>>> answers = new HashMap<>();
        for (String folder : folders) {
            CompletableFuture<Optional<String>> answer = new CompletableFuture<>();
            if (asked.putIfAbsent(folder, answer) == null) {
                fresh.add(folder);
                answers.put(folder, answer);
            }
        }
        if (fresh.isEmpty()) {
            return;
        }
        Parallel.ahead("deja-git-trees", () -> {
            Map<String, String> found = Map.of();
            try {
                found = read(top, fresh);
            } finally {
                for (String folder : fresh) {
                    answers.get(folder).complete(Optional.ofNullable(found.get(folder)));
                }
            }
            return found.size();
        });
    }

    /** The commit's tree id at {@code folder}; empty when the commit has no folder there (or git cannot say). */
    Optional<String> of(String folder) {
        lookUp(List.of(folder));
        return Parallel.get(asked.get(folder));
    }

    private static Map<String, String> read(Path top, List<String> folders) {
        Map<String, String> trees = new HashMap<>();
        if (folders.contains("")) {
            String root = Git.line(top, "rev-parse", "--verify", "--quiet", "HEAD^{tree}");
            if (root != null) {
                trees.put("", root);
            }
        }
        // A folder given with one below it is not listed (ls-tree shows where it descends to): one command per depth
        // of nesting among the folders asked, none of which holds another (mostly one).
        Map<Integer, List<String>> byNesting = new TreeMap<>();
        for (String folder : folders) {
            if (!folder.isEmpty()) {
                long above = folders.stream()
                        .filter(other -> !other.isEmpty() && folder.startsWith(other + "/"))
                        .count();
                byNesting.computeIfAbsent((int) above, n -> new ArrayList<>()).add(folder);
            }
        }
        for (List<String> group : byNesting.values()) {
            List<String> command =
                    new ArrayList<>(List.of("--literal-pathspecs", "ls-tree", "-d", "-z", "--full-tree", "HEAD", "--"));
            command.addAll(group);
            String out = Git.run(top, command.toArray(String[]::new));
            if (out == null) {
                continue;
            }
            for (String line : out.split("\0")) {
                // <mode> SP tree SP <id> TAB <path>
                int tab = line.indexOf('\t');
                int idStart = line.lastIndexOf(' ', tab) + 1;
                if (tab > 0 && idStart > 0 && line.startsWith("tree", line.indexOf(' ') + 1)) {
                    trees.put(line.substring(tab + 1), line.substring(idStart, tab));
                }
            }
        }
        return trees;
    }
}
