/** The JMH suite and its report tools (docs/BENCHMARKS.md). */
package io.wasmbox.benchmarks;
