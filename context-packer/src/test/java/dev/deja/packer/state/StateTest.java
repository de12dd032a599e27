package dev.deja.packer.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.deja.packer.InputException;
import dev.deja.packer.TestTree;
import dev.deja.packer.context.ContextCollector;
import dev.deja.packer.context.ContextEntry;
import dev.deja.packer.context.ContextSpec;
import dev.deja.packer.context.ContextTar;
import dev.deja.packer.context.EntryType;
import dev.deja.packer.context.PackedContext;
import dev.deja.packer.context.TarDigests;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state rules of docs/design.md: what changes the state and what must not. */
class StateTest {

    private static final byte[] DOCKERFILE = "FROM base\nCOPY . /app\n".getBytes(StandardCharsets.UTF_8);
    private static final BuildInputs INPUTS = BuildInputs.of("Dockerfile", Map.of("A", "1"), "", List.of(), Map.of());

    @TempDir
    Path tmp;

    private static void sample(TestTree t) {
        t.file("app/Dockerfile", "FROM base\n")
                .file("app/.dockerignore", "*.log\n")
                .file("app/src/main.py", "print('hi')\n")
                .executable("app/run.sh", "#!/bin/sh\n")
                .file("app/debug.log", "noise\n")
                .file("lib/util.py", "x = 1\n")
                .symlink("app/link", "src/main.py");
    }

    private static ContextSpec spec(Path root) {
        return new ContextSpec(root, "app", "app/Dockerfile", List.of("lib"), List.of());
    }

    private static PackedContext pack(Path root) {
        return ContextCollector.collect(spec(root), DOCKERFILE);
    }

    private static State state(Path root, BuildInputs inputs) {
        return State.compute(new ContentHasher(2).digests(pack(root)), inputs);
    }

    private static State state(Path root) {
        return state(root, INPUTS);
    }

    private TestTree fresh(String name) {
        TestTree t = new TestTree(tmp.resolve(name));
        sample(t);
        return t;
    }

    private State changed(Consumer<TestTree> change) {
        TestTree t = fresh("changed-" + System.nanoTime());
        change.accept(t);
        return state(t.root());
    }

    /**
     * The encoding is a published format (docs/state.md): these inputs must give this state on every version of
     * deja that writes {@value State#FORMAT}. A change here is a new format, never a fix. (The digests were also
     * computed by a separate implementation written from docs/state.md alone: platforms sorted, each field
     * {@code <length>:<bytes>}.)
     */
    @Test
    void theEncodingOfFormatOneIsPinned() {
        List<EntryDigest> entries = List.of(
                new EntryDigest("Dockerfile", EntryType.FILE, 0644, "", "ab".repeat(32)),
                new EntryDigest("bin", EntryType.DIRECTORY, 0755, "", ""),
                new EntryDigest("bin/run", EntryType.FILE, 0755, "", "cd".repeat(32)),
                new EntryDigest("caf\u00e9 \ud83d\ude00", EntryType.SYMLINK, 0777, "bin/run", ""));
        BuildInputs inputs = BuildInputs.of(
                "Dockerfile",
                Map.of("B", "2", "A", "1"),
                "prod",
                List.of("linux/arm64", "linux/amd64"),
                Map.of("base", "ef".repeat(32)));
        assertThat(State.compute(entries, inputs).digest())
                .isEqualTo("20d15f9ddf61952cb082b1b80e2ade86099bec42d98ac133d04d0e2d30aa9aea");
        assertThat(State.entriesDigest(entries))
                .isEqualTo("6ec65ebc2f03e09706b6e9774a707396ee5bb5d7e8ca35af8f5acc1814fd663f");
    }

