package dev.deja.packer.state;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;

/**
 * One {@code lstat} of a path: its mode (type and permission bits) and its {@link FileStamp}.
 *
 * <p>The JDK gives a file's ctime, inode and device only through its attribute map ({@code
 * readAttributes("unix:…")}), which parses its attribute list and boxes every value on each call: on a walk of
 * 50,000 files that costs twice the {@code lstat}s. Where the JDK's own attributes object is open to deja (the
 * jar's manifest says {@code Add-Opens: java.base/sun.nio.fs}), its fields are read directly from the one {@code
 * lstat} {@link PosixFileAttributes} makes; anywhere else (a JDK that moved them, a run on the class path without
 * the manifest) the map is used. Both give the same values (a test compares them).
 */
public record Lstat(int mode, FileStamp stamp) {

    /** The attributes one lstat gives that a stamp and the walk need, through the map. */
    public static final String ATTRIBUTES = "unix:mode,size,lastModifiedTime,ctime,ino,dev";

    /** The fields of the JDK's attributes object, or {@code null} when they cannot be read. */
    private static final Fields FIELDS = Fields.find();

    /** The lstat of {@code path} (a symlink is not followed). */
    public static Lstat of(Path path) throws IOException {
        return FIELDS != null ? FIELDS.read(path) : throughTheMap(path);
    }

    /** Whether {@link #of} reads the JDK's fields (tests, and to say which way a benchmark measured). */
    public static boolean direct() {
        return FIELDS != null;
    }

    static Lstat throughTheMap(Path path) throws IOException {
        Map<String, Object> attributes = Files.readAttributes(path, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        return new Lstat((Integer) attributes.get("mode"), FileStamp.of(attributes));
    }

    /**
     * The JDK's own {@code lstat} into an attributes object each walking thread reuses, and that object's fields: a
     * walk of 50,000 entries made 50,000 attribute objects, views and option arrays (16 MB, a young collection's
     * worth with the rest of a walked state).
     */
    private record Fields(
            MethodHandle lstat,
            ThreadLocal<Object> attributes,
            VarHandle mode,
            VarHandle size,
            VarHandle mtimeSeconds,
            VarHandle mtimeNanos,
            VarHandle ctimeSeconds,
            VarHandle ctimeNanos,
            VarHandle inode,
            VarHandle device) {

        static Fields find() {
            try {
                Class<?> attributes = Class.forName("sun.nio.fs.UnixFileAttributes");
                Class<?> dispatcher = Class.forName("sun.nio.fs.UnixNativeDispatcher");
                Class<?> unixPath = Class.forName("sun.nio.fs.UnixPath");
                MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(attributes, MethodHandles.lookup());
                MethodHandle lstat = MethodHandles.privateLookupIn(dispatcher, MethodHandles.lookup())
                        .findStatic(dispatcher, "lstat", MethodType.methodType(void.class, unixPath, attributes))
                        .asType(MethodType.methodType(void.class, Path.class, Object.class));
                MethodHandle make = lookup.findConstructor(attributes, MethodType.methodType(void.class))
                        .asType(MethodType.methodType(Object.class));
                Fields fields = new Fields(
                        lstat,
                        ThreadLocal.withInitial(() -> {
                            try {
                                return (Object) make.invokeExact();
                            } catch (Throwable e) {
                                throw new IllegalStateException("the JDK's attributes object cannot be made", e);
                            }
                        }),
                        lookup.findVarHandle(attributes, "st_mode", int.class),
                        lookup.findVarHandle(attributes, "st_size", long.class),
                        lookup.findVarHandle(attributes, "st_mtime_sec", long.class),
                        lookup.findVarHandle(attributes, "st_mtime_nsec", long.class),
                        lookup.findVarHandle(attributes, "st_ctime_sec", long.class),
                        lookup.findVarHandle(attributes, "st_ctime_nsec", long.class),
                        lookup.findVarHandle(attributes, "st_ino", long.class),
                        lookup.findVarHandle(attributes, "st_dev", long.class));
                // Trust the fields only if they say what the map says, here and now. (Not by Lstat's own equals: a
                // record's is linked on its first call, which costs a cold JVM 30 ms of CPU.)
                Path probe = Path.of("/");
                return same(fields.read(probe), throughTheMap(probe)) ? fields : null;
            } catch (ReflectiveOperationException | RuntimeException | IOException | LinkageError e) {
                return null;
            }
        }

        private static boolean same(Lstat a, Lstat b) {
            return a.mode() == b.mode() && a.stamp().equals(b.stamp());
        }

        Lstat read(Path path) throws IOException {
            Object a = attributes.get();
            try {
                lstat.invokeExact(path, a);
            } catch (Error e) {
                throw e;
            } catch (Throwable e) {
                // The JDK's own exception, which does not say what went wrong as Files does (nor a path of another
                // file system): asked again through the map, which does.
                return throughTheMap(path);
            }
            return new Lstat(
                    (int) mode.get(a),
                    new FileStamp(
                            (long) size.get(a),
                            (long) mtimeSeconds.get(a) * 1_000_000_000L + (long) mtimeNanos.get(a),
                            (long) ctimeSeconds.get(a) * 1_000_000_000L + (long) ctimeNanos.get(a),
                            (long) inode.get(a),
                            (long) device.get(a)));
        }
    }
}
