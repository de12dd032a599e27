/** JSON read into Jackson's tree model without its data binding. */
package dev.deja.registry.json;
