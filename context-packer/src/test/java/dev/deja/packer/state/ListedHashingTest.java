package dev.deja.packer.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deja.packer.TestTree;
import dev.deja.packer.context.ContextCollector;
import dev.deja.packer.context.ContextSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hashing a walk from a version control's listing: a listed file the cache does not know is read only when its stamp
 * is the one listed, and one that is not (changed since, or of 4 GiB or more, whose size git keeps in 32 bits) makes
 * the context walked after all, with the digests a walk gives.
 */
class ListedHashingTest {

    @TempDir
    Path tmp;

    private static final byte[] DOCKERFILE = "FROM scratch\n".getBytes(StandardCharsets.UTF_8);

    private static final String ID = "ab".repeat(20);

    /** A listing of {@code a.txt} alone, with {@code stamp} for it. */
    private static Vouching listing(FileStamp stamp) {
        Listing listing = new Listing() {
            @Override
            public int files() {
                return 1;
            }

            @Override
            public String path(int file) {
                return "a.txt";
            }

            @Override
            public boolean executable(int file) {
                return false;
            }

            @Override
            public FileStamp stamp(int file) {
                return stamp;
            }

            @Override
            public BlobKey blob(int file) {
                return new BlobKey(ID, stamp.size(), 0100644);
            }

            @Override
            public List<String> toLookAt() {
                return List.of("b.txt");
            }
        };
        return new Vouching() {
            @Override
            public BlobKey blob(Path source, FileStamp stamp) {
                return null;
            }

            @Override
            public Optional<Listing> listing(String root) {
                return Optional.of(listing);
            }
        };
    }

    /** As git's index keeps a stamp: 32 bits of each field. */
    private static FileStamp recorded(FileStamp now, long size) {
        return new FileStamp(size, now.mtimeNanos(), now.ctimeNanos(), now.inode() & 0xFFFFFFFFL, now.device());
    }

    private ContextSpec spec;
    /** The context's digests as a walk without a cache gives them. */
    private List<EntryDigest> walked;
    /** a.txt's stamp now. */
    private FileStamp now;

    private DigestCache cache;
    private final List<String> debug = new ArrayList<>();

    @BeforeEach
    void context() throws Exception {
        Path root = tmp.resolve("ctx");
        new TestTree(root).file("a.txt", "twelve bytes").file("b.txt", "untracked\n");
        spec = new ContextSpec(root, "", "Dockerfile", List.of(), List.of());
        walked = new ContentHasher(1).digests(ContextCollector.collect(spec, DOCKERFILE));
        now = FileStamp.read(root.resolve("a.txt"));
        cache = DigestCache.open(tmp.resolve("cache/digests.bin"));
    }

    /** The walk of the context with a.txt listed at {@code size}, under {@code walkKey}: its digests. */
    private List<EntryDigest> walkListing(long size, String walkKey) {
        ContentHasher.Walked found =
                new ContentHasher(2, cache, listing(recorded(now, size)), debug::add).walk(spec, walkKey);
        return found.hashed().digests(ContextCollector.place(spec, found.walk(), DOCKERFILE));
    }

    @Test
    void aListedFileIsReadWhenItsStampIsTheOneListedAndItsBlobRecorded() {
        assertThat(walkListing(12, "key")).isEqualTo(walked);
        assertThat(debug)
                .containsExactly("context '.' listed from git's index: 1 files as git has them, 1 looked at on disk");
        assertThat(cache.lookup(new BlobKey(ID, 12, 0100644)))
                .as("recorded under its blob")
                .isEqualTo(walked.stream()
                        .filter(d -> d.path().equals("a.txt"))
                        .findFirst()
                        .orElseThrow()
                        .contentSha256());
    }

    @Test
    void aContextSmallWhenLastWalkedIsWalkedAgainNotListed() {
        cache.recordWalkSize("key", ContentHasher.SMALL_CONTEXT);
        assertThat(walkListing(12, "key")).isEqualTo(walked);
        assertThat(debug).as("walked, its new files read while git is asked").isEmpty();

        cache.recordWalkSize("bigger", ContentHasher.SMALL_CONTEXT + 1);
        walkListing(12, "bigger");
        assertThat(debug).singleElement().asString().contains("listed from git's index");
    }

    @Test
    void aListedFileNotAsListedMakesTheContextWalked() {
        // Listed at 7 bytes: read as listed, its first 7 bytes would be hashed, as a file of 4 GiB + 7 would be.
        assertThat(walkListing(7, "key")).isEqualTo(walked);
        assertThat(debug)
                .singleElement()
                .asString()
                .contains("walked after all")
                .contains("a.txt");
        assertThat(cache.lookup(new BlobKey(ID, 7, 0100644))).isNull();
    }
}
