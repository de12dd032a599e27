/**
 * The build rules: one scheduler (an image starts when its own parents are done; a failed parent skips its
 * descendants; --jobs at a time; a cancelled run starts nothing), one run with a finishing step per mode (registry
 * retag, daemon latest, pull first), the promoter and the puller.
 */
package dev.deja.engine.build;
