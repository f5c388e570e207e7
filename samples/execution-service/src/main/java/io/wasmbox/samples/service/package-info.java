/** The HTTP execution service and playground behind {@code ./wasmbox-service}. */
package io.wasmbox.samples.service;
