/**
 * The plan: states and decisions (reuse, build, export). Where states are looked up is one small interface ({@link
 * dev.deja.engine.plan.StateLookup}: registry or daemon); the registry is seen through {@link
 * dev.deja.engine.plan.Manifests}. Also cache-from candidates and the fan-out of a plan over CI jobs.
 */
package dev.deja.engine.plan;