    /**
     * The entries are encoded in place, not field by field: the bytes must be the fields' all the same, across the
     * encoder's buffer boundaries, for modes of any number of octal digits, lengths of any number of decimal digits
     * and paths that are not ASCII.
     */
    @Test
    void entriesEncodedInPlaceAreTheFieldsTheyStandFor() {
        List<EntryDigest> entries = new ArrayList<>();
        int[] modes = {0, 07, 0644, 0755, 04755, 0100644, -1};
        EntryType[] types = EntryType.values();
        for (int i = 0; i < 3_000; i++) {
            String path = "d/" + "x".repeat(i % 300) + i + (i % 7 == 0 ? "/caf\u00e9 \ud83d\ude00" : "");
            EntryType type = types[i % types.length];
            entries.add(new EntryDigest(
                    path,
                    type,
                    modes[i % modes.length],
                    i % 5 == 0 ? "../" + path : "",
                    type == EntryType.FILE ? String.format("%064x", i) : ""));
        }
        State.Encoder byFields = new State.Encoder();
        byFields.field("entries").number(entries.size());
        for (EntryDigest entry : entries) {
            byFields.field(String.valueOf(entry.type().code()))
                    .field(Integer.toOctalString(entry.mode()))
                    .field(entry.path())
                    .field(entry.linkTarget())
                    .field(entry.contentSha256());
        }
        assertThat(State.entriesDigest(entries))
                .isEqualTo(java.util.HexFormat.of().formatHex(byFields.finish()));
    }

    @Test
    void sameContentAnywhereGivesTheSameState() {
        State reference = state(fresh("a").root());

        // Another path, other mtimes, other permission bits (another umask), created in the reverse order.
        TestTree b = new TestTree(tmp.resolve("deeper/other-checkout"));
        b.symlink("app/link", "src/main.py")
                .file("lib/util.py", "x = 1\n")
                .file("app/debug.log", "different noise, ignored\n")
                .executable("app/run.sh", "#!/bin/sh\n")
                .file("app/src/main.py", "print('hi')\n")
                .file("app/.dockerignore", "*.log\n")
                .file("app/Dockerfile", "FROM base\n");
        b.chmod("app/src/main.py", "rw-------")
                .chmod("lib/util.py", "rw-rw-rw-")
                .chmod("app/run.sh", "rwx------");
        b.touch("app/src/main.py", 1_000_000L).touch("lib/util.py", 2_000_000_000_000L);

        assertThat(state(b.root())).isEqualTo(reference);
    }

    @Test
    void everyRealChangeGivesANewState() {
        State reference = state(fresh("ref").root());
        assertThat(changed(t -> t.file("app/src/main.py", "print('hi!')\n")))
                .as("changed byte")
                .isNotEqualTo(reference);
        assertThat(changed(t -> t.chmod("app/src/main.py", "rwxr--r--")))
                .as("exec bit")
                .isNotEqualTo(reference);
        assertThat(changed(t -> t.file("app/src/new.py", ""))).as("new file").isNotEqualTo(reference);
        assertThat(changed(t -> t.delete("app/src/main.py").file("app/src/renamed.py", "print('hi')\n")))
                .as("renamed file")
                .isNotEqualTo(reference);
        assertThat(changed(t -> t.dir("app/empty"))).as("new empty folder").isNotEqualTo(reference);
        assertThat(changed(t -> t.file("lib/util.py", "x = 2\n")))
                .as("included file")
                .isNotEqualTo(reference);
        assertThat(changed(t -> t.delete("app/link").symlink("app/link", "src")))
                .as("link target")
                .isNotEqualTo(reference);
        assertThat(changed(t -> t.file("app/.dockerignore", "*.log\n*.tmp\n")))
                .as("ignore file itself")
                .isNotEqualTo(reference);
    }

    @Test
    void otherBuildInputsGiveNewStates() {
        Path root = fresh("inputs").root();
        State reference = state(root);
        assertThat(state(root, BuildInputs.of("Dockerfile", Map.of("A", "2"), "", List.of(), Map.of())))
                .as("build arg")
                .isNotEqualTo(reference);
        assertThat(state(root, BuildInputs.of("Dockerfile", Map.of("A", "1"), "runtime", List.of(), Map.of())))
                .as("target")
                .isNotEqualTo(reference);
        assertThat(state(root, BuildInputs.of("Dockerfile", Map.of("A", "1"), "", List.of("linux/arm64"), Map.of())))
                .as("platform")
                .isNotEqualTo(reference);
        assertThat(state(root, BuildInputs.of("Dockerfile", Map.of("A", "1"), "", List.of(), Map.of("base", "x"))))
                .as("parent state")
                .isNotEqualTo(reference);
        assertThat(state(root, BuildInputs.of("Dockerfile", Map.of("A", "1"), "", List.of("b/x", "a/y"), Map.of())))
                .as("platform order does not matter")
                .isEqualTo(state(
                        root, BuildInputs.of("Dockerfile", Map.of("A", "1"), "", List.of("a/y", "b/x"), Map.of())));
    }

