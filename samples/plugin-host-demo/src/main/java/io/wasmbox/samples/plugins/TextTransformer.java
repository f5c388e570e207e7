package io.wasmbox.samples.plugins;

/** The demo product's extension point: plugins implement it with a guest function {@code transform(text)}. */
public interface TextTransformer {
    String transform(String text);
}
