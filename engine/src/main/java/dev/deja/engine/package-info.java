/**
 * The engine's façade: {@link dev.deja.engine.Deja}, one method per command, built from {@link
 * dev.deja.engine.DejaSettings}. Sub-packages follow the data flow: project, graph, pack, plan, build (with
 * docker), report; git and exec serve them.
 */
package dev.deja.engine;
