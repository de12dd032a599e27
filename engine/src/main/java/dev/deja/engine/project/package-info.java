/**
 * The project: root finding, deja.yaml (or discovery) turned into validated image definitions, and the image name
 * grammar. Knows no registry and no docker.
 */
package dev.deja.engine.project;