    @Test
    void aChangeToAnIgnoredFileKeepsTheState() {
        State reference = state(fresh("ign").root());
        assertThat(changed(t -> t.file("app/debug.log", "other noise"))).isEqualTo(reference);
        assertThat(changed(t -> t.file("app/more.log", "new noise"))).isEqualTo(reference);
        assertThat(changed(t -> t.file("unrelated/file.txt", "outside the context")))
                .isEqualTo(reference);
    }

    @Test
    void argumentEncodingIsUnambiguous() {
        Path root = fresh("enc").root();
        assertThat(state(root, BuildInputs.of("Dockerfile", Map.of("A", "1B=2"), "", List.of(), Map.of())))
                .isNotEqualTo(
                        state(root, BuildInputs.of("Dockerfile", Map.of("A", "1", "B", "2"), "", List.of(), Map.of())));
    }

    @Test
    void tagIsAValidOciTag() {
        State state = state(fresh("tag").root());
        assertThat(state.tag())
                .matches("[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}")
                .startsWith("s1-")
                .hasSize(43);
        assertThat(State.isStateTag(state.tag())).isTrue();
        assertThat(State.isStateTag("0123456789012345678901234567890123456789")).isFalse();
    }

    @Test
    void whatIsHashedIsWhatIsSent() throws IOException {
        Path root = fresh("sent").root();
        PackedContext context = pack(root);
        byte[] tar = tar(context);
        State fromTar = State.compute(TarDigests.read(tar), INPUTS);
        assertThat(fromTar).isEqualTo(state(root));
        // Any change to any entry of that tar is seen.
        List<EntryDigest> entries = TarDigests.read(tar);
        for (int i = 0; i < entries.size(); i++) {
            List<EntryDigest> altered = new ArrayList<>(entries);
            EntryDigest e = entries.get(i);
            altered.set(i, new EntryDigest(e.path(), e.type(), e.mode() ^ 0100, e.linkTarget(), e.contentSha256()));
            assertThat(State.compute(altered, INPUTS))
                    .as("mode of %s", e.path())
                    .isNotEqualTo(fromTar);
        }
    }

    @Test
    void tarIsByteForByteDeterministic() throws IOException {
        byte[] first = tar(pack(fresh("det1").root()));
        TestTree other = fresh("det2");
        other.touch("app/src/main.py", 42_000L).chmod("lib/util.py", "rw-------");
        assertThat(tar(pack(other.root()))).isEqualTo(first);
    }

    @Test
    void tarHeadersCarryNothingOfTheMachine() throws IOException {
        TestTree t = fresh("hdr");
        String longName = "app/" + "very-long-folder-name/".repeat(6) + "file.txt";
        t.file(longName, "long").file("app/ünïcödé-名前.txt", "utf8");
        byte[] tar = tar(pack(t.root()));
        List<TarArchiveEntry> headers = TarDigests.headers(tar);
        assertThat(headers)
                .extracting(TarArchiveEntry::getName)
                .contains(longName.substring(4), "ünïcödé-名前.txt", "src/", "link", "lib/util.py");
        for (TarArchiveEntry h : headers) {
            assertThat(h.getLongUserId()).isZero();
            assertThat(h.getLongGroupId()).isZero();
            assertThat(h.getUserName()).isEmpty();
            assertThat(h.getGroupName()).isEmpty();
            assertThat(h.getLastModifiedTime().toMillis()).isZero();
            assertThat(h.getExtraPaxHeaders().keySet()).doesNotContain("atime", "ctime", "mtime");
            int mode = h.getMode() & 07777;
            if (h.isDirectory()) {
                assertThat(mode).isEqualTo(0755);
            } else if (h.isSymbolicLink()) {
                assertThat(h.getLinkName()).isEqualTo("src/main.py");
            } else {
                assertThat(mode).isIn(0644, 0755);
            }
        }
        assertThat(headers.stream()
                                .filter(h -> h.getName().equals("run.sh"))
                                .findFirst()
                                .orElseThrow()
                                .getMode()
                        & 0777)
                .isEqualTo(0755);
        // Entries are sorted, parents before children.
        List<String> names = headers.stream().map(TarArchiveEntry::getName).toList();
        assertThat(names.indexOf("src/")).isLessThan(names.indexOf("src/main.py"));
        // Names are carried in PAX headers, not truncated.
        assertThat(new String(tar, StandardCharsets.ISO_8859_1)).contains("path=");
    }

