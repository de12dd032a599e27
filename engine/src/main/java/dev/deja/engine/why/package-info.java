/**
 * Why a state differs from an earlier one: the summary deja writes into every image it builds (its labels), and
 * the differences between two states down to files, inputs, bases and parents.
 */
package dev.deja.engine.why;
