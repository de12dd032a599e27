package dev.deja.registry.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTreesTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
                        + "\"manifests\":[{\"digest\":\"sha256:ab\",\"size\":527,\"platform\":{\"os\":\"linux\"}}]}",
                "[1, -2, 3000000000, 123456789012345678901234567890, 1.5, -0.25e3, true, false, null, \"\"]",
                "{\"escaped\":\"caf\\u00e9 \\\"q\\\" \\n\\t\\\\\",\"nested\":{\"a\":[[],{}]}}",
                "{\"k\":1,\"k\":2}",
                "\"only a string\"",
                "42",
                "  ",
            })
    void readsWhatTheMapperReads(String json) throws IOException {
        assertThat(JsonTrees.read(json)).isEqualTo(new ObjectMapper().readTree(json));
        assertThat(JsonTrees.read(json.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new ObjectMapper().readTree(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void emptyContentIsAMissingNode() throws IOException {
        assertThat(JsonTrees.read(new byte[0]).isMissingNode()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\":", "[1, 2", "{\"a\" 1}", "{\"a\":1]", "<html>502 Bad Gateway</html>"})
    void truncatedOrMalformedJsonIsAnError(String json) {
        assertThatThrownBy(() -> JsonTrees.read(json)).isInstanceOf(IOException.class);
    }
}
