/**
 * One HTTP exchange with a registry: retries with backoff and Retry-After, re-authorization on 401, error bodies
 * turned into exceptions, the http/https choice, the --debug log. Knows no registry operation.
 */
package dev.deja.registry.transport;
