package dev.deja.packer.state;

import java.util.List;

/**
 * What a version control system says of some folders as a whole (see {@link Vouching#tree}): a key that names every
 * file it tracks there, with what lies there untracked, or why it cannot vouch for them.
 *
 * @param key       names every tracked file under the folders, with its content, type and exec bit: equal keys,
 *                  equal tracked files; {@code null} when refused
 * @param untracked what lies there untracked (ignored files included), as paths from the project root; a folder
 *                  whose whole content is untracked is one path ending in {@code /}
 * @param refusal   why the system does not vouch for the folders ({@code null} when it does), in words for a
 *                  user: {@code 'app/main.c' is modified}
 */
public record VouchedTree(String key, List<String> untracked, String refusal) {

    public VouchedTree {
        untracked = List.copyOf(untracked);
    }

    public static VouchedTree of(String key, List<String> untracked) {
        return new VouchedTree(key, untracked, null);
    }

    public static VouchedTree refused(String why) {
        return new VouchedTree(null, List.of(), why);
    }

    public boolean vouched() {
        return key != null;
    }
}
