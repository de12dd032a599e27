/**
 * Running things: external processes (one runner, one error policy), tasks in parallel, and the run's
 * cancellation. Knows nothing of images.
 */
package dev.deja.engine.exec;
