package dev.deja.packer.state;

import java.util.List;

/**
 * Folders a version control system vouches for as a whole (see {@link Vouching#tree}).
 *
 * @param key       names every tracked file under the folders, with its content, type and exec bit: equal keys,
 *                  equal tracked files
 * @param untracked what lies there untracked (ignored files included), as paths from the project root; a folder
 *                  whose whole content is untracked is one path ending in {@code /}
 */
public record VouchedTree(String key, List<String> untracked) {

    public VouchedTree {
        untracked = List.copyOf(untracked);
    }
}
