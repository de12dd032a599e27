package dev.deja.engine.git;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One entry of {@code git status --porcelain=v1 -z}: {@code XY SP <path>}, and for a rename or copy one more record,
 * the path it came from.
 *
 * @param index    X: the index against the commit ({@code ' '}: unchanged)
 * @param workTree Y: the work tree against the index ({@code ' '}: unchanged)
 * @param path     from the checkout's top
 * @param from     the path renamed or copied from, {@code null} for none
 */
record StatusEntry(char index, char workTree, String path, String from) {

    /**
     * What {@code git status --porcelain=v1 -z} says in {@code dir} with {@code options}, without writing the index
     * (deja's runs never do: {@code --no-optional-locks}), reading the index {@code variables} name; {@code null}
     * when git cannot say.
     */
    static String ask(Path dir, Map<String, String> variables, String... options) {
        List<String> args = new ArrayList<>(List.of("--no-optional-locks", "status", "--porcelain=v1", "-z"));
        args.addAll(List.of(options));
        return Git.run(dir, variables, args.toArray(String[]::new));
    }

    /** The entries of git's output, in its order. */
    static List<StatusEntry> parse(String status) {
        List<StatusEntry> entries = new ArrayList<>();
        String[] records = status.split("\0");
        for (int r = 0; r < records.length; r++) {
            String record = records[r];
            if (record.length() < 4) {
                continue;
            }
            char x = record.charAt(0);
            char y = record.charAt(1);
            String from = null;
            if ((x == 'R' || x == 'C' || y == 'R' || y == 'C') && r + 1 < records.length) {
                from = records[++r];
            }
            entries.add(new StatusEntry(x, y, record.substring(3), from));
        }
        return entries;
    }
}
