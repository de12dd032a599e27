/**
 * Dockerfiles: the parser (directives, continuations, heredocs), the parsed value (stages, ARG scopes, the images
 * it uses) and the rewriter that pins image references while keeping line numbers. Knows nothing of contexts or
 * states.
 */
package dev.deja.packer.dockerfile;
