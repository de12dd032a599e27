package dev.deja.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deja.registry.auth.Credentials;
import dev.deja.registry.auth.DockerConfigCredentials;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker config.json's {@code credHelpers} and {@code credsStore}, read through Jib, with a real credential helper
 * program (docker-credential-deja-test) answering for the htpasswd registry, and the registry checking the result.
 */
class CredentialHelperTest {

    @TempDir
    Path config;

    private TestRegistries registries;
    private Path helperLog;

    @BeforeEach
    void setUp() throws Exception {
        registries = TestRegistries.require();
        Path bin = Path.of("target", "test-bin").toAbsolutePath();
        Assumptions.assumeTrue(
                System.getenv("PATH").startsWith(bin.toString()),
                "surefire puts target/test-bin first on PATH (see registry-client/pom.xml)");
        Files.createDirectories(bin);
        helperLog = config.resolve("helper.log");
        Path helper = bin.resolve("docker-credential-deja-test");
        // The docker-credential-helpers protocol: "get" reads the server URL on stdin, answers JSON or fails. Jib
        // starts helpers with the JVM's own environment, so what this one answers comes from a file beside it.
        Files.writeString(
                helper,
                "#!/bin/sh\n"
                        + ". \"$(dirname \"$0\")/deja-test-helper.conf\"\n"
                        + "echo \"$*\" >> \"$HELPER_LOG\"\n"
                        + "[ \"$1\" = get ] || exit 1\n"
                        + "read -r server\n"
                        + "echo \"$server\" >> \"$HELPER_LOG\"\n"
                        + "if [ \"$server\" = \"$HELPER_REGISTRY\" ]; then\n"
                        + "  printf '{\"ServerURL\":\"%s\",\"Username\":\"%s\",\"Secret\":\"%s\"}\\n' \"$server\""
                        + " \"$HELPER_USER\" \"$HELPER_SECRET\"\n"
                        + "else\n  echo 'credentials not found in native keychain'; exit 1\nfi\n");
        Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** The helper answers {@code secret} for the htpasswd registry; deja reads config.json from here. */
    private Map<String, String> environment(String secret) throws IOException {
        Files.writeString(
                Path.of("target", "test-bin", "deja-test-helper.conf"),
                "HELPER_LOG='" + helperLog
                        + "'\nHELPER_REGISTRY='" + registries.authenticated() + "'\nHELPER_USER='"
                        + registries.credentials().username() + "'\nHELPER_SECRET='" + secret + "'\n");
        return Map.of("DOCKER_CONFIG", config.toString(), "PATH", System.getenv("PATH"));
    }

    private void assertTheRegistryAccepts(Map<String, String> environment) {
        DockerConfigCredentials credentials = new DockerConfigCredentials(environment);
        assertThat(credentials.forRegistry(registries.authenticated()))
                .as(() -> {
                    try {
                        return "helper log: "
                                + (Files.exists(helperLog) ? Files.readString(helperLog) : "(never called)");
                    } catch (IOException e) {
                        return e.toString();
                    }
                })
                .get()
                .extracting(Credentials::username)
                .isEqualTo(registries.credentials().username());
        RegistryClient client = RegistryClient.create(credentials, Set.of());
        assertThat(client.exists(Repository.parse(registries.authenticated() + "/helper-test"), "missing"))
                .isEmpty();
    }

    @Test
    void aCredHelperForTheRegistryIsAskedAndItsCredentialsWork() throws Exception {
        Files.writeString(
                config.resolve("config.json"),
                "{\"credHelpers\": {\"" + registries.authenticated() + "\": \"deja-test\"}}");
        assertTheRegistryAccepts(environment(registries.credentials().secret()));
        assertThat(Files.readString(helperLog)).contains(registries.authenticated());
    }

    @Test
    void theCredsStoreIsAskedWhenNoHelperNamesTheRegistry() throws Exception {
        Files.writeString(config.resolve("config.json"), "{\"credsStore\": \"deja-test\"}");
        assertTheRegistryAccepts(environment(registries.credentials().secret()));
    }

    @Test
    void aHelperWithAWrongSecretEndsInAClearRefusalWithoutTheSecret() throws Exception {
        Files.writeString(
                config.resolve("config.json"),
                "{\"credHelpers\": {\"" + registries.authenticated() + "\": \"deja-test\"}}");
        RegistryClient client =
                RegistryClient.create(new DockerConfigCredentials(environment("not-the-secret-42")), Set.of());
        assertThatThrownBy(() -> client.exists(Repository.parse(registries.authenticated() + "/helper-test"), "x"))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("401")
                .hasMessageContaining("deja offered the credentials of "
                        + registries.credentials().username() + " from docker-credential-deja-test")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("not-the-secret-42"));
    }

