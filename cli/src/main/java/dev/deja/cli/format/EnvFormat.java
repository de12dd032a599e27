package dev.deja.cli.format;

import dev.deja.engine.plan.Decision;
import dev.deja.engine.plan.Plan;
import dev.deja.engine.plan.PlannedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code deja env}: the reference of every image's current state, for compose and scripts: a dotenv file, a compose
 * override file, JSON.
 *
 * @param services an image's compose services
 * @param registry the plan asked a registry (its digests are manifest digests); in local mode it asked the daemon,
 *                 whose image IDs are no digest to pin a reference with
 */
public record EnvFormat(Function<String, List<String>> services, boolean registry) {

    /** {@code <repository>:<state tag>}, with {@code @<digest>} when the registry has it. */
    public String reference(PlannedImage image) {
        boolean digest = registry
                && image.decision() == Decision.REUSE
                && !image.digest().isEmpty();
        return image.stateRef() + (digest ? "@" + image.digest() : "");
    }

    /** {@code DEJA_<NAME>_IMAGE=<reference>} per image. */
    public String dotenv(Plan plan) {
        StringBuilder out = new StringBuilder();
        for (PlannedImage image : plan.images()) {
            out.append("DEJA_")
                    .append(CiFormat.variable(image.name()))
                    .append("_IMAGE=")
                    .append(reference(image))
                    .append('\n');
        }
        return out.toString();
    }

    /**
     * A compose override file: {@code image:} for every service that runs a deja image. Laid over the project's
     * compose files ({@code -f compose.yaml -f compose.deja.yaml}), compose runs exactly these images.
     */
    public String compose(Plan plan) {
        StringBuilder out = new StringBuilder(
                "# Written by deja env --format compose: the image of every service's current state.\n"
                        + "# docker compose -f compose.yaml -f <this file> up\n" + "services:\n");
        for (PlannedImage image : plan.images()) {
            for (String service : services.apply(image.name())) {
                out.append("  ")
                        .append(service)
                        .append(":\n    image: \"")
                        .append(reference(image))
                        .append("\"\n");
            }
        }
        return out.toString();
    }

    public String json(Plan plan) {
        Map<String, Object> images = new LinkedHashMap<>();
        for (PlannedImage image : plan.images()) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("ref", reference(image));
            out.put("repository", image.repository());
            out.put("stateTag", image.stateTag());
            out.put("digest", registry && image.decision() == Decision.REUSE ? image.digest() : "");
            out.put("exists", image.decision() == Decision.REUSE);
            out.put("composeServices", new ArrayList<>(services.apply(image.name())));
            images.put(image.name(), out);
        }
        return GraphFormat.Json.write(Map.of("images", images));
    }
}
