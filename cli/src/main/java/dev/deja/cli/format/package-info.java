/**
 * Presentation: tables, JSON reports, dotenv and GitHub outputs, fan-out pipelines, graph renderings. Reads engine
 * values; decides nothing.
 */
package dev.deja.cli.format;
