package dev.deja.engine.why;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.deja.engine.pack.PackedImage;
import dev.deja.packer.dockerfile.Dockerfile;
import dev.deja.packer.state.EntryDigest;
import dev.deja.packer.state.State;
import dev.deja.registry.json.JsonTrees;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a state was made of, small enough for an image label ({@value #LABEL}): every input but the files, which
 * stand as one digest per folder (two levels deep). With it a later run can say why its state differs from this
 * one without the files of then: "base moved", "parent shared changed", "files changed under shared/libs".
 *
 * @param format     the state format it was computed with ({@code deja-state/1})
 * @param state      the state's digest
 * @param dockerfile SHA-256 of the Dockerfile as written (not as packed: that one names parents' states)
 * @param folders    folder ({@code .} for the context's top) to the digest of the entries under it
 * @param inherited  the bases of its ancestors, with the digests they had: with {@code bases}, what it takes to
 *                   compute this state again from its commit
 */
public record StateSummary(
        String format,
        String state,
        SortedMap<String, String> bases,
        SortedMap<String, String> parents,
        SortedMap<String, String> args,
        String target,
        List<String> platforms,
        SortedMap<String, String> labels,
        SortedMap<String, String> contexts,
        String dockerfile,
        SortedMap<String, String> folders,
        SortedMap<String, String> inherited) {

    /** The label that carries the summary as JSON. */
    public static final String LABEL = "dev.deja.inputs";
    /** The label that carries the commit the image was built from. */
    public static final String REVISION_LABEL = "dev.deja.revision";
    /**
     * The label of an image built from files the commit does not have (a push outside CI): why, as the run said it.
     * {@link #REVISION_LABEL} then names the commit checked out, not the image's content.
     */
    public static final String UNCOMMITTED_LABEL = "dev.deja.uncommitted";

    /**
     * Written with the streaming generator, component by component: what Jackson's data binding wrote for the same
     * record, without the reflection it takes on its first use (0.1 s before a build's command line was ready).
     */
    private static final JsonFactory WRITER = new JsonFactory();

    public StateSummary {
        format = format == null ? "" : format;
        bases = new TreeMap<>(bases == null ? Map.of() : bases);
        parents = new TreeMap<>(parents == null ? Map.of() : parents);
        args = new TreeMap<>(args == null ? Map.of() : args);
        target = target == null ? "" : target;
        platforms = platforms == null ? List.of() : List.copyOf(platforms);
        labels = new TreeMap<>(labels == null ? Map.of() : labels);
        contexts = new TreeMap<>(contexts == null ? Map.of() : contexts);
        dockerfile = dockerfile == null ? "" : dockerfile;
        folders = new TreeMap<>(folders == null ? Map.of() : folders);
        inherited = new TreeMap<>(inherited == null ? Map.of() : inherited);
    }

    /** The summary of an image that carries none: nothing is known of its state. */
    public static StateSummary unknown() {
        return new StateSummary(null, "", null, null, null, null, null, null, null, null, null, null);
    }

    /** Every base digest the state depends on: its own and its ancestors'. */
    public SortedMap<String, String> allBases() {
        SortedMap<String, String> all = new TreeMap<>(inherited);
        all.putAll(bases);
        return all;
    }

    /** @param inherited the bases of its ancestors as they were packed */
    public static StateSummary of(PackedImage packed, Dockerfile dockerfile, Map<String, String> inherited) {
        String dockerfilePath = packed.context().dockerfile();
        Map<String, List<EntryDigest>> byFolder = new TreeMap<>();
        for (EntryDigest entry : packed.digests()) {
            if (!entry.path().equals(dockerfilePath)) {
                byFolder.computeIfAbsent(folderOf(entry.path()), f -> new ArrayList<>())
                        .add(entry);
            }
        }
        SortedMap<String, String> folders = new TreeMap<>();
        byFolder.forEach((folder, entries) -> folders.put(folder, State.entriesDigest(entries)));
        return new StateSummary(
                State.FORMAT,
                packed.state().digest(),
                packed.inputs().bases(),
                packed.inputs().parentStates(),
                packed.inputs().args(),
                packed.inputs().target(),
                packed.inputs().platforms(),
                packed.inputs().labels(),
                packed.inputs().contexts(),
                sha256(String.join("\n", dockerfile.lines())),
                folders,
                new TreeMap<>(inherited));
    }

    /** The folder an entry is summed under: its first two path segments ({@code shared/libs}), or {@code .}. */
    static String folderOf(String path) {
        String[] parts = path.split("/");
        if (parts.length <= 1) {
            return ".";
        }
        return parts.length == 2 ? parts[0] : parts[0] + "/" + parts[1];
    }

    public String toJson() {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = WRITER.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("format", format);
            json.writeStringField("state", state);
            writeMap(json, "bases", bases);
            writeMap(json, "parents", parents);
            writeMap(json, "args", args);
            json.writeStringField("target", target);
            json.writeArrayFieldStart("platforms");
            for (String platform : platforms) {
                json.writeString(platform);
            }
            json.writeEndArray();
            writeMap(json, "labels", labels);
            writeMap(json, "contexts", contexts);
            json.writeStringField("dockerfile", dockerfile);
            writeMap(json, "folders", folders);
            writeMap(json, "inherited", inherited);
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void writeMap(JsonGenerator json, String name, Map<String, String> map) throws IOException {
        json.writeObjectFieldStart(name);
        for (Map.Entry<String, String> entry : map.entrySet()) {
            json.writeStringField(entry.getKey(), entry.getValue());
        }
        json.writeEndObject();
    }

    /** The summary of a label's value; empty when it is none (an image deja did not build, or built before 0.3). */
    public static Optional<StateSummary> fromJson(String json) {
        if (json == null || json.isBlank()) {
            return Optional.empty();
        }
        // Read from Jackson's tree, as it is written: data binding's set-up (60-90 ms of CPU) would be paid by the
        // reasons thread of every build that has an earlier image, beside the builder.
        JsonNode node;
        try {
            node = JsonTrees.read(json);
        } catch (IOException e) {
            return Optional.empty();
        }
        if (!node.isObject()) {
            return Optional.empty();
        }
        List<String> platforms = new ArrayList<>();
        node.path("platforms").forEach(platform -> platforms.add(platform.asText()));
        return Optional.of(new StateSummary(
                node.path("format").asText(""),
                node.path("state").asText(null),
                map(node, "bases"),
                map(node, "parents"),
                map(node, "args"),
                node.path("target").asText(""),
                platforms,
                map(node, "labels"),
                map(node, "contexts"),
                node.path("dockerfile").asText(""),
                map(node, "folders"),
                map(node, "inherited")));
    }

    private static SortedMap<String, String> map(JsonNode node, String name) {
        SortedMap<String, String> out = new TreeMap<>();
        node.path(name)
                .properties()
                .forEach(entry -> out.put(entry.getKey(), entry.getValue().asText()));
        return out;
    }

    private static String sha256(String text) {
        return HexFormat.of().formatHex(State.sha256().digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
