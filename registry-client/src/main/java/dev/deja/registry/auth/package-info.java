/**
 * Who deja is to a registry: credentials (docker config.json, credential helpers, identity tokens), the 401
 * challenge, and the token authenticator with its cache per registry and scope. Never puts a secret in a message.
 */
package dev.deja.registry.auth;
