/**
 * Kafka Connect single message transform and predicate in JavaScript, TypeScript or Python, one sandbox
 * per task. Connect calls a transform from one task thread at a time, as its contract says.
 */
package io.wasmbox.connect;
