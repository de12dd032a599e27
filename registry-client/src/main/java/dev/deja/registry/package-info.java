/**
 * The OCI Distribution API operations deja uses (manifests HEAD/GET/PUT, copy across repositories with blob
 * mounts) and its values (repository, manifest, descriptor, error). Knows no files; reads no system property:
 * configuration comes in through constructors.
 */
package dev.deja.registry;
