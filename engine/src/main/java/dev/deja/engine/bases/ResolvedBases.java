package dev.deja.engine.bases;

import dev.deja.engine.config.BasePolicy;
import dev.deja.engine.graph.BaseUse;
import dev.deja.packer.state.BuildInputs;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The digests of the bases of one run, by normalized reference, and how they were found. What the packer pins
 * in Dockerfiles and writes into states.
 *
 * @param policy  how they were found; {@link BasePolicy#IGNORE}: none, states leave bases out
 * @param digests {@code sha256:…}, or {@link BuildInputs#UNRESOLVED} for a base an offline run could not know
 */
public record ResolvedBases(BasePolicy policy, SortedMap<String, String> digests) {

    public ResolvedBases {
        digests = Collections.unmodifiableSortedMap(new TreeMap<>(digests));
    }

    public static ResolvedBases ignored() {
        return new ResolvedBases(BasePolicy.IGNORE, new TreeMap<>());
    }

    /** Every base of {@code uses} unknown: an offline run under {@code bases: track}. */
    public static ResolvedBases unresolved(List<BaseUse> uses) {
        SortedMap<String, String> digests = new TreeMap<>();
        uses.forEach(use -> digests.put(BaseReference.parse(use.reference()).normalized(), BuildInputs.UNRESOLVED));
        return new ResolvedBases(BasePolicy.TRACK, digests);
    }

    /** The reference as written with the digest it resolved to, for the packed Dockerfile; empty when unknown. */
    public Optional<String> pinned(BaseUse use) {
        if (policy == BasePolicy.IGNORE || !use.pinnable()) {
            return Optional.empty();
        }
        return digest(use.reference()).map(digest -> use.reference() + "@" + digest);
    }

    /** The digest of a reference as written, when known. */
    public Optional<String> digest(String reference) {
        String digest = digests.get(BaseReference.parse(reference).normalized());
        return digest == null || digest.equals(BuildInputs.UNRESOLVED) ? Optional.empty() : Optional.of(digest);
    }

    /** What the state of an image using {@code uses} holds of them: normalized reference to digest. */
    public Map<String, String> forState(List<BaseUse> uses) {
        SortedMap<String, String> out = new TreeMap<>();
        if (policy == BasePolicy.IGNORE) {
            return out;
        }
        for (BaseUse use : uses) {
            String key = BaseReference.parse(use.reference()).normalized();
            out.put(key, digests.getOrDefault(key, BuildInputs.UNRESOLVED));
        }
        return out;
    }
}