    /**
     * A credsStore that has nothing for the registry: Jib takes the file's own auths entry, and the refusal names the
     * file, not the helper.
     */
    @Test
    void credentialsTheHelperDidNotGiveAreSaidToComeFromTheFile() throws Exception {
        Map<String, String> environment = environment("x");
        Files.writeString(
                Path.of("target", "test-bin", "deja-test-helper.conf"),
                "HELPER_LOG='" + helperLog + "'\nHELPER_REGISTRY='elsewhere.example.com'\n");
        String auth = Base64.getEncoder()
                .encodeToString(
                        (registries.credentials().username() + ":not-the-secret-43").getBytes(StandardCharsets.UTF_8));
        Files.writeString(
                config.resolve("config.json"),
                "{\"credsStore\": \"deja-test\", \"auths\": {\"" + registries.authenticated() + "\": {\"auth\": \""
                        + auth + "\"}}}");
        assertThatThrownBy(() -> RegistryClient.create(new DockerConfigCredentials(environment), Set.of())
                        .exists(Repository.parse(registries.authenticated() + "/helper-test"), "x"))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("401")
                .hasMessageContaining("deja offered the credentials of "
                        + registries.credentials().username() + " from " + config.resolve("config.json"))
                .satisfies(e -> assertThat(e.getMessage())
                        .doesNotContain("not-the-secret-43")
                        .doesNotContain("docker-credential-deja-test"));
        assertThat(Files.readString(helperLog)).contains("get");
    }

    /** A config.json copied from a desktop into CI names a helper that is not there: the refusal says so. */
    @Test
    void aRefusalSaysWhyNoCredentialsWereOffered() throws Exception {
        Map<String, String> environment = environment("x");
        Files.writeString(config.resolve("config.json"), "{\"credsStore\": \"deja-not-installed\"}");
        assertThatThrownBy(() -> RegistryClient.create(new DockerConfigCredentials(environment), Set.of())
                        .exists(Repository.parse(registries.authenticated() + "/helper-test"), "x"))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("401")
                .hasMessageContaining(config.resolve("config.json") + " names the credential helper"
                        + " docker-credential-deja-not-installed for it, which is not installed");

        Files.writeString(config.resolve("config.json"), "{\"auths\": {\"elsewhere.example.com\": {}}}");
        assertThatThrownBy(() -> RegistryClient.create(new DockerConfigCredentials(environment), Set.of())
                        .exists(Repository.parse(registries.authenticated() + "/helper-test"), "x"))
                .hasMessageContaining("deja has no credentials for it in " + config.resolve("config.json")
                        + "; docker login " + registries.authenticated());
    }

    @Test
    void aConfigThatIsNotJsonIsSaidWithItsLineAndColumnButNotItsText() throws Exception {
        Files.writeString(config.resolve("config.json"), "{\"auths\": {\"x\": {\"auth\": \"c2VjcmV0LTQy\"}},\n}");
        assertThatThrownBy(() -> new DockerConfigCredentials(environment("x")).forRegistry(registries.authenticated()))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("cannot read credentials from " + config.resolve("config.json")
                        + ": it is not valid JSON (line 2, column")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("c2VjcmV0LTQy"));
    }

    @Test
    void aHelperThatKnowsNothingMeansAnonymous() throws Exception {
        Files.writeString(
                config.resolve("config.json"), "{\"credHelpers\": {\"" + registries.plain() + "\": \"deja-test\"}}");
        assertThat(new DockerConfigCredentials(environment("x")).forRegistry(registries.plain()))
                .isEmpty();
    }
}
