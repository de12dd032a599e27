/**
 * Base images: the images from outside the repository that Dockerfiles use, resolved to digests (from the
 * registry, or from {@code deja.lock}) so that a state covers them and the packed Dockerfile names exactly them.
 * Knows the registry client and the lock file; no context files.
 */
package dev.deja.engine.bases;
