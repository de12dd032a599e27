package dev.deja.packer.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deja.packer.TestTree;
import dev.deja.packer.context.ContextCollector;
import dev.deja.packer.context.ContextSpec;
import dev.deja.packer.context.PackedContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DigestCacheTest {

    private static final long MUCH_LATER = Long.MAX_VALUE / 2;
    private static final BuildInputs INPUTS = BuildInputs.of("Dockerfile", Map.of(), "", List.of(), Map.of());

    @TempDir
    Path tmp;

    private TestTree tree() {
        TestTree t = new TestTree(tmp.resolve("repo"))
                .file("app/Dockerfile", "FROM x\n")
                .file("app/a.txt", "aaa");
        t.touch("app/a.txt", 1_000_000L);
        return t;
    }

    private static List<EntryDigest> digests(TestTree t, DigestCache cache) {
        return digests(t, cache, Vouching.none());
    }

    private static List<EntryDigest> digests(TestTree t, DigestCache cache, Vouching vouching) {
        ContextSpec spec = new ContextSpec(t.root(), "app", "app/Dockerfile", List.of(), List.of());
        ContentHasher hasher = new ContentHasher(2, cache, vouching);
        try (ContentHasher.Session session = hasher.start()) {
            PackedContext context = ContextCollector.collect(spec, "FROM x\n".getBytes(), session::submit);
            return session.complete(context);
        }
    }

    private static String digestOf(List<EntryDigest> digests, String path) {
        return digests.stream()
                .filter(d -> d.path().equals(path))
                .findFirst()
                .orElseThrow()
                .contentSha256();
    }

    @Test
    void unchangedFilesAreNotReadAgainAndAChangedFileIs() {
        TestTree t = tree();
        Path file = tmp.resolve("cache.bin");
        DigestCache first = DigestCache.open(file, 0);
        String real = digestOf(digests(t, first), "a.txt");
        first.save();
        assertThat(file).exists();

        // Prove the second run uses the cache: a doctored cache entry with the same stamp wins over the file.
        DigestCache second = DigestCache.open(file, 0);
        FileStamp stamp = ContextCollector.collect(
                        new ContextSpec(t.root(), "app", "app/Dockerfile", List.of(), List.of()), new byte[0])
                .entries()
                .stream()
                .filter(e -> e.path().equals("a.txt"))
                .findFirst()
                .orElseThrow()
                .stamp();
        assertThat(second.lookup(t.path("app/a.txt"), stamp)).isEqualTo(real);
        String fake = "0".repeat(64);
        second.record(t.path("app/a.txt"), stamp, fake, MUCH_LATER);
        assertThat(digestOf(digests(t, second), "a.txt")).isEqualTo(fake);

        // A real change moves mtime/ctime (and maybe size): the file is read again.
        t.file("app/a.txt", "bbb");
        assertThat(digestOf(digests(t, second), "a.txt")).isNotEqualTo(fake).isNotEqualTo(real);
    }

    @Test
    void racyFilesAreNotRecorded() {
        TestTree t = tree().file("app/fresh.txt", "just written");
        DigestCache cache = DigestCache.open(tmp.resolve("cache.bin"));
        digests(t, cache);
        FileStamp fresh = ContextCollector.collect(
                        new ContextSpec(t.root(), "app", "app/Dockerfile", List.of(), List.of()), new byte[0])
                .entries()
                .stream()
                .filter(e -> e.path().equals("fresh.txt"))
                .findFirst()
                .orElseThrow()
                .stamp();
        assertThat(cache.lookup(t.path("app/fresh.txt"), fresh))
                .as("written < 2 s ago: racy")
                .isNull();
    }

    @Test
    void cachedAndUncachedStatesAreEqual() {
        TestTree t = tree();
        DigestCache cache = DigestCache.open(tmp.resolve("cache.bin"), 0);
        State cold = State.compute(digests(t, DigestCache.none()), INPUTS);
        assertThat(State.compute(digests(t, cache), INPUTS)).isEqualTo(cold);
        cache.save();
        DigestCache reopened = DigestCache.open(tmp.resolve("cache.bin"), 0);
        assertThat(State.compute(digests(t, reopened), INPUTS)).isEqualTo(cold);
    }

    @Test
    void damagedCacheFileIsIgnored() throws IOException {
        Path file = tmp.resolve("cache.bin");
        Files.write(file, new byte[] {0, 14, 'd', 'e', 'j', 'a', '-', 'd', 'i', 'g', 'e', 's', 't', 's', '/', '1', 0});
        TestTree t = tree();
        State cold = State.compute(digests(t, DigestCache.none()), INPUTS);
        assertThat(State.compute(digests(t, DigestCache.open(file)), INPUTS)).isEqualTo(cold);
        Files.writeString(file, "garbage");
        assertThat(State.compute(digests(t, DigestCache.open(file)), INPUTS)).isEqualTo(cold);
    }

    @Test
    void aVouchedFileIsKnownByItsBlobInAnotherCheckoutAndRecordedOnlyFromAReadOfTheBlob() throws IOException {
        TestTree t = tree();
        Path file = tmp.resolve("cache.bin");
        BlobKey blob = new BlobKey("a1".repeat(20), 3, 0100644);
        Vouching vouchesForA = (source, stamp) -> source.endsWith("a.txt") ? blob : null;
        DigestCache first = DigestCache.open(file, 0);
        String real = digestOf(digests(t, first, vouchesForA), "a.txt");
        assertThat(first.lookup(blob)).as("recorded under its blob").isEqualTo(real);
        first.save();

        // Another checkout: new paths, new stamps; only the blob can say. A doctored entry proves it is asked.
        TestTree clone = new TestTree(tmp.resolve("clone"))
                .file("app/Dockerfile", "FROM x\n")
                .file("app/a.txt", "aaa");
        assertThat(digestOf(digests(clone, DigestCache.open(file, 0), vouchesForA), "a.txt"))
                .isEqualTo(real);
        DigestCache doctored = DigestCache.open(file, 0);
        String fake = "0".repeat(64);
        doctored.record(blob, fake);
        assertThat(digestOf(digests(clone, doctored, vouchesForA), "a.txt")).isEqualTo(fake);
        assertThat(digestOf(digests(clone, DigestCache.open(file, 0), Vouching.none()), "a.txt"))
                .as("not vouched for: read")
                .isEqualTo(real);
    }

    @Test
    void aDamagedOrForeignFileIsIgnoredWithOneWarningAndAnOlderVersionsSilently() throws IOException {
        Path file = tmp.resolve("cache.bin");
        TestTree t = tree();
        State cold = State.compute(digests(t, DigestCache.none()), INPUTS);
        List<String> warnings = new java.util.ArrayList<>();
        Files.writeString(file, "garbage that is no cache");
        DigestCache damaged = DigestCache.open(file, warnings::add);
        assertThat(State.compute(digests(t, damaged), INPUTS)).isEqualTo(cold);
        assertThat(warnings)
                .singleElement()
                .asString()
                .contains("is damaged or not deja's")
                .doesNotContain("(null)");

        warnings.clear();
        Files.write(file, new byte[] {0, 14, 'd', 'e', 'j', 'a', '-', 'd', 'i', 'g', 'e', 's', 't', 's', '/', '1', 0});
        assertThat(State.compute(digests(t, DigestCache.open(file, warnings::add)), INPUTS))
                .isEqualTo(cold);
        assertThat(warnings).as("deja's own older format").isEmpty();
    }

    @Test
    void aStateKnownByAContextKeyIsSavedAndTheCacheSaysItKnowsThatContextBeforeTheOtherInputsAreKnown()
            throws IOException {
        Path file = tmp.resolve("cache.bin");
        State state = State.compute(digests(tree(), DigestCache.none()), INPUTS);
        String contextKey = "0123456789abcdef".repeat(4);
        String key = State.knownStateKey(contextKey, "FROM x\n".getBytes(), INPUTS);
        assertThat(key).hasSize(64).startsWith(State.knownStatePrefix(contextKey));
        assertThat(State.knownStateKey(contextKey, "FROM y\n".getBytes(), INPUTS))
                .as("the Dockerfile as sent is in the key")
                .isNotEqualTo(key);

        DigestCache first = DigestCache.open(file, 0);
        assertThat(first.knowsStatesStartingWith(State.knownStatePrefix(contextKey)))
                .isFalse();
        first.record(key, new KnownState(state, 1, 3));
        first.save();

        DigestCache second = DigestCache.open(file, 0);
        assertThat(second.knownState(key)).contains(new KnownState(state, 1, 3));
        assertThat(second.knowsStatesStartingWith(State.knownStatePrefix(contextKey)))
                .isTrue();
        assertThat(second.knowsStatesStartingWith(State.knownStatePrefix("f".repeat(64))))
                .isFalse();
    }

    @Test
    void whatACheckOfTheSourcesFoundIsSavedWithTheStateAndAStateNotCheckedStaysSo() throws IOException {
        Path file = tmp.resolve("cache.bin");
        State state = State.compute(digests(tree(), DigestCache.none()), INPUTS);
        KnownState unchecked = new KnownState(state, 2, 5);
        KnownState clean = unchecked.withSources(new KnownState.CheckedSources("ab".repeat(32), List.of()));
        KnownState twoAbsent = unchecked.withSources(new KnownState.CheckedSources("cd".repeat(32), List.of(0, 3)));
        DigestCache first = DigestCache.open(file, 0);
        first.record("01".repeat(32), unchecked);
        first.record("02".repeat(32), clean);
        first.record("03".repeat(32), twoAbsent);
        first.save();

        DigestCache second = DigestCache.open(file, 0);
        assertThat(second.knownState("01".repeat(32))).contains(unchecked);
        assertThat(second.knownState("02".repeat(32))).contains(clean);
        assertThat(second.knownState("03".repeat(32))).contains(twoAbsent);
        assertThat(twoAbsent).as("what was found is part of what is known").isNotEqualTo(clean);
    }

    @Test
    void aWalksSizeIsKeptForTheNextRunAndNotWrittenAgainForAFileMoreOrLess() throws IOException {
        Path file = tmp.resolve("cache.bin");
        String walk = "ab".repeat(32);
        DigestCache first = DigestCache.open(file, 0);
        assertThat(first.walkSize(walk)).isZero();
        first.recordWalkSize(walk, 50_000);
        first.save();

        DigestCache second = DigestCache.open(file, 0);
        assertThat(second.walkSize(walk)).isEqualTo(50_000);
        assertThat(second.walkSize("cd".repeat(32))).isZero();
        long written = Files.getLastModifiedTime(file).toMillis();
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(written - 10_000));
        second.recordWalkSize(walk, 50_001);
        second.save();
        assertThat(Files.getLastModifiedTime(file).toMillis())
                .as("a file more: nothing to write")
                .isEqualTo(written - 10_000);
        second.recordWalkSize(walk, 80_000);
        second.save();
        assertThat(DigestCache.open(file, 0).walkSize(walk)).isEqualTo(80_000);
        assertThat(DigestCache.none().walkSize(walk)).isZero();
    }

    @Test
    void aCacheThatCannotBeWrittenIsOneWarningNotAnError() throws IOException {
        Path folder = Files.createDirectories(tmp.resolve("cache"));
        List<String> warnings = new java.util.ArrayList<>();
        DigestCache cache = DigestCache.open(folder.resolve("cache.bin"), warnings::add);
        digests(tree(), cache);
        cache.record("ab".repeat(32), new KnownState(new State("cd".repeat(32)), 1, 1));
        Files.delete(folder);
        Files.writeString(folder, "a file where the cache's folder was");
        cache.save();
        assertThat(warnings)
                .singleElement()
                .asString()
                .contains("cache/cache.bin cannot be written (")
                .contains("cache is a file, not a folder); the next run reads the files again");

        // A file that cannot be read is said once, not again when it cannot be written either.
        warnings.clear();
        DigestCache unreadable = DigestCache.open(folder.resolve("cache.bin"), warnings::add);
        unreadable.record("ab".repeat(32), new KnownState(new State("cd".repeat(32)), 1, 1));
        unreadable.save();
        assertThat(warnings).singleElement().asString().contains("cannot be read (Not a directory)");
    }

    @Test
    void knownStatesAreKeptAndADamageFoundInTheStampsLaterIsStillOneWarning() throws IOException {
        Path file = tmp.resolve("cache.bin");
        TestTree t = tree();
        State cold = State.compute(digests(t, DigestCache.none()), INPUTS);
        String key = "ab".repeat(32);
        DigestCache first = DigestCache.open(file, 0);
        first.record(key, new KnownState(cold, 3, 42));
        digests(t, first);
        first.save();
        assertThat(DigestCache.open(file, 0).knownState(key)).contains(new KnownState(cold, 3, 42));
        assertThat(DigestCache.open(file, 0).knownState("cd".repeat(32))).isEmpty();

        // Cut inside the stamps, which are read only when a walk asks: the known states before them still load.
        byte[] whole = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(whole, whole.length - 10));
        List<String> warnings = new java.util.ArrayList<>();
        DigestCache damaged = DigestCache.open(file, warnings::add);
        assertThat(damaged.knownState(key)).contains(new KnownState(cold, 3, 42));
        assertThat(warnings).isEmpty();
        assertThat(State.compute(digests(t, damaged), INPUTS)).isEqualTo(cold);
        assertThat(warnings).singleElement().asString().contains("is damaged or not deja's");
    }

    @Test
    void blobsNoRunAskedForAreKeptByteForByteWhenTheFileIsWrittenAgain() throws IOException {
        Path file = tmp.resolve("cache.bin");
        BlobKey blob = new BlobKey("b2".repeat(20), 7, 0100755);
        DigestCache first = DigestCache.open(file, 0);
        first.record(blob, "12".repeat(32));
        first.save();

        DigestCache second = DigestCache.open(file, 0);
        second.record("ab".repeat(32), new KnownState(new State("cd".repeat(32)), 1, 7));
        second.save();

        DigestCache third = DigestCache.open(file, 0);
        assertThat(third.lookup(blob)).isEqualTo("12".repeat(32));
        assertThat(third.knownState("ab".repeat(32))).isPresent();
    }

    @Test
    void blobsFromTheFileAreKnownByTheirWholeIdSizeAndModeAndSurviveARunThatRecordsMore() throws IOException {
        Path file = tmp.resolve("cache.bin");
        // Ids that share their first four bytes (the table's hash) and differ after, and one id at two modes.
        BlobKey one = new BlobKey("aaaaaaaa" + "01".repeat(16), 5, 0100644);
        BlobKey two = new BlobKey("aaaaaaaa" + "02".repeat(16), 5, 0100644);
        BlobKey twoExecutable = new BlobKey(two.id(), 5, 0100755);
        DigestCache first = DigestCache.open(file, 0);
        first.record(one, "11".repeat(32));
        first.record(two, "22".repeat(32));
        first.record(twoExecutable, "33".repeat(32));
        first.save();

        DigestCache second = DigestCache.open(file, 0);
        assertThat(second.lookup(one)).isEqualTo("11".repeat(32));
        assertThat(second.lookup(two)).isEqualTo("22".repeat(32));
        assertThat(second.lookup(twoExecutable)).isEqualTo("33".repeat(32));
        assertThat(second.lookup(new BlobKey("aaaaaaaa" + "03".repeat(16), 5, 0100644)))
                .isNull();
        assertThat(second.lookup(new BlobKey(one.id(), 6, 0100644)))
                .as("another size")
                .isNull();
        assertThat(second.lookup(new BlobKey(one.id().toUpperCase(java.util.Locale.ROOT), 5, 0100644)))
                .isNull();
        BlobKey three = new BlobKey("bbbbbbbb" + "03".repeat(16), 9, 0100644);
        second.record(three, "44".repeat(32));
        second.save();

        DigestCache third = DigestCache.open(file, 0);
        assertThat(third.lookup(one)).isEqualTo("11".repeat(32));
        assertThat(third.lookup(twoExecutable)).isEqualTo("33".repeat(32));
        assertThat(third.lookup(three)).isEqualTo("44".repeat(32));
    }

    @Test
    void entriesFromTheFileAndThisRunsSurviveSavesWhateverTheirPathsBytes() {
        Path file = tmp.resolve("cache.bin");
        FileStamp one = new FileStamp(3, 1, 1, 7, 8);
        FileStamp two = new FileStamp(4, 2, 2, 7, 8);
        String a = "a".repeat(64);
        String b = "b".repeat(64);
        DigestCache first = DigestCache.open(file, 0);
        for (String name : List.of("plain.txt", "été.txt", "日本.txt", "kept.txt")) {
            first.record(tmp.resolve(name), one, a, MUCH_LATER);
        }
        first.save();
        DigestCache second = DigestCache.open(file, 0);
        for (String name : List.of("plain.txt", "été.txt", "日本.txt", "kept.txt")) {
            assertThat(second.lookup(tmp.resolve(name), one)).as(name).isEqualTo(a);
            assertThat(second.lookup(tmp.resolve(name), two))
                    .as(name + ", another stamp")
                    .isNull();
        }
        second.record(tmp.resolve("plain.txt"), two, b, MUCH_LATER);
        second.record(tmp.resolve("日本.txt"), two, b, MUCH_LATER);
        second.save();
        DigestCache third = DigestCache.open(file, 0);
        assertThat(third.lookup(tmp.resolve("plain.txt"), two)).isEqualTo(b);
        assertThat(third.lookup(tmp.resolve("plain.txt"), one)).as("replaced").isNull();
        assertThat(third.lookup(tmp.resolve("日本.txt"), two)).isEqualTo(b);
        assertThat(third.lookup(tmp.resolve("été.txt"), one)).isEqualTo(a);
        assertThat(third.lookup(tmp.resolve("kept.txt"), one)).isEqualTo(a);
    }

    /**
     * A file written again holds each path and each blob once: the entries a run records again replace the file's,
     * those it does not record are copied as they lie, and it neither grows nor loses any over runs.
     */
    @Test
    void entriesRecordedAgainReplaceTheFilesAndTheRestAreCopiedAsTheyLie() throws IOException {
        Path file = tmp.resolve("cache.bin");
        List<String> names = List.of("a.txt", "été.txt", "b.txt", "日本.txt", "c.txt");
        List<BlobKey> blobs = List.of(
                new BlobKey("a1".repeat(20), 1, 0100644),
                new BlobKey("b2".repeat(20), 2, 0100644),
                new BlobKey("c3".repeat(20), 3, 0100755));
        DigestCache first = DigestCache.open(file, 0);
        for (String name : names) {
            first.record(tmp.resolve(name), new FileStamp(1, 1, 1, 1, 1), "01".repeat(32), MUCH_LATER);
        }
        blobs.forEach(blob -> first.record(blob, "01".repeat(32)));
        first.save();
        long size = Files.size(file);

        for (int run = 2; run <= 4; run++) {
            DigestCache next = DigestCache.open(file, 0);
            String digest = String.format("%02x", run).repeat(32);
            FileStamp stamp = new FileStamp(1, run, run, 1, 1);
            if (run == 3) {
                // The file's stamps indexed by a question (the walk's): the replaced ones are found in the index.
                assertThat(next.lookup(tmp.resolve("a.txt"), new FileStamp(1, 1, 1, 1, 1)))
                        .isNotNull();
            }
            // One ASCII path and one that is not, the middle blob and the last: each recorded again.
            next.record(tmp.resolve("b.txt"), stamp, digest, MUCH_LATER);
            next.record(tmp.resolve("日本.txt"), stamp, digest, MUCH_LATER);
            next.record(blobs.get(1), digest);
            next.record(blobs.get(2), digest);
            next.save();
            assertThat(Files.size(file)).as("after run " + run).isEqualTo(size);

            DigestCache read = DigestCache.open(file, 0);
            assertThat(read.lookup(tmp.resolve("b.txt"), stamp)).isEqualTo(digest);
            assertThat(read.lookup(tmp.resolve("日本.txt"), stamp)).isEqualTo(digest);
            for (String kept : List.of("a.txt", "été.txt", "c.txt")) {
                assertThat(read.lookup(tmp.resolve(kept), new FileStamp(1, 1, 1, 1, 1)))
                        .as(kept)
                        .isEqualTo("01".repeat(32));
            }
            assertThat(read.lookup(blobs.get(0))).isEqualTo("01".repeat(32));
            assertThat(read.lookup(blobs.get(1))).isEqualTo(digest);
            assertThat(read.lookup(blobs.get(2))).isEqualTo(digest);
        }
    }

    /** Over its limit, a file written again leaves out its oldest stamps and blobs first, and keeps this run's. */
    @Test
    void overItsLimitTheFilesOldestEntriesAreLeftOutFirst() throws IOException {
        Path file = tmp.resolve("cache.bin");
        FileStamp stamp = new FileStamp(1, 1, 1, 1, 1);
        // Two runs: old-1's entries lie before old-2's in the file.
        for (String name : List.of("old-1", "old-2")) {
            DigestCache run = DigestCache.open(file, 0);
            run.record(tmp.resolve(name), stamp, "01".repeat(32), MUCH_LATER);
            run.record(blob(name), "01".repeat(32));
            run.save(3);
        }
        DigestCache third = DigestCache.open(file, 0);
        for (String name : List.of("new-1", "new-2")) {
            third.record(tmp.resolve(name), stamp, "02".repeat(32), MUCH_LATER);
            third.record(blob(name), "02".repeat(32));
        }
        third.save(3);

        DigestCache read = DigestCache.open(file, 0);
        assertThat(read.lookup(tmp.resolve("old-1"), stamp)).as("the oldest").isNull();
        assertThat(read.lookup(blob("old-1"))).as("the oldest").isNull();
        assertThat(read.lookup(tmp.resolve("old-2"), stamp)).isEqualTo("01".repeat(32));
        assertThat(read.lookup(blob("old-2"))).isEqualTo("01".repeat(32));
        for (String name : List.of("new-1", "new-2")) {
            assertThat(read.lookup(tmp.resolve(name), stamp)).as(name).isEqualTo("02".repeat(32));
            assertThat(read.lookup(blob(name))).as(name).isEqualTo("02".repeat(32));
        }
    }

    /** A blob id of its own for each name. */
    private static BlobKey blob(String name) {
        return new BlobKey(String.format("%040x", new java.math.BigInteger(1, name.getBytes())), 1, 0100644);
    }
}
