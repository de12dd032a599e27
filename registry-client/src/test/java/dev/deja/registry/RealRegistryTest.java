package dev.deja.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deja.registry.auth.CredentialSource;
import dev.deja.registry.auth.Credentials;
import dev.deja.registry.transport.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against the real registry (Debian's docker-registry 2.8) that scripts/test-env.sh starts. */
class RealRegistryTest {

    private TestRegistries registries;
    private RegistryClient client;
    private Repository repository;

    @BeforeEach
    void setUp() {
        registries = TestRegistries.require();
        client = RegistryClient.create(CredentialSource.anonymous(), Set.of());
        repository = Repository.parse(registries.plain() + "/deja-test/" + UUID.randomUUID());
    }

    @Test
    void existsReportsDigestTypeAndSizeAndMissingTagsAreEmpty() {
        Manifest manifest = TestImages.image(client, repository, "hello");
        client.putManifest(repository, "v1", manifest);
        ManifestDescriptor found = client.exists(repository, "v1").orElseThrow();
        assertThat(found.digest()).isEqualTo(manifest.digest());
        assertThat(found.mediaType()).isEqualTo(TestImages.SCHEMA2);
        assertThat(found.size()).isEqualTo(manifest.content().length);
        assertThat(client.exists(repository, "v2")).isEmpty();
        assertThat(client.exists(repository, manifest.digest())).isPresent();
        Repository missing = Repository.parse(registries.plain() + "/deja-test/never-pushed-" + UUID.randomUUID());
        assertThat(client.exists(missing, "v1")).isEmpty();
        assertThat(client.manifest(missing, "v1")).isEmpty();
        assertThat(TestRegistryOps.tags(client, missing, 10)).isEmpty();
    }

    @Test
    void retagByRawPutKeepsTheDigest() {
        Manifest manifest = TestImages.image(client, repository, "retag");
        client.putManifest(repository, "s1-state", manifest);
        Manifest stored = client.manifest(repository, "s1-state").orElseThrow();
        assertThat(stored.content()).isEqualTo(manifest.content());
        String digest = client.putManifest(repository, "commit-abc", stored);
        assertThat(digest).isEqualTo(manifest.digest());
        assertThat(client.exists(repository, "commit-abc").orElseThrow().digest())
                .isEqualTo(manifest.digest());
    }

    @Test
    void indexesAreStoredAndReportedAsIndexes() {
        Manifest child = TestImages.image(client, repository, "child");
        client.putManifest(repository, "child", child);
        Manifest index = TestImages.index(List.of(child));
        client.putManifest(repository, "multi", index);
        ManifestDescriptor found = client.exists(repository, "multi").orElseThrow();
        assertThat(found.mediaType()).isEqualTo(TestImages.OCI_INDEX);
        assertThat(found.digest()).isEqualTo(index.digest());
        assertThat(client.manifest(repository, "multi").orElseThrow().digest()).isEqualTo(index.digest());
    }

    @Test
    void copyToAnotherRepositoryMountsBlobsAndKeepsDigests() {
        Manifest manifest = TestImages.image(client, repository, "copy-me");
        client.putManifest(repository, "src", manifest);
        Repository target = Repository.parse(registries.plain() + "/deja-test/copy-" + UUID.randomUUID());
        String digest = client.copy(repository, target, "src", List.of("a", "b"));
        assertThat(digest).isEqualTo(manifest.digest());
        assertThat(client.exists(target, "a").orElseThrow().digest()).isEqualTo(manifest.digest());
        assertThat(client.exists(target, "b").orElseThrow().digest()).isEqualTo(manifest.digest());
        assertThat(client.manifest(target, "a").orElseThrow().content()).isEqualTo(manifest.content());
    }

    @Test
    void copyOfAnIndexCopiesEveryChild() {
        Manifest one = TestImages.image(client, repository, "one");
        Manifest two = TestImages.image(client, repository, "two");
        client.putManifest(repository, "one", one);
        client.putManifest(repository, "two", two);
        Manifest index = TestImages.index(List.of(one, two));
        client.putManifest(repository, "multi", index);
        Repository target = Repository.parse(registries.plain() + "/deja-test/copy-" + UUID.randomUUID());
        assertThat(client.copy(repository, target, "multi", List.of("multi"))).isEqualTo(index.digest());
        assertThat(client.exists(target, "multi").orElseThrow().mediaType()).isEqualTo(TestImages.OCI_INDEX);
        assertThat(client.exists(target, one.digest())).isPresent();
        assertThat(client.exists(target, two.digest())).isPresent();
    }

    @Test
    void tagListFollowsPagination() {
        Manifest manifest = TestImages.image(client, repository, "tags");
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            client.putManifest(repository, "t" + i, manifest);
            expected.add("t" + i);
        }
        assertThat(TestRegistryOps.tags(client, repository, 2)).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(TestRegistryOps.tags(client, repository, 100)).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void basicAuthWithTheRightPassword() {
        RegistryClient authed = RegistryClient.create(
                CredentialSource.of(Map.of(registries.authenticated(), registries.credentials())), Set.of());
        Repository repo = Repository.parse(registries.authenticated() + "/deja-test/" + UUID.randomUUID());
        Manifest manifest = TestImages.image(authed, repo, "secret");
        authed.putManifest(repo, "v1", manifest);
        assertThat(authed.exists(repo, "v1").orElseThrow().digest()).isEqualTo(manifest.digest());
    }

    @Test
    void wrongPasswordAndAnonymousAreRefusedWithoutLeakingTheSecret() {
        Repository repo = Repository.parse(registries.authenticated() + "/deja-test/" + UUID.randomUUID());
        String wrongSecret = "wrong-" + UUID.randomUUID();
        RegistryClient wrong = RegistryClient.create(
                CredentialSource.of(Map.of(registries.authenticated(), new Credentials("deja", wrongSecret))),
                Set.of());
        assertThatThrownBy(() -> wrong.exists(repo, "v1"))
                .isInstanceOf(RegistryException.class)
                .satisfies(e -> assertThat(((RegistryException) e).status()).isEqualTo(401))
                .satisfies(e -> assertThat(e.getMessage())
                        .doesNotContain(wrongSecret)
                        .doesNotContain(registries.credentials().secret()));
        RegistryClient anonymous = RegistryClient.create(CredentialSource.anonymous(), Set.of());
        assertThatThrownBy(() -> anonymous.exists(repo, "v1"))
                .isInstanceOf(RegistryException.class)
                .satisfies(e -> assertThat(((RegistryException) e).code()).isEqualTo("UNAUTHORIZED"));
    }

    @Test
    void unreachableRegistryIsAClearErrorAfterBoundedRetries() {
        int[] sleeps = {0};
        RegistryClient quick = new RegistryClient(
                new OkHttpClient(),
                CredentialSource.anonymous(),
                new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(2)),
                Set.of(),
                d -> sleeps[0]++);
        Repository nowhere = Repository.parse("127.0.0.1:1/deja-test/x");
        assertThatThrownBy(() -> quick.exists(nowhere, "v1"))
                .isInstanceOf(RegistryException.class)
                .satisfies(
                        e -> assertThat(((RegistryException) e).unreachable()).isTrue())
                .hasMessageContaining("after 3 tries");
        assertThat(sleeps[0]).isEqualTo(2);
    }

    @Test
    void referencesFollowDockerDefaults() {
        assertThat(Repository.parse("busybox")).isEqualTo(new Repository("registry-1.docker.io", "library/busybox"));
        assertThat(Repository.parse("127.0.0.1:5000/acme/base:tag"))
                .isEqualTo(new Repository("127.0.0.1:5000", "acme/base"));
    }
}
