/**
 * What deja knows of the checkout (commit, branch, default branch, first-parent ancestors), read through git;
 * outside a checkout, empty facts, never an error.
 */
package dev.deja.engine.git;
