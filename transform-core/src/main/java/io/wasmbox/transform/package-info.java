/**
 * The record-transform core shared by the transform-dsl sample and the Kafka Connect transform: {@link
 * io.wasmbox.transform.TransformSession} (one script in one sandbox, called per record or per batch,
 * per-record limits) and {@link io.wasmbox.transform.RecordTransformer} (one session per thread).
 *
 * <p>A session is used by one thread at a time; a record transformer is thread-safe.
 */
package io.wasmbox.transform;
