package dev.deja.cli;

import dev.deja.engine.build.BuildListener;
import dev.deja.engine.report.Result;
import java.io.PrintWriter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The terminal form of a build's progress: one status line per image (phase, time, the builder's latest line),
 * redrawn in place; when it ends, the last lines of every failed image's log, so the reason stays on screen.
 */
final class LiveStatus implements BuildListener, AutoCloseable {

    private static final int TAIL = 25;

    private static final class Row {
        final long start = System.nanoTime();
        String phase = "building";
        long end;
        String last = "";
        final Deque<String> tail = new ArrayDeque<>();
    }

    private final PrintWriter err;
    private final int width;
    private final Map<String, Row> rows = new LinkedHashMap<>();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "deja-status");
        thread.setDaemon(true);
        return thread;
    });
    private int drawn;

    LiveStatus(PrintWriter err, int width) {
        this.err = err;
        this.width = Math.max(40, width);
        ticker.scheduleAtFixedRate(this::draw, 200, 200, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void started(String image) {
        rows.put(image, new Row());
    }

    @Override
    public synchronized void line(String image, String text) {
        Row row = rows.computeIfAbsent(image, i -> new Row());
        if (!text.isBlank()) {
            row.last = text.strip();
        }
        row.tail.addLast(text);
        if (row.tail.size() > TAIL) {
            row.tail.removeFirst();
        }
    }

    @Override
    public synchronized void finished(String image, Result status, String reason) {
        Row row = rows.computeIfAbsent(image, i -> new Row());
        row.phase = status.name().toLowerCase(Locale.ROOT);
        row.end = System.nanoTime();
        if (!reason.isEmpty()) {
            row.last = reason;
        }
    }

    synchronized void draw() {
        StringBuilder frame = new StringBuilder();
        if (drawn > 0) {
            frame.append("\033[").append(drawn).append('A');
        }
        int nameWidth = rows.keySet().stream().mapToInt(String::length).max().orElse(0);
        for (Map.Entry<String, Row> entry : rows.entrySet()) {
            Row row = entry.getValue();
            double seconds = ((row.end == 0 ? System.nanoTime() : row.end) - row.start) / 1e9;
            String line = String.format(
                    Locale.ROOT,
                    "%s %-" + nameWidth + "s  %-8s %6.1fs  %s",
                    symbol(row.phase),
                    entry.getKey(),
                    row.phase,
                    seconds,
                    row.last);
            frame.append("\r\033[2K")
                    .append(line.length() > width ? line.substring(0, width - 1) + "…" : line)
                    .append('\n');
        }
        drawn = rows.size();
        err.print(frame);
        err.flush();
    }

    private static String symbol(String phase) {
        return switch (phase) {
            case "building" -> "…";
            case "failed" -> "✗";
            case "skipped" -> "-";
            default -> "✓";
        };
    }

    /** Stops redrawing, draws the final state and prints the tail of every failed image's log. */
    @Override
    public void close() {
        ticker.shutdownNow();
        draw();
        synchronized (this) {
            rows.forEach((image, row) -> {
                if (row.phase.equals("failed")) {
                    err.println("--- " + image + ": the last lines of its build ---");
                    row.tail.forEach(line -> err.println("[" + image + "] " + line));
                }
            });
            err.flush();
        }
    }
}
