package dev.deja.engine.why;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class StateSummaryTest {

    private static StateSummary awkward() {
        return new StateSummary(
                "deja-state/1",
                "0123abcd",
                new TreeMap<>(Map.of("docker.io/library/alpine:3", "sha256:aa", "b", "sha256:bb")),
                new TreeMap<>(Map.of("base", "s1-x")),
                new TreeMap<>(Map.of(
                        "QUOTED",
                        "say \"hi\"\\n",
                        "NEWLINE",
                        "a\nb\tc",
                        "CONTROL",
                        "\u0001\u001f",
                        "ACCENT",
                        "café ☃")),
                "release",
                List.of("linux/amd64", "linux/arm64"),
                new TreeMap<>(),
                new TreeMap<>(Map.of("lib", "../lib")),
                "df",
                new TreeMap<>(Map.of(".", "x", "shared/libs", "y", "odd dir/with space", "z")),
                new TreeMap<>(Map.of("busybox", "sha256:cc")));
    }

    @Test
    void theLabelIsWhatDataBindingWroteForTheSameRecord() throws Exception {
        // Images built before the label was streamed carry data binding's bytes: the same summary gives the same
        // label, so an image's config does not change with the way it is written.
        StateSummary summary = awkward();
        assertThat(summary.toJson()).isEqualTo(new ObjectMapper().writeValueAsString(summary));
        StateSummary unknown = StateSummary.unknown();
        assertThat(unknown.toJson()).isEqualTo(new ObjectMapper().writeValueAsString(unknown));
    }

    @Test
    void aLabelReadsBackAsTheSummaryItWasWrittenFrom() {
        StateSummary summary = awkward();
        assertThat(StateSummary.fromJson(summary.toJson())).contains(summary);
        assertThat(StateSummary.fromJson("{\"format\":\"deja-state/1\",\"later\":1}"))
                .hasValueSatisfying(read -> assertThat(read.format()).isEqualTo("deja-state/1"));
        assertThat(StateSummary.fromJson("not json")).isEmpty();
    }
}
