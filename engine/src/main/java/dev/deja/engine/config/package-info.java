/**
 * deja.yaml as written, and the YAML language it shares with compose files: anchors, merge keys, {@code x-} keys,
 * {@code ${VAR}} from the environment and {@code .env}, every value's line for file:line:column errors; the
 * notices deja gives about the user's files and the image-name grammar. Turned into image definitions by the
 * project package.
 */
package dev.deja.engine.config;
