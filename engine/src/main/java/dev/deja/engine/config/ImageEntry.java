package dev.deja.engine.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * One image as written under {@code images:} in deja.yaml (paths still unchecked).
 *
 * @param line line of the image's name in deja.yaml, for messages
 */
public record ImageEntry(
        String dockerfile,
        String context,
        List<String> include,
        List<String> exclude,
        Map<String, String> args,
        String target,
        List<String> platforms,
        List<String> aliases,
        @JsonProperty("depends_on") List<String> dependsOn,
        String output,
        @JsonIgnore Integer line) {

    public ImageEntry {
        include = include == null ? List.of() : List.copyOf(include);
        exclude = exclude == null ? List.of() : List.copyOf(exclude);
        args = args == null ? Map.of() : Map.copyOf(args);
        target = target == null ? "" : target;
        platforms = platforms == null ? List.of() : List.copyOf(platforms);
        aliases = aliases == null ? List.of() : List.copyOf(aliases);
        dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
        output = output == null ? "" : output;
        line = line == null ? 0 : line;
    }

    ImageEntry atLine(int newLine) {
        return new ImageEntry(
                dockerfile, context, include, exclude, args, target, platforms, aliases, dependsOn, output, newLine);
    }
}
