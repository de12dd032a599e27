package dev.deja.packer.ignore;

import java.util.ArrayDeque;
import java.util.Deque;

/** Go's {@code path.Clean}, which Docker applies to ignore patterns before matching. */
public final class GoPaths {

    private GoPaths() {}

    public static String clean(String path) {
        if (path.isEmpty()) {
            return ".";
        }
        boolean rooted = path.charAt(0) == '/';
        Deque<String> parts = new ArrayDeque<>();
        int leadingDotDots = 0;
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (!parts.isEmpty()) {
                    parts.removeLast();
                } else if (!rooted) {
                    leadingDotDots++;
                }
                continue;
            }
            parts.addLast(part);
        }
        StringBuilder out = new StringBuilder(rooted ? "/" : "");
        for (int k = 0; k < leadingDotDots; k++) {
            out.append(out.length() > 0 && out.charAt(out.length() - 1) != '/' ? "/" : "")
                    .append("..");
        }
        for (String part : parts) {
            if (out.length() > 0 && out.charAt(out.length() - 1) != '/') {
                out.append('/');
            }
            out.append(part);
        }
        return out.length() == 0 ? "." : out.toString();
    }
}
