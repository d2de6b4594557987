/**
 * Model versions and hot swap: {@link io.avloc.modelserver.registry.ModelRegistry} serves the
 * newest good version of a models folder (and of versions announced on the {@code avloc.models}
 * topic), verifies, loads and warms up a new one off the request path, switches atomically and
 * unloads the old one once its in-flight leases are released.
 */
package io.avloc.modelserver.registry;
