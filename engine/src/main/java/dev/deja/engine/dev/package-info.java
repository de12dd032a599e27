/**
 * {@code deja dev}: an image's long-running dev container, which receives only the files that changed, runs the
 * image's incremental build and is committed as {@code <name>:dev}. Knows docker (through the CLI) and the packer's
 * entries; no registry.
 */
package dev.deja.engine.dev;
