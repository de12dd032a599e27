package dev.deja.engine.project;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deja.engine.config.ConfigException;
import dev.deja.packer.TestTree;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deja.yaml's {@code secrets:} and {@code ssh:}: paths made absolute (from the project root, {@code ~/} from
 * {@code $HOME}), {@code env:NAME} kept, and what BuildKit would refuse refused at load time with the line.
 */
class BuildSecretsConfigTest {

    @TempDir
    Path tmp;

    private Project load(String image) {
        TestTree tree = new TestTree(tmp.resolve("repo"))
                .file("app/Dockerfile", "FROM alpine\n")
                .file("deja.yaml", "images:\n  app:\n    dockerfile: app/Dockerfile\n" + image);
        return new ProjectLoader(Map.of("HOME", tmp.resolve("home").toString())).load(tree.root(), null);
    }

    @Test
    void filesAreMadeAbsoluteAndVariablesKept() {
        ImageDefinition app = load("    secrets: {npmrc: ~/.npmrc, token: env:NPM_TOKEN, ca: certs/ca.pem}\n"
                        + "    ssh: [default, \"github=~/.ssh/id_ed25519,keys/deploy\"]\n")
                .image("app")
                .orElseThrow();
        Path root = tmp.resolve("repo").toAbsolutePath();
        assertThat(app.secrets())
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "npmrc", tmp.resolve("home/.npmrc").toString(),
                        "token", "env:NPM_TOKEN",
                        "ca", root.resolve("certs/ca.pem").toString()));
        assertThat(app.ssh())
                .containsExactly(
                        "default", "github=" + tmp.resolve("home/.ssh/id_ed25519") + "," + root.resolve("keys/deploy"));
    }

    @Test
    void whatBuildKitWouldRefuseIsAnErrorWithTheLine() {
        assertThatThrownBy(() -> load("    secrets: {\"npm rc\": ~/.npmrc}\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("secret id 'npm rc' is not valid")
                .satisfies(e -> assertThat(((ConfigException) e).line()).isEqualTo(2));
        assertThatThrownBy(() -> load("    secrets: {token: \"env:NPM-TOKEN\"}\n"))
                .hasMessageContaining("'NPM-TOKEN' is not an environment variable name");
        assertThatThrownBy(() -> load("    secrets: {token: \"\"}\n"))
                .hasMessageContaining("secret 'token' needs a file or env:VARIABLE");
        assertThatThrownBy(() -> load("    ssh: [\"deploy=\"]\n")).hasMessageContaining("names an empty path");
        assertThatThrownBy(() -> load("    ssh: [\"=key\"]\n"))
                .hasMessageContaining("ssh '=key' is not default, an id, or ID=PATH");
        assertThatThrownBy(() -> load("    secrets: [npmrc]\n")).hasMessageContaining("secrets");
    }
}
