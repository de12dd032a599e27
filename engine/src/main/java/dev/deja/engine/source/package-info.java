/**
 * The build definitions a repository already keeps, as deja's images: compose projects (read by deja itself, the
 * way {@code docker compose config} resolves them) and bake files (resolved by {@code docker buildx bake --print}).
 * What comes out is deja.yaml's vocabulary, for the project loader to validate. Knows no graph and no state.
 */
package dev.deja.engine.source;
