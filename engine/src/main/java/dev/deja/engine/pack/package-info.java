/**
 * Images packed parents first: a child's Dockerfile names its parents by their exact state, so a parent's change
 * reaches every descendant. Where the digest cache lives.
 */
package dev.deja.engine.pack;
