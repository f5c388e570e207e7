/** A host product with JavaScript, TypeScript and Python plugins. */
package io.wasmbox.samples.plugins;
