/**
 * The image graph: dependencies read from Dockerfiles and depends_on, cycle detection, levels, and selections
 * (--upto, --dependents, --exclude). Knows no state and no registry.
 */
package dev.deja.engine.graph;