    @Test
    void dockerfileSpecificIgnoreFileWins() {
        TestTree t = fresh("specific");
        t.file("app/Dockerfile.dockerignore", "src\n");
        List<String> paths =
                pack(t.root()).entries().stream().map(ContextEntry::path).toList();
        assertThat(paths).doesNotContain("src/main.py").contains("debug.log");
    }

    @Test
    void configExcludesComeAfterTheIgnoreFile() {
        Path root = fresh("excl").root();
        ContextSpec spec = new ContextSpec(root, "app", "app/Dockerfile", List.of(), List.of("src", "!debug.log"));
        List<String> paths = ContextCollector.collect(spec, DOCKERFILE).entries().stream()
                .map(ContextEntry::path)
                .toList();
        assertThat(paths).contains("debug.log", "run.sh", "Dockerfile").doesNotContain("src/main.py", "src");
    }

    @Test
    void ignoredDockerfileIsStillSentAndIgnoredFoldersAreSkipped() {
        TestTree t = fresh("ignored-df");
        t.file("app/.dockerignore", "Dockerfile\nsrc\n");
        PackedContext context = pack(t.root());
        assertThat(context.entries())
                .extracting(ContextEntry::path)
                .contains("Dockerfile")
                .doesNotContain("src");
        assertThat(context.dockerfile()).isEqualTo("Dockerfile");
    }

    @Test
    void includesLandAtTheirRepoPath() {
        List<String> paths = pack(fresh("inc").root()).entries().stream()
                .map(ContextEntry::path)
                .toList();
        assertThat(paths).contains("lib", "lib/util.py");
    }

    @Test
    void dockerfileOutsideTheContextLandsAtItsRepoPath() {
        TestTree t = fresh("outside");
        t.file("docker/app.Dockerfile", "FROM base\n");
        ContextSpec spec = new ContextSpec(t.root(), "app", "docker/app.Dockerfile", List.of(), List.of());
        PackedContext context = ContextCollector.collect(spec, DOCKERFILE);
        assertThat(context.dockerfile()).isEqualTo("docker/app.Dockerfile");
        assertThat(context.entries()).extracting(ContextEntry::path).contains("docker", "docker/app.Dockerfile");
    }

    /** BuildKit sends a link as a link, wherever it points: so does deja, and never reads what it points at. */
    @Test
    void linksThatPointOutsideAreStoredAsLinks() {
        TestTree t = fresh("escape");
        t.symlink("app/up", "../../outside");
        t.symlink("app/abs", "/etc/passwd");
        List<ContextEntry> entries = pack(t.root()).entries();
        assertThat(entries)
                .filteredOn(e -> e.path().equals("up") || e.path().equals("abs"))
                .extracting(ContextEntry::type, ContextEntry::linkTarget)
                .containsExactlyInAnyOrder(
                        tuple(EntryType.SYMLINK, "/etc/passwd"), tuple(EntryType.SYMLINK, "../../outside"));
    }

    @Test
    void symlinkToAFolderIsNotFollowed() {
        TestTree t = fresh("dirlink");
        t.symlink("app/lib-link", "../lib");
        List<ContextEntry> entries = pack(t.root()).entries();
        assertThat(entries)
                .filteredOn(e -> e.path().startsWith("lib-link"))
                .singleElement()
                .satisfies(e -> assertThat(e.type()).isEqualTo(EntryType.SYMLINK));
    }

    @Test
    void includeLeavingTheRepositoryIsAnError() {
        Path root = fresh("incleave").root();
        ContextSpec spec = new ContextSpec(root, "app", "app/Dockerfile", List.of("../x"), List.of());
        assertThatThrownBy(() -> ContextCollector.collect(spec, DOCKERFILE))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("leaves the project root");
    }

    @Test
    void includeCollidingWithAContextFileIsAnError() {
        TestTree t = fresh("collide");
        t.file("app/lib/util.py", "other\n");
        assertThatThrownBy(() -> pack(t.root()))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("lib/util.py");
    }

    @Test
    void hashingUsesBoundedBuffersAndSeveralThreads() {
        TestTree t = fresh("many");
        for (int i = 0; i < 300; i++) {
            t.file("app/gen/f" + i + ".txt", "content " + i);
        }
        PackedContext context = pack(t.root());
        assertThat(new ContentHasher(4).digests(context)).isEqualTo(new ContentHasher(1).digests(context));
    }

