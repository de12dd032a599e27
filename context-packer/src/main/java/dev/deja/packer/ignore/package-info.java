/**
 * BuildKit's .dockerignore semantics (Go path cleaning, patterns, exceptions). Knows nothing of files on disk
 * beyond the text it is given.
 */
package dev.deja.packer.ignore;
