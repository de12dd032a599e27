/**
 * From files to a state, and nothing else: the Dockerfile, .dockerignore, the context and its deterministic tar,
 * and the state digest. Knows no HTTP, no config file and no docker; {@link dev.deja.packer.InputException} is its
 * one error (file and line).
 */
package dev.deja.packer;
