package dev.deja.engine.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deja.engine.config.ConfigException;
import dev.deja.engine.config.ImageNames;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What compose and bake write, in deja.yaml's words: paths (absolute, or relative to their file) as
 * project-relative ones, mappings and lists copied as strings.
 */
final class SourceSettings {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private SourceSettings() {}

    /**
     * {@code path} relative to {@code root} ("." for the root itself).
     *
     * @param what names the path in the error when it lies outside the project ("service 'api': build context")
     * @param file where the path is written, for the error
     * @param line its line there, or 0
     */
    static String relative(Path root, Path path, String what, Path file, int line) {
        Path absolute = path.toAbsolutePath().normalize();
        if (!absolute.startsWith(root)) {
            throw new ConfigException(file, line, what + " " + absolute + " is outside the project root " + root);
        }
        String relative = root.relativize(absolute).toString();
        return relative.isEmpty() ? "." : relative;
    }

    /**
     * {@code from.key}, a mapping, as {@code to.as} with string values, sorted (compose's output and a file list
     * them in different orders and mean the same); null values left out; nothing when it is absent or empty.
     */
    static void copyMapping(JsonNode from, String key, ObjectNode to, String as) {
        JsonNode mapping = from.path(key);
        if (mapping.isObject() && !mapping.isEmpty()) {
            ObjectNode out = to.putObject(as);
            new TreeMap<>(mapping.properties().stream()
                            .filter(e -> !e.getValue().isNull())
                            .collect(Collectors.toMap(
                                    Map.Entry::getKey, e -> e.getValue().asText())))
                    .forEach(out::put);
        }
    }

    /** {@code from.key}, a list, as {@code to.as} with string items; nothing when it is absent or empty. */
    static void copyList(JsonNode from, String key, ObjectNode to, String as) {
        JsonNode list = from.path(key);
        if (list.isArray() && !list.isEmpty()) {
            ArrayNode out = to.putArray(as);
            list.forEach(item -> out.add(item.asText()));
        }
    }

    /**
     * Adds the references of {@code repository} to the image's tags ({@code latest} for one without a tag), as the
     * builder would write them; returns the others (another repository, a digest), which deja does not write.
     */
    static List<String> addTags(ObjectNode settings, String repository, Iterable<JsonNode> references) {
        List<String> foreign = new ArrayList<>();
        for (JsonNode node : references) {
            String reference = node.asText();
            String tagRepository = ImageNames.repositoryOf(reference);
            if (repository.isEmpty() || !tagRepository.equals(repository) || reference.contains("@")) {
                foreign.add(reference);
                continue;
            }
            String tag = reference.equals(tagRepository) ? "latest" : reference.substring(tagRepository.length() + 1);
            ArrayNode tags = settings.has("tags") ? (ArrayNode) settings.get("tags") : settings.putArray("tags");
            boolean known = false;
            for (JsonNode existing : tags) {
                known |= existing.asText().equals(tag);
            }
            if (!known) {
                tags.add(tag);
            }
        }
        return foreign;
    }

