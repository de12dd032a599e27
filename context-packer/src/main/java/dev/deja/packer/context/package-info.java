/**
 * What a build context is: its spec (folder, includes, excludes), the collector that walks it, its entries, and
 * the deterministic tar sent to the builder. Uses the ignore rules; knows nothing of states.
 */
package dev.deja.packer.context;
