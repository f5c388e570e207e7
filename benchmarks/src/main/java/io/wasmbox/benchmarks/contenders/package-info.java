/** The peers measured side by side with Wasmbox (Nashorn, Rhino, GraalJS, QuickJS through javy). */
package io.wasmbox.benchmarks.contenders;
