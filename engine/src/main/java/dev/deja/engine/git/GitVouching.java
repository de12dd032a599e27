package dev.deja.engine.git;

import dev.deja.engine.exec.Cancellation;
import dev.deja.engine.exec.Parallel;
import dev.deja.engine.exec.ProcessRunner;
import dev.deja.packer.context.ContextCollector;
import dev.deja.packer.context.RepoPath;
import dev.deja.packer.state.BlobKey;
import dev.deja.packer.state.FileStamp;
import dev.deja.packer.state.State;
import dev.deja.packer.state.VouchedTree;
import dev.deja.packer.state.Vouching;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The files git vouches for, read once per run in the background from the moment the project is loaded (four git
 * commands, none of which reads a file's content unless git's own racy-timestamp rule makes it): the index's blob of
 * every tracked regular file ({@code ls-files -s}), minus what {@code status} finds modified in the work tree, minus
 * what attributes convert on checkout (a {@code filter} such as git-lfs, {@code ident}, {@code working-tree-encoding},
 * {@code eol=crlf}; all of it when {@code core.autocrlf=true} or {@code core.eol=crlf}), minus the entries git does not
 * look at in the work tree (assume-unchanged, skip-worktree); and what it does not track ({@code ls-files --others
 * --directory}). Submodules, conflicts and untracked files are never vouched for; symlinks only in a whole
 * {@link #tree}. Anything git cannot tell (not a checkout, git missing, a command failing) vouches for nothing: deja
 * then reads every file, as before.
 *
 * <p>A file is trusted as git saw it: one whose content changed while its size, mtime, ctime and inode stayed the
 * same (which no tool can do to a ctime) is as invisible to deja as to {@code git status}.
 */
public final class GitVouching implements Vouching {

    private static final Set<String> REGULAR_MODES = Set.of("100644", "100755");
    private static final String SYMLINK_MODE = "120000";

    /**
     * What git said, at {@code checkedAtNanos}: the blob of every regular file it vouches for, by repository path
     * (from the top), and its whole index in its own order (by the paths' bytes) for {@link #tree}.
     *
     * @param wholeTrees whether git's word covers exec bits and symlinks too ({@code core.fileMode} and
     *                   {@code core.symlinks} not false)
     */
    private record Index(
            Path root,
            String rootPrefix,
            Map<String, Blob> blobs,
            List<Tracked> tracked,
            boolean wholeTrees,
            long checkedAtNanos) {}

    private record Blob(String id, int mode) {}

    /** One index entry: {@code vouched} when git reports it clean, unconverted, and as the work tree has it. */
    private record Tracked(String path, String mode, String id, boolean vouched) {}

    /**
     * Files a run reads before git is asked: a few edits in a developer's checkout cost less to hash than {@code git
     * status} of a whole monorepo; a fresh clone has thousands unknown by their stamps.
     */
    static final int UNKNOWN_BEFORE_ASKING = 64;

    private final Supplier<Optional<Index>> reader;
    private final Supplier<Optional<List<String>>> untrackedReader;
    private final AtomicInteger unknown = new AtomicInteger();
    private CompletableFuture<Optional<Index>> index;
    private CompletableFuture<Optional<List<String>>> untracked;

    private GitVouching(Supplier<Optional<Index>> reader, Supplier<Optional<List<String>>> untrackedReader) {
        this.reader = reader;
        this.untrackedReader = untrackedReader;
    }

    /**
     * Git's word on the checkout that holds {@code root}, read from now on in the background (a run asks it about
     * every context it packs).
     */
    public static Vouching of(Path root, Map<String, String> environment) {
        GitVouching vouching = new GitVouching(() -> read(root, environment), () -> untracked(root));
        vouching.index();
        vouching.untracked();
        return vouching;
    }

    private synchronized CompletableFuture<Optional<List<String>>> untracked() {
        if (untracked == null) {
            untracked = Parallel.ahead("deja-git-untracked", untrackedReader);
        }
        return untracked;
    }

    private synchronized CompletableFuture<Optional<Index>> index() {
        if (index == null) {
            index = Parallel.ahead("deja-git-index", reader::get);
        }
        return index;
    }

    @Override
    public Optional<VouchedTree> tree(List<String> roots) {
        CompletableFuture<Optional<List<String>>> others = untracked();
        Optional<Index> known = Parallel.get(index());
        if (known.isEmpty() || !known.get().wholeTrees()) {
            return Optional.empty();
        }
        Index i = known.get();
        MessageDigest key = State.sha256();
        for (String root : roots) {
            List<Tracked> under = trackedUnder(i, root);
            if (under.isEmpty()) {
                return Optional.empty();
            }
            for (Tracked entry : under) {
                if (!entry.vouched()) {
                    return Optional.empty();
                }
                String path = entry.path().substring(i.rootPrefix().length());
                for (String field : new String[] {entry.mode(), entry.id(), path}) {
                    key.update(field.getBytes(StandardCharsets.UTF_8));
                    key.update((byte) 0);
                }
            }
            key.update((byte) '/');
        }
        Optional<List<String>> notTracked = Parallel.get(others);
        if (notTracked.isEmpty()) {
            return Optional.empty();
        }
        List<String> under = notTracked.get().stream()
                .filter(path -> roots.stream()
                        .anyMatch(root -> RepoPath.isWithin(path, root)
                                || RepoPath.isWithin(
                                        root, path.endsWith("/") ? path.substring(0, path.length() - 1) : path)))
                .toList();
        return Optional.of(new VouchedTree(HexFormat.of().formatHex(key.digest()), under));
    }

    /** The index entries at {@code root} (a file) or below it (a folder), {@code root} from the project root. */
    private static List<Tracked> trackedUnder(Index i, String root) {
        String prefix = root.isEmpty() ? i.rootPrefix() : i.rootPrefix() + root + "/";
        List<Tracked> tracked = i.tracked();
        List<Tracked> under = new ArrayList<>();
        if (!root.isEmpty()) {
            int at = first(tracked, i.rootPrefix() + root);
            if (at < tracked.size() && tracked.get(at).path().equals(i.rootPrefix() + root)) {
                under.add(tracked.get(at));
            }
        }
        for (int at = first(tracked, prefix);
                at < tracked.size() && tracked.get(at).path().startsWith(prefix);
                at++) {
            under.add(tracked.get(at));
        }
        return under;
    }

    /** The position of the first entry not before {@code path} (the index is sorted by the paths' bytes). */
    private static int first(List<Tracked> tracked, String path) {
        int low = 0;
        int high = tracked.size();
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (ContextCollector.compareUtf8(tracked.get(middle).path(), path) < 0) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }

    @Override
    public boolean ready() {
        return unknown.get() < UNKNOWN_BEFORE_ASKING || index().isDone();
    }

    @Override
    public BlobKey blob(Path source, FileStamp stamp) {
        if (unknown.incrementAndGet() <= UNKNOWN_BEFORE_ASKING) {
            return null;
        }
        Optional<Index> known = Parallel.get(index());
        if (known.isEmpty() || stamp == null) {
            return null;
        }
        Index i = known.get();
        if (stamp.mtimeNanos() >= i.checkedAtNanos() || stamp.ctimeNanos() >= i.checkedAtNanos()) {
            return null;
        }
        if (!source.startsWith(i.root())) {
            return null;
        }
        String relative = i.root().relativize(source).toString();
        Blob blob = i.blobs().get(i.rootPrefix() + relative);
        return blob == null ? null : new BlobKey(blob.id(), stamp.size(), blob.mode());
    }

    private static Optional<Index> read(Path root, Map<String, String> environment) {
        Optional<Path> top = Git.topLevel(root);
        if (top.isEmpty()) {
            return Optional.empty();
        }
        String rootPrefix;
        try {
            Path relative = top.get().toRealPath().relativize(root.toRealPath());
            rootPrefix = relative.toString().isEmpty() ? "" : relative + "/";
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
        Path dir = top.get();
        Map<String, String> core = coreSettings(dir);
        if (convertsLineEndings(core) || looksAtLessThanEveryStat(core)) {
            return Optional.empty();
        }
        // -v tags each entry: 'H' for a plain one; assume-unchanged (lower case) and skip-worktree ('S') entries are
        // ones whose work-tree file git does not look at, so it cannot vouch for them.
        String staged = Git.run(dir, "ls-files", "--stage", "-v", "-z");
        if (staged == null) {
            return Optional.empty();
        }
        Map<String, Blob> blobs = new HashMap<>();
        List<Tracked> entries = new ArrayList<>();
        boolean attributes = false;
        for (String record : staged.split("\0")) {
            // <tag> SP <mode> SP <object> SP <stage> TAB <path>
            int tab = record.indexOf('\t');
            if (tab < 0) {
                continue;
            }
            String[] head = record.substring(0, tab).split(" ");
            String path = record.substring(tab + 1);
            attributes |= path.equals(".gitattributes") || path.endsWith("/.gitattributes");
            boolean plain = head.length == 4 && head[0].equals("H") && head[3].equals("0");
            String mode = head.length == 4 ? head[1] : "";
            // Until the status is read, "vouched" says only that the entry is a plain one.
            entries.add(new Tracked(path, mode, head.length == 4 ? head[2] : "", plain));
            if (plain && REGULAR_MODES.contains(mode)) {
                blobs.put(path, new Blob(head[2], Integer.parseInt(mode, 8)));
            }
        }
        Set<String> modified = new HashSet<>();
        long checkedAt = epochNanos();
        String status = Git.run(
                dir,
                "--no-optional-locks",
                "status",
                "--porcelain=v1",
                "-z",
                "--untracked-files=no",
                "--ignore-submodules=all");
        if (status == null) {
            return Optional.empty();
        }
        String[] records = status.split("\0");
        for (int r = 0; r < records.length; r++) {
            String record = records[r];
            if (record.length() < 4) {
                continue;
            }
            // XY SP <path>, and for a rename or copy one more record: the path it came from.
            char x = record.charAt(0);
            char y = record.charAt(1);
            if (y != ' ') {
                modified.add(record.substring(3));
            }
            if (x == 'R' || x == 'C' || y == 'R' || y == 'C') {
                r++;
            }
        }
        blobs.keySet().removeAll(modified);
        if (attributes || hasAttributesOutsideTheTree(dir, core, environment)) {
            Set<String> converted = converted(dir, blobs.keySet());
            if (converted == null) {
                return Optional.empty();
            }
            blobs.keySet().removeAll(converted);
        }
        List<Tracked> tracked = new ArrayList<>(entries.size());
        for (Tracked entry : entries) {
            String path = entry.path();
            boolean vouched = entry.vouched()
                    && (blobs.containsKey(path) || entry.mode().equals(SYMLINK_MODE) && !modified.contains(path));
            tracked.add(new Tracked(path, entry.mode(), entry.id(), vouched));
        }
        boolean wholeTrees = !"false".equalsIgnoreCase(core.get("core.filemode"))
                && !"false".equalsIgnoreCase(core.get("core.symlinks"));
        return Optional.of(new Index(
                root,
                rootPrefix,
                java.util.Collections.unmodifiableMap(blobs),
                List.copyOf(tracked),
                wholeTrees,
                checkedAt));
    }

    /**
     * What git does not track in the project (ignored files too), from the project root: a folder holding nothing
     * tracked is one path ending in {@code /}, and is not looked into.
     */
    private static Optional<List<String>> untracked(Path root) {
        String out = Git.run(root, "ls-files", "--others", "--directory", "-z", "--", ".");
        if (out == null) {
            return Optional.empty();
        }
        return Optional.of(out.isEmpty() ? List.of() : List.of(out.split("\0")));
    }

    /** The core settings that decide what git's word is worth, by lower-case name, in one git call. */
    private static Map<String, String> coreSettings(Path dir) {
        String out = Git.run(
                dir,
                "config",
                "--get-regexp",
                "^core\\.(autocrlf|eol|trustctime|checkstat|attributesfile|filemode|symlinks)$");
        Map<String, String> settings = new HashMap<>();
        if (out != null) {
            out.lines().forEach(line -> {
                int space = line.indexOf(' ');
                if (space > 0) {
                    settings.put(
                            line.substring(0, space).toLowerCase(java.util.Locale.ROOT), line.substring(space + 1));
                }
            });
        }
        return settings;
    }

    /** Whether checkout writes CRLF for text files whatever the attributes say. */
    private static boolean convertsLineEndings(Map<String, String> core) {
        return "true".equalsIgnoreCase(core.get("core.autocrlf")) || "crlf".equalsIgnoreCase(core.get("core.eol"));
    }

    /**
     * Whether git was told to ignore ctimes or most of the stat data: it could then call clean a file edited with
     * its mtime put back, which deja's own check would have caught.
     */
    private static boolean looksAtLessThanEveryStat(Map<String, String> core) {
        return "false".equalsIgnoreCase(core.get("core.trustctime"))
                || "minimal".equalsIgnoreCase(core.get("core.checkstat"));
    }

    /** Attributes from $GIT_DIR/info/attributes or the user's attributes file. */
    private static boolean hasAttributesOutsideTheTree(
            Path dir, Map<String, String> core, Map<String, String> environment) {
        String info = Git.line(dir, "rev-parse", "--git-path", "info/attributes");
        if (info != null && dir.resolve(info).toFile().isFile()) {
            return true;
        }
        if (core.containsKey("core.attributesfile")) {
            return true;
        }
        String xdg = environment.get("XDG_CONFIG_HOME");
        String home = environment.get("HOME");
        Path user = xdg != null && !xdg.isEmpty()
                ? Path.of(xdg, "git", "attributes")
                : home == null ? null : Path.of(home, ".config", "git", "attributes");
        return user != null && user.toFile().isFile();
    }

    /** The paths whose bytes an attribute changes on checkout; {@code null} when git cannot say. */
    private static Set<String> converted(Path dir, Set<String> paths) {
        List<String> command = List.of(
                "git",
                "-C",
                dir.toString(),
                "check-attr",
                "-z",
                "--stdin",
                "filter",
                "ident",
                "working-tree-encoding",
                "eol");
        StringBuilder output = new StringBuilder();
        int code;
        try {
            code = new ProcessRunner(null, Cancellation.never())
                    .stream(
                            "git-check-attr",
                            command,
                            out -> {
                                for (String path : paths) {
                                    out.write(path.getBytes(StandardCharsets.UTF_8));
                                    out.write(0);
                                }
                            },
                            line -> output.append(line).append('\n'));
        } catch (ProcessRunner.ProcessException e) {
            return null;
        }
        if (code != 0) {
            return null;
        }
        // Lines were split at newlines and joined again with one: the output as git wrote it, plus a last newline.
        if (output.length() > 0) {
            output.setLength(output.length() - 1);
        }
        Set<String> converted = new HashSet<>();
        String[] fields = output.toString().split("\0");
        for (int f = 0; f + 2 < fields.length; f += 3) {
            String path = fields[f];
            String attribute = fields[f + 1];
            String value = fields[f + 2];
            boolean changes = attribute.equals("eol")
                    ? value.equals("crlf")
                    : !value.equals("unspecified") && !value.equals("unset");
            if (changes) {
                converted.add(path);
            }
        }
        return converted;
    }

    private static long epochNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** Every path (from the checkout's top) git vouches for (tests). */
    List<String> vouchedPaths() {
        return Parallel.get(index()).map(i -> List.copyOf(i.blobs().keySet())).orElse(List.of());
    }
}
