package dev.deja.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * The run that makes deja's class-data archive (the launchers' training run) covers one command, but a CI job runs
 * others: with {@code -D}{@value #PROPERTY}{@code =true} that run also loads the classes of {@value #LIST} (in the
 * jar, made by scripts/archive-classes.sh from the runs deja makes most) before it exits, so that the archive holds
 * them and a build's classes are mapped, not read from the jar and verified. A listed class that no longer exists,
 * or cannot be loaded, is skipped: the list only speeds up.
 */
final class ArchiveTraining {

    static final String PROPERTY = "deja.archive.training";
    static final String LIST = "/archive-classes.txt";

    private ArchiveTraining() {}

    /** In a training run, loads the listed classes; says nothing. */
    static void loadListedClasses() {
        if (!Boolean.getBoolean(PROPERTY)) {
            return;
        }
        ClassLoader loader = ArchiveTraining.class.getClassLoader();
        try (InputStream in = ArchiveTraining.class.getResourceAsStream(LIST)) {
            if (in == null) {
                return;
            }
            BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                String name = line.strip();
                if (name.isEmpty() || name.startsWith("#")) {
                    continue;
                }
                try {
                    Class.forName(name, false, loader);
                } catch (ClassNotFoundException | LinkageError e) {
                    // renamed or removed since the list was made
                }
            }
        } catch (IOException e) {
            // the archive holds what the run itself loaded
        }
    }
}
