package dev.deja.engine.project;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deja.engine.config.BasePolicy;
import dev.deja.engine.config.CacheMode;
import dev.deja.engine.config.ConfigException;
import dev.deja.engine.config.ConfigFile;
import dev.deja.engine.config.ConfigLoader;
import dev.deja.engine.config.DevConfig;
import dev.deja.packer.TestTree;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path tmp;

    private ConfigFile load(String yaml) {
        return new ConfigLoader(Map.of())
                .load(new TestTree(tmp).file("deja.yaml", yaml).path("deja.yaml"));
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
        assertThat(config.discover().on()).isTrue();
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
    void readsTheRestOfTheKeysAndTheirOneValueShorthands() {
        ConfigFile config = load(String.join(
                "\n",
                "from: compose.yaml",
                "repository: acme/{name}",
                "tag-prefix: v-",
                "tag-suffix: -x",
                "bases: lock",
                "discover:",
                "  exclude: [legacy]",
                "images:",
                "  svc:",
                "    dockerfile_inline: FROM scratch",
                "    repository: other/svc",
                "    tags: [stable]",
                "    labels: {team: core}",
                "    contexts: {lib: service:base}",
                "    tag-prefix: p-",
                "    tag-suffix: -s",
                "    compose-service: web",
                "    dev:",
                "      command: make",
                "      sync: src",
                "      workdir: /app",
                "      restart: web",
                ""));
        assertThat(config.from()).containsExactly("compose.yaml");
        assertThat(config.repository()).isEqualTo("acme/{name}");
        assertThat(config.tagPrefix()).isEqualTo("v-");
        assertThat(config.tagSuffix()).isEqualTo("-x");
        assertThat(config.bases()).isEqualTo(BasePolicy.LOCK);
        assertThat(config.discover().on()).isTrue();
        assertThat(config.discover().exclude()).containsExactly("legacy");
        var svc = config.images().get("svc");
        assertThat(svc.dockerfileInline()).isEqualTo("FROM scratch");
        assertThat(svc.repository()).isEqualTo("other/svc");
        assertThat(svc.tags()).containsExactly("stable");
        assertThat(svc.labels()).containsEntry("team", "core");
        assertThat(svc.contexts()).containsEntry("lib", "service:base");
        assertThat(svc.tagPrefix()).isEqualTo("p-");
        assertThat(svc.tagSuffix()).isEqualTo("-s");
        assertThat(svc.composeService()).containsExactly("web");
        assertThat(svc.dev()).isEqualTo(new DevConfig("make", java.util.List.of("src"), "/app", "web"));
        assertThat(load("discover: false\n").discover().on()).isFalse();
    }

    @Test
    void eachMismatchSaysWhereAndWhatWasExpected() {
        assertThatThrownBy(() -> load("regsitry: x\n"))
                .hasMessage("unknown key 'regsitry' (known keys: bases, cache, discover, from, images, registry,"
                        + " repository, tag-prefix, tag-suffix, tags)");
        assertThatThrownBy(() -> load("tags:\n  commit: \"yes\"\n"))
                .hasMessage("wrong type for tags.commit (expected true or false)")
                .satisfies(e -> assertThat(((ConfigException) e).line()).isEqualTo(2));
        assertThatThrownBy(() -> load("cache: Inline\n"))
                .hasMessage("invalid value 'Inline' for cache (one of: inline, registry, none)");
        assertThatThrownBy(() -> load("images:\n  a:\n    dockerfile: x\n    args: [A=1]\n"))
                .hasMessage("wrong type for images.a.args (expected a mapping)")
                .satisfies(e -> assertThat(((ConfigException) e).line()).isEqualTo(4));
        assertThatThrownBy(() -> load("images:\n  a:\n    dockerfile: x\n    include: [src, true]\n"))
                .hasMessage("wrong type for images.a.include[1] (expected a string)");
        assertThatThrownBy(() -> load("images:\n  a:\n    dockerfile: {x: y}\n"))
                .hasMessage("wrong type for images.a.dockerfile (expected a string)");
        assertThatThrownBy(() -> load("images:\n  a:\n    dockerfile: x\n    dev:\n      comand: make\n"))
                .hasMessage("unknown key 'comand' in images.a.dev (known keys: command, restart, sync, workdir)")
                .satisfies(e -> assertThat(((ConfigException) e).describe(tmp)).startsWith("deja.yaml:5:7:"));
        assertThatThrownBy(() -> load("discover: sometimes\n"))
                .hasMessage("wrong type for discover (expected true, false or a mapping)");
        assertThatThrownBy(() -> load("images:\n  a: x\n")).hasMessage("wrong type for images.a (expected a mapping)");
    }

    @Test
    void duplicateKeysAreErrors() {
        assertThatThrownBy(() -> load("images:\n  a:\n    dockerfile: x\n  a:\n    dockerfile: y\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("duplicate key 'a' in images")
                .satisfies(e -> assertThat(((ConfigException) e).line()).isEqualTo(4));
    }

    @Test
    void emptyFileIsAnEmptyConfig() {
        assertThat(load("").images()).isEmpty();
        assertThat(load("# nothing\n").localMode()).isTrue();
    }

    private ConfigFile load(String yaml, Map<String, String> environment) {
        return new ConfigLoader(environment)
                .load(new TestTree(tmp).file("deja.yaml", yaml).path("deja.yaml"));
    }

    @Test
    void variablesComeFromTheEnvironmentThenDotEnv() {
        new TestTree(tmp).file(".env", "# defaults\nREGISTRY=reg.from.env/acme\nexport TAG='v1 $X'\nAPP=dotenv\n");
        ConfigFile config = load(
                String.join(
                        "\n",
                        "registry: ${REGISTRY}",
                        "images:",
                        "  svc:",
                        "    dockerfile: svc/Dockerfile",
                        "    args: {APP: $APP, TAG: \"${TAG}\", MODE: '${MODE:-dev}', COST: $$5, V: 3.10}",
                        ""),
                Map.of("APP", "from-shell"));
        assertThat(config.registry()).isEqualTo("reg.from.env/acme");
        assertThat(config.images().get("svc").args())
                .containsEntry("APP", "from-shell")
                .containsEntry("TAG", "v1 $X")
                .containsEntry("MODE", "dev")
                .containsEntry("COST", "$5")
                .containsEntry("V", "3.10");
    }

    @Test
    void unsetVariableWithoutDefaultNamesFileAndLine() {
        assertThatThrownBy(() -> load("registry: reg/acme\nimages:\n  a:\n    dockerfile: ${DOCKERFILE}\n", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("variable DOCKERFILE is not set")
                .satisfies(e -> assertThat(((ConfigException) e).describe(tmp)).startsWith("deja.yaml:4:"));
        assertThatThrownBy(() -> load("registry: ${REG:?set REG to your registry}\n", Map.of()))
                .hasMessageContaining("variable REG is not set: set REG to your registry");
    }

    @Test
    void anchorsAliasesMergeKeysAndExtensionKeys() {
        ConfigFile config = load(String.join(
                "\n",
                "x-defaults: &defaults",
                "  platforms: [linux/amd64]",
                "  args: &args {APP_ENV: prod}",
                "images:",
                "  api:",
                "    <<: *defaults",
                "    dockerfile: api/Dockerfile",
                "    x-owner: team-a",
                "  worker:",
                "    <<: *defaults",
                "    dockerfile: worker/Dockerfile",
                "    platforms: [linux/arm64]",
                "    args: *args",
                ""));
        assertThat(config.images().get("api").platforms()).containsExactly("linux/amd64");
        assertThat(config.images().get("api").args()).containsEntry("APP_ENV", "prod");
        assertThat(config.images().get("worker").platforms()).containsExactly("linux/arm64");
        assertThat(config.images().get("worker").line()).isEqualTo(9);
    }

    @Test
    void nullValuesAreErrorsWithTheirLine() {
        assertThatThrownBy(() -> load("images:\n  api:\n    dockerfile:\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("'images.api.dockerfile' has no value (give it one, or remove the key)")
                .satisfies(e -> assertThat(((ConfigException) e).line()).isEqualTo(3));
        assertThatThrownBy(() -> load("images:\n  api:\n")).hasMessageContaining("image 'api' has no settings");
        assertThatThrownBy(() -> load("registry: ~\n")).hasMessageContaining("'registry' has no value");
        assertThatThrownBy(() -> load("images:\n  a:\n    dockerfile: x\n    include: [a, null]\n"))
                .hasMessageContaining("'images.a.include[1]' has no value")
                .satisfies(e -> assertThat(((ConfigException) e).line()).isEqualTo(4));
    }

    @Test
    void anEmptyImagesSectionIsAnError() {
        assertThatThrownBy(() -> load("registry: r/a\nimages: {}\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'images:' is empty")
                .satisfies(e -> assertThat(((ConfigException) e).line()).isEqualTo(2));
    }

    @Test
    void badAnchorsAndMergesAreErrors() {
        assertThatThrownBy(() -> load("images:\n  a: *nowhere\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("invalid YAML")
                .hasMessageContaining("nowhere");
        assertThatThrownBy(() -> load("images:\n  a:\n    <<: 3\n")).hasMessageContaining("merge key");
    }
}