    @Test
    void pathOrderIsUtf8ByteOrder() {
        List<String> paths =
                new ArrayList<>(List.of("a", "a.txt", "a/b", "\uE000", "\uD83D\uDE00", "z", "\u00e9", "A"));
        List<String> byBytes = new ArrayList<>(paths);
        byBytes.sort((x, y) ->
                Arrays.compareUnsigned(x.getBytes(StandardCharsets.UTF_8), y.getBytes(StandardCharsets.UTF_8)));
        paths.sort(ContextCollector::compareUtf8);
        assertThat(paths).isEqualTo(byBytes);
    }

    private static byte[] tar(PackedContext context) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ContextTar.write(context, out);
        return out.toByteArray();
    }

    @Test
    void readFailuresSayWhyInWords() {
        assertThat(InputException.reason(new AccessDeniedException("/repo/secret")))
                .isEqualTo("permission denied");
        assertThat(InputException.reason(new NoSuchFileException("/repo/gone"))).isEqualTo("no such file or folder");
    }

    @Test
    void theFileCountLeavesOutFoldersAndLinks() {
        TestTree t = fresh("counted");
        t.symlink("app/counted-link", "main.sh");
        PackedContext context = pack(t.root());
        assertThat(context.size().files())
                .isEqualTo((int) context.entries().stream()
                        .filter(e -> e.type() == EntryType.FILE)
                        .count())
                .isLessThan(context.entries().size());
        assertThat(context.size().bytes())
                .isEqualTo(
                        context.entries().stream().mapToLong(ContextEntry::size).sum())
                .isPositive();
    }

    /**
     * A context placed in a walk holds the walk's entries (the same objects) but for a few: its state with the walk's
     * encoding copied is the state of encoding every entry, whatever it replaced, added or left out, wherever.
     */
    @Test
    void aStateFromAWalksEncodingIsTheStateOfItsEntries() {
        java.util.Random random = new java.util.Random(7);
        List<EntryDigest> walk = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            String path = "d" + random.nextInt(40) + "/" + (i % 5 == 0 ? "caf\u00e9-" : "f") + i;
            walk.add(new EntryDigest(path, EntryType.FILE, 0644, "", "%064x".formatted(random.nextLong())));
        }
        walk.sort((a, b) -> ContextCollector.compareUtf8(a.path(), b.path()));
        EncodedEntries encoded = EncodedEntries.of(walk);

        List<List<EntryDigest>> placed = new ArrayList<>();
        placed.add(walk);
        placed.add(List.of());
        placed.add(walk.stream()
                .map(e -> new EntryDigest(e.path(), e.type(), e.mode(), "", e.contentSha256()))
                .toList());
        for (int at : new int[] {0, 1, 1500, 2999}) {
            List<EntryDigest> replaced = new ArrayList<>(walk);
            EntryDigest old = walk.get(at);
            replaced.set(at, new EntryDigest(old.path(), old.type(), old.mode(), "", "0".repeat(64)));
            placed.add(replaced);
            List<EntryDigest> added = new ArrayList<>(walk);
            added.add(at, new EntryDigest(old.path() + "-folder-", EntryType.DIRECTORY, 0755, "", ""));
            placed.add(added);
            List<EntryDigest> left = new ArrayList<>(walk);
            left.remove(at);
            placed.add(left);
        }
        List<EntryDigest> several = new ArrayList<>(walk.subList(10, 2000));
        several.add(0, new EntryDigest("", EntryType.DIRECTORY, 0755, "", ""));
        several.set(700, new EntryDigest(several.get(700).path(), EntryType.FILE, 0755, "", "1".repeat(64)));
        several.add(new EntryDigest("\uffff-last", EntryType.SYMLINK, 0777, "d1", ""));
        placed.add(several);

        for (List<EntryDigest> entries : placed) {
            assertThat(State.compute(entries, encoded, INPUTS))
                    .as("%d entries", entries.size())
                    .isEqualTo(State.compute(entries, INPUTS));
        }
        assertThat(State.compute(placed.get(3), encoded, INPUTS))
                .as("a replaced entry counts")
                .isNotEqualTo(State.compute(walk, encoded, INPUTS));
    }
}
