/** The local artifact store: content-addressed blobs plus one atomically written JSON record per artifact; see {@link dev.soci4j.index.store.IndexStore}. */
package dev.soci4j.index.store;
