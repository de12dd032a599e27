package dev.deja.engine.plan;

import dev.deja.engine.project.TagFormat;
import dev.deja.packer.state.State;
import java.util.List;

/**
 * One image of a plan.
 *
 * @param repository where it lives ({@code <registry>/<name>} or the local name)
 * @param parents    the images it depends on
 * @param files      files in its context (folders and links not counted)
 * @param bytes      bytes of file content in its context
 * @param digest     for a reused image: the digest of its manifest in the registry; otherwise ""
 * @param ownTags    the tags its definition asks for (compose's {@code image:} tag): they move like the branch tag
 * @param tagFormat  how its tags are written in its repository
 * @param unresolved the bases whose digest this run could not know (offline, no lock): its state is none an online
 *                   run makes, and no registry holds it
 * @param reason     for an image to build: why its state is new (what differs from the nearest image the registry
 *                   has, in one line); "" otherwise
 */
public record PlannedImage(
        String name,
        String repository,
        State state,
        Decision decision,
        int level,
        List<String> parents,
        int files,
        long bytes,
        String digest,
        List<String> ownTags,
        TagFormat tagFormat,
        List<String> unresolved,
        String reason) {

    public PlannedImage {
        parents = List.copyOf(parents);
        unresolved = List.copyOf(unresolved);
        ownTags = List.copyOf(ownTags);
    }

    public PlannedImage decided(Decision newDecision, String newDigest) {
        return new PlannedImage(
                name,
                repository,
                state,
                newDecision,
                level,
                parents,
                files,
                bytes,
                newDigest,
                ownTags,
                tagFormat,
                unresolved,
                reason);
    }

    public PlannedImage withReason(String newReason) {
        return new PlannedImage(
                name,
                repository,
                state,
                decision,
                level,
                parents,
                files,
                bytes,
                digest,
                ownTags,
                tagFormat,
                unresolved,
                newReason);
    }

    /** The state tag as written in its repository. */
    public String stateTag() {
        return tagFormat.apply(state.tag());
    }

    /** {@code <repository>:<state tag>}. */
    public String stateRef() {
        return repository + ":" + stateTag();
    }
}