    /**
     * What a notice says of the tags deja leaves out, those outside the image's repository; empty when there are none.
     *
     * @param who    the service or target ("service 'api'")
     * @param prefix where the tags are written ("build.")
     */
    static Optional<String> leftOut(String who, String prefix, List<String> foreignTags, String repository) {
        if (foreignTags.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(who + ": " + prefix + "tags " + String.join(", ", foreignTags)
                + " are not written by deja: it tags an image in its own repository ("
                + (repository.isEmpty() ? "named after it" : repository) + ") only");
    }

    /**
     * A path outside the context (a secret's file, an SSH key) as the builder reads it: absolute from {@code dir}, the
     * folder of the file that names it; one from the home folder ({@code ~/…}) is kept for deja.yaml's rules.
     */
    static String fromFolder(Path dir, String path) {
        return path.startsWith("~") ? path : dir.resolve(path).normalize().toString();
    }

    /**
     * An SSH entry ({@code default}, {@code ID}, or {@code ID=PATH[,PATH…]}) with its paths made absolute
     * {@link #fromFolder from dir}.
     */
    static String sshEntry(Path dir, String entry) {
        int eq = entry.indexOf('=');
        if (eq < 0 || eq == entry.length() - 1) {
            return entry;
        }
        List<String> paths = new ArrayList<>();
        for (String path : entry.substring(eq + 1).split(",")) {
            paths.add(fromFolder(dir, path));
        }
        return entry.substring(0, eq + 1) + String.join(",", paths);
    }

    /**
     * What a build's RUN steps see of the machine, in deja.yaml's words: {@code network}, {@code extra_hosts}
     * ({@code name:address}, from a list of {@code name:address} or {@code name=address} or a mapping),
     * {@code shm_size} (in bytes, as compose prints it) and {@code ulimits} ({@code name=soft[:hard]}, from a list or
     * compose's mapping) and {@code entitlements}. {@code names} are the five keys as the source spells them. A
     * value of the wrong shape (a number where a list goes) is copied as it is, for deja.yaml's checks to refuse.
     */
    static void copyRunSettings(JsonNode from, List<String> names, ObjectNode to) {
        JsonNode network = from.get(names.get(0));
        if (network != null && !network.isNull()) {
            to.put("network", network.asText());
        }
        ArrayNode hosts = JSON.arrayNode();
        JsonNode extraHosts = from.path(names.get(1));
        if (extraHosts.isObject()) {
            extraHosts.properties().forEach(host -> {
                for (JsonNode address : host.getValue().isArray() ? host.getValue() : List.of(host.getValue())) {
                    hosts.add(host.getKey() + ":" + address.asText());
                }
            });
        } else if (extraHosts.isValueNode()) {
            hosts.add(extraHosts.asText());
        } else {
            extraHosts.forEach(host -> hosts.add(host.asText().replaceFirst("=", ":")));
        }
        if (!hosts.isEmpty()) {
            to.set("extra_hosts", hosts);
        }
        JsonNode shm = from.get(names.get(2));
        if (shm != null && !shm.isNull()) {
            to.put("shm_size", bytes(shm.asText()));
        }
        ArrayNode limits = JSON.arrayNode();
        JsonNode ulimits = from.path(names.get(3));
        if (ulimits.isObject()) {
            // By name, as compose prints them.
            Map<String, String> byName = new TreeMap<>();
            ulimits.properties()
                    .forEach(limit -> byName.put(
                            limit.getKey(),
                            limit.getValue().isObject()
                                    ? limit.getValue().path("soft").asText() + ":"
                                            + limit.getValue().path("hard").asText()
                                    : limit.getValue().asText()));
            byName.forEach((name, value) -> limits.add(name + "=" + value));
        } else if (ulimits.isValueNode()) {
            limits.add(ulimits.asText());
        } else {
            ulimits.forEach(limit -> limits.add(limit.asText()));
        }
        if (!limits.isEmpty()) {
            to.set("ulimits", limits);
        }
        JsonNode entitlements = from.path(names.get(4));
        if (entitlements.isValueNode()) {
            to.put("entitlements", entitlements.asText());
        } else {
            copyList(from, names.get(4), to, "entitlements");
        }
    }

    /** A size as compose writes it ({@code 2g}, {@code 512m}, bytes) in bytes; as written when it is no size. */
    static String bytes(String size) {
        Matcher matcher =
                Pattern.compile("(?i)(\\d+(?:\\.\\d+)?)\\s*([kmgtp]?)b?").matcher(size.strip());
        if (!matcher.matches()) {
            return size;
        }
        String unit = matcher.group(2).toLowerCase(Locale.ROOT);
        int power = unit.isEmpty() ? 0 : "kmgtp".indexOf(unit) + 1;
        return new BigDecimal(matcher.group(1))
                .multiply(BigDecimal.valueOf(1024).pow(power))
                .toBigInteger()
                .toString();
    }
}
