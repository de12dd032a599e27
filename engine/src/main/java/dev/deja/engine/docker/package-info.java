/**
 * The docker CLI: the build driver (buildx or classic build, push retry), its command lines, the builder probe,
 * and the daemon's image store. Behind {@link dev.deja.engine.docker.ImageBuilder} so the build rules can be
 * tested without docker.
 */
package dev.deja.engine.docker;
