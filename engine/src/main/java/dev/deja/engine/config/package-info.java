/**
 * deja.yaml as written: strict parsing with file:line:column errors. Turned into image definitions by the project
 * package.
 */
package dev.deja.engine.config;
