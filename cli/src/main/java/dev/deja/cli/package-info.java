/**
 * The command line: one picocli class per command that parses options, calls the engine's façade and formats; exit
 * codes; the only place that calls System.exit. Holds no build logic.
 */
package dev.deja.cli;
