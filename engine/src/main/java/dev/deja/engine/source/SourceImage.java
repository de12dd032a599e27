package dev.deja.engine.source;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;

/**
 * One image as a source (a compose or bake file) defines it, in deja.yaml's vocabulary: {@code settings} is what
 * deja.yaml would say under {@code images.<name>}, paths relative to the project root.
 *
 * @param file where it is defined, for messages
 * @param line the line of its definition there
 */
public record SourceImage(String name, ObjectNode settings, Path file, int line) {}
