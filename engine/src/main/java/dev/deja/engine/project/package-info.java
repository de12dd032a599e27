/**
 * The project: root finding, deja.yaml laid over a compose or bake source (or discovery) turned into validated
 * image definitions, and the deja.yaml that {@code deja init} writes. Knows no registry and no docker.
 */
package dev.deja.engine.project;
