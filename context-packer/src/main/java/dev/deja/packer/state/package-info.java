/**
 * The state: the build inputs besides the files, the content hasher (parallel, with an on-disk digest cache keyed
 * by file stamps) and the state digest and tag. The only package that decides what a state covers.
 */
package dev.deja.packer.state;
