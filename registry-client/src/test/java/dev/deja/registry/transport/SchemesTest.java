package dev.deja.registry.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class SchemesTest {

    @Test
    void loopbackIsPlainHttpOthersHttpsUnlessInsecure() {
        Schemes c = new Schemes(Set.of("registry.internal:5000"));
        assertThat(c.scheme("127.0.0.1:5000")).isEqualTo("http");
        assertThat(c.scheme("localhost:5000")).isEqualTo("http");
        assertThat(c.scheme("[::1]:5000")).isEqualTo("http");
        assertThat(c.scheme("registry.internal:5000")).isEqualTo("http");
        assertThat(c.scheme("registry.example.com")).isEqualTo("https");
        assertThat(c.scheme("10.0.0.1:5000")).isEqualTo("https");
    }
}
