package dev.deja.engine.project;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deja.engine.config.CacheMode;
import dev.deja.engine.config.ConfigException;
import dev.deja.engine.config.ConfigFile;
import dev.deja.engine.config.ConfigLoader;
import dev.deja.packer.TestTree;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path tmp;

    private ConfigFile load(String yaml) {
        return new ConfigLoader().load(new TestTree(tmp).file("deja.yaml", yaml).path("deja.yaml"));
    }

    @Test
    void readsEveryDocumentedKey() {
        ConfigFile config = load(String.join(
                "\n",
                "registry: registry.example.com/acme/",
                "tags:",
                "  commit: true",
                "  branch: false",
                "  latest-on: main",
                "cache: registry",
                "discover: true",
                "images:",
                "  svc:",
                "    dockerfile: svc/Dockerfile",
                "    context: .",
                "    include: [src/lua]",
                "    exclude: ['**/*.md']",
                "    args: {APP_ENV: prod, PORT: 8080}",
                "    target: runtime",
                "    platforms: [linux/amd64]",
                "    aliases: [acme/svc]",
                "    depends_on: [base]",
                "    output: dist/x",
                ""));
        assertThat(config.registry()).isEqualTo("registry.example.com/acme");
        assertThat(config.tags().branch()).isFalse();
        assertThat(config.tags().latestOn()).isEqualTo("main");
        assertThat(config.cache()).isEqualTo(CacheMode.REGISTRY);
        assertThat(config.discover()).isTrue();
        var svc = config.images().get("svc");
        assertThat(svc.line()).isEqualTo(9);
        assertThat(svc.args()).containsEntry("PORT", "8080");
        assertThat(svc.dependsOn()).containsExactly("base");
    }

    @Test
    void unknownKeyNamesLineColumnAndKnownKeys() {
        assertThatThrownBy(() -> load("images:\n  svc:\n    dockerfil: x/Dockerfile\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown key 'dockerfil'")
                .hasMessageContaining("dockerfile")
                .satisfies(e -> {
                    ConfigException c = (ConfigException) e;
                    assertThat(c.line()).isEqualTo(3);
                    assertThat(c.describe(tmp)).startsWith("deja.yaml:3:");
                });
    }

    @Test
    void wrongTypesAreErrors() {
        assertThatThrownBy(() -> load("images:\n  svc:\n    dockerfile: a\n    include: src\n"))
                .hasMessageContaining("include")
                .hasMessageContaining("a list");
        assertThatThrownBy(() -> load("tags:\n  commit: \"yes\"\n")).hasMessageContaining("commit");
        assertThatThrownBy(() -> load("cache: sometimes\n")).hasMessageContaining("inline, registry, none");
        assertThatThrownBy(() -> load("images: [a, b]\n")).hasMessageContaining("images");
    }

    @Test
    void duplicateKeysAreErrors() {
        assertThatThrownBy(() -> load("images:\n  a:\n    dockerfile: x\n  a:\n    dockerfile: y\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Duplicate")
                .satisfies(e -> assertThat(((ConfigException) e).line()).isEqualTo(4));
    }

    @Test
    void emptyFileIsAnEmptyConfig() {
        assertThat(load("").images()).isEmpty();
        assertThat(load("# nothing\n").localMode()).isTrue();
    }
}
