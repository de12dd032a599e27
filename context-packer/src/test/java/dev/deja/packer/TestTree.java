package dev.deja.packer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.stream.Stream;

/** Builds small repositories in a temporary folder for tests. */
public final class TestTree {

    private final Path root;

    public TestTree(Path root) {
        this.root = root;
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A copy of the folder {@code from} at {@code to} (attributes kept), leaving out the top-level folders named in
     * {@code skipped} (build outputs of an example, say).
     */
    public static TestTree copyOf(Path from, Path to, String... skipped) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path source : walk.toList()) {
                Path relative = from.relativize(source);
                if (Arrays.stream(skipped).anyMatch(relative::startsWith)) {
                    continue;
                }
                Path target = to.resolve(relative.toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return new TestTree(to);
    }

    public Path root() {
        return root;
    }

    public Path path(String relative) {
        return root.resolve(relative);
    }

    public TestTree file(String relative, String content) {
        return bytes(relative, content.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A new RSA private key in PKCS#8 PEM at {@code relative}: one the docker CLI's SSH forwarding (and bake, which
     * parses the keys it is given) reads as a key.
     */
    public TestTree sshKey(String relative) {
        try {
            java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            byte[] pkcs8 = generator.generateKeyPair().getPrivate().getEncoded();
            return file(
                    relative,
                    "-----BEGIN PRIVATE KEY-----\n"
                            + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'})
                                    .encodeToString(pkcs8)
                            + "\n-----END PRIVATE KEY-----\n");
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public TestTree bytes(String relative, byte[] content) {
        try {
            Path path = root.resolve(relative);
            Files.createDirectories(path.getParent());
            Files.write(path, content);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public TestTree executable(String relative, String content) {
        file(relative, content);
        return chmod(relative, "rwxr-xr-x");
    }

    public TestTree chmod(String relative, String permissions) {
        try {
            Files.setPosixFilePermissions(root.resolve(relative), PosixFilePermissions.fromString(permissions));
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public TestTree dir(String relative) {
        try {
            Files.createDirectories(root.resolve(relative));
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public TestTree symlink(String relative, String target) {
        try {
            Path link = root.resolve(relative);
            Files.createDirectories(link.getParent());
            Files.createSymbolicLink(link, Path.of(target));
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public TestTree touch(String relative, long epochMillis) {
        try {
            Files.setLastModifiedTime(root.resolve(relative), FileTime.fromMillis(epochMillis));
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public TestTree delete(String relative) {
        try {
            Files.delete(root.resolve(relative));
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String read(String relative) {
        try {
            return Files.readString(root.resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
