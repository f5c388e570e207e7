/** The data-transform DSL sample: a CLI over {@code io.wasmbox.transform}. */
package io.wasmbox.samples.transform;
