package dev.deja.cli;

import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import picocli.CommandLine;

/**
 * Reads the annotations of the commands a run registers on a thread of its own while picocli starts: the JDK parses a
 * class's annotations on first use and spins a proxy class per annotation type, 30 ms of a cold JVM's CPU that picocli
 * would otherwise spend first, on the main thread, before the command runs. Whichever thread comes first does the
 * work (the JDK's caches are shared); this one only says nothing.
 */
final class AnnotationsAhead {

    private AnnotationsAhead() {}

    static void start(Collection<Class<?>> commands) {
        List<Class<?>> classes = new ArrayList<>();
        classes.add(DejaCommand.class);
        classes.addAll(commands);
        Thread thread = new Thread(
                () -> {
                    try {
                        read(classes);
                    } catch (RuntimeException | LinkageError e) {
                        // picocli reads them again on the main thread, and says what is wrong there
                    }
                },
                "deja-annotations");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Reads every annotation picocli will ask of {@code commands} and of their mixins and argument groups; returns the
     * classes read.
     */
    static List<Class<?>> read(List<Class<?>> commands) {
        List<Class<?>> read = new ArrayList<>();
        commands.forEach(command -> read(command, read));
        return read;
    }

    private static void read(Class<?> command, List<Class<?>> read) {
        read.add(command);
        touch(command);
        for (Field field : command.getDeclaredFields()) {
            touch(field);
            if (field.isAnnotationPresent(CommandLine.Mixin.class)
                    || field.isAnnotationPresent(CommandLine.ArgGroup.class)) {
                read(field.getType(), read);
            }
        }
        for (AnnotatedElement method : command.getDeclaredMethods()) {
            touch(method);
        }
    }

    private static void touch(AnnotatedElement element) {
        element.getAnnotations();
    }
}
