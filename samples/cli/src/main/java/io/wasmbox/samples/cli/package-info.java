/** The {@code ./wasmbox} command: runs a script in a sandbox and reports how it ended. */
package io.wasmbox.samples.cli;
