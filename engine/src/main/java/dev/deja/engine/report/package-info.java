/**
 * What a build run did, as values: a result per image ({@link dev.deja.engine.report.Result}) and the run's
 * report. No formatting: presentation lives in the CLI.
 */
package dev.deja.engine.report;
