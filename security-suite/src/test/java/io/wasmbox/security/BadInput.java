package io.wasmbox.security;

import static io.wasmbox.security.Case.Family.BAD_INPUT;

import io.wasmbox.CodeTooLargeException;
import io.wasmbox.InputTooLargeException;
import io.wasmbox.InvalidCodeException;
import io.wasmbox.Limits;
import io.wasmbox.RunOptions;
import io.wasmbox.Sandbox;
import io.wasmbox.SandboxClosedException;
import io.wasmbox.Units;
import io.wasmbox.UnsupportedLanguageException;
import io.wasmbox.Wasmbox;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Bad input, the same for every language: oversized code or stdin, invalid UTF-8, NUL, empty code, unknown
 * languages, absurd limits. Each is rejected with its typed exception before any guest code runs, or (where
 * the input is legal) handled without harm.
 */
final class BadInput {
    private BadInput() {}

    /**
     * @param value code that evaluates to 2 ({@code 1 + 1})
     * @param echoStdinLine code that prints one line of stdin
     * @param statement a trivial statement
     */
    static List<Case> cases(String language, String value, String echoStdinLine, String statement) {
        List<Case> c = new ArrayList<>();
        c.add(new Case(language, BAD_INPUT, "empty-code", "").rejected(InvalidCodeException.class));
        c.add(new Case(language, BAD_INPUT, "blank-code", " \n\t\n").rejected(InvalidCodeException.class));
        c.add(new Case(language, BAD_INPUT, "nul-in-code", value + "\0").rejected(InvalidCodeException.class));
        c.add(new Case(language, BAD_INPUT, "nul-in-prelude", value)
                .options(RunOptions.builder().prelude(statement + "\0").build())
                .rejected(InvalidCodeException.class));
        c.add(new Case(language, BAD_INPUT, "lone-surrogate", value + "\uD800").rejected(InvalidCodeException.class));
        c.add(new Case(language, BAD_INPUT, "reversed-surrogates", value + "\uDC00\uD800")
                .rejected(InvalidCodeException.class));
        byte[][] invalidUtf8 = {
            {'1', '+', (byte) 0xC3, (byte) 0x28}, // truncated 2-byte sequence
            {'1', (byte) 0xC0, (byte) 0x80}, // overlong NUL
            {'1', (byte) 0xED, (byte) 0xA0, (byte) 0x80}, // encoded surrogate
            {'1', (byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}, // 5-byte form
            {(byte) 0xFF, (byte) 0xFE}, // not UTF-8 at all
        };
        String[] names = {"truncated", "overlong-nul", "encoded-surrogate", "five-byte", "bom-like"};
        for (int i = 0; i < invalidUtf8.length; i++) {
            byte[] bytes = invalidUtf8[i];
            c.add(new Case(language, BAD_INPUT, "invalid-utf8-" + names[i], null)
                    .action(ctx -> {
                        try (Sandbox box = ctx.newSandbox()) {
                            return box.run(bytes, RunOptions.none());
                        }
                    })
                    .rejected(InvalidCodeException.class));
        }
        c.add(new Case(language, BAD_INPUT, "code-over-cap", value + " ".repeat(2000))
                .limits(Limits.builder().maxCodeBytes(1024).build())
                .rejected(CodeTooLargeException.class));
        c.add(new Case(language, BAD_INPUT, "multibyte-code-over-cap", value + " // " + "\uD83D\uDE00".repeat(4))
                .limits(Limits.builder().maxCodeBytes(value.length() + 10).build())
                .rejected(CodeTooLargeException.class));
        c.add(new Case(language, BAD_INPUT, "prelude-over-cap", value)
                .limits(Limits.builder().maxCodeBytes(1024).build())
                .options(RunOptions.builder()
                        .prelude(statement + " ".repeat(1100))
                        .build())
                .rejected(CodeTooLargeException.class));
        c.add(new Case(language, BAD_INPUT, "default-cap-100k-code", statement.repeat(150_000 / statement.length()))
                .rejected(CodeTooLargeException.class));
        c.add(new Case(language, BAD_INPUT, "stdin-over-cap", value)
                .limits(Limits.builder().maxStdinBytes(10).build())
                .options(RunOptions.builder().stdin("0123456789A").build())
                .rejected(InputTooLargeException.class));
        c.add(new Case(language, BAD_INPUT, "stdin-2mib-over-default-cap", value)
                .options(RunOptions.builder().stdin("s".repeat(2 * 1024 * 1024)).build())
                .rejected(InputTooLargeException.class));
        c.add(new Case(language, BAD_INPUT, "stdin-stream-cut-at-cap", echoStdinLine)
                .limits(Limits.builder().maxStdinBytes(5).build())
                .options(RunOptions.builder()
                        .stdin(new ByteArrayInputStream("abcdefghij\n".getBytes()))
                        .build())
                .exit(0)
                .and("only the first 5 bytes were readable", r -> r.stdout().equals("abcde\n")));
        c.add(new Case(language, BAD_INPUT, "stdin-stream-invalid-utf8", echoStdinLine)
                .options(RunOptions.builder()
                        .stdin(new ByteArrayInputStream(new byte[] {'a', (byte) 0xFF, 'b', '\n'}))
                        .build())
                .exit(0)
                .and("decoded with a replacement character", r -> r.stdout().equals("a\uFFFDb\n")));
        c.add(new Case(language, BAD_INPUT, "stdin-with-nul", echoStdinLine)
                .options(RunOptions.builder().stdin("a\0b\n").build())
                .exit(0)
                .and("read as is", r -> r.stdout().equals("a\0b\n")));
        c.add(new Case(language, BAD_INPUT, "unknown-language", null)
                .action(ctx -> {
                    Wasmbox.interpreter("cobol");
                    return null;
                })
                .rejected(UnsupportedLanguageException.class));
        c.add(new Case(language, BAD_INPUT, "null-language", null)
                .action(ctx -> {
                    Wasmbox.interpreter(null);
                    return null;
                })
                .rejected(UnsupportedLanguageException.class));
        c.add(new Case(language, BAD_INPUT, "language-path-injection", null)
                .action(ctx -> {
                    Wasmbox.interpreter("../" + language);
                    return null;
                })
                .rejected(UnsupportedLanguageException.class));
        Object[][] absurdLimits = {
            {"memory-zero", (Runnable) () -> Limits.builder().memoryBytes(0)},
            {"memory-negative", (Runnable) () -> Limits.builder().memoryBytes(-1)},
            {"memory-over-4g", (Runnable) () -> Limits.builder().memoryBytes(5 * Units.GIB)},
            {"memory-mib-overflow", (Runnable) () -> Limits.builder().memoryMiB(Long.MAX_VALUE)},
            {"memory-mib-negative", (Runnable) () -> Limits.builder().memoryMiB(-1)},
            {"timeout-zero", (Runnable) () -> Limits.builder().timeout(Duration.ZERO)},
            {"timeout-negative", (Runnable) () -> Limits.builder().timeout(Duration.ofMillis(-5))},
            {"timeout-over-24h", (Runnable) () -> Limits.builder().timeout(Duration.ofDays(2))},
            {"timeout-one-year", (Runnable) () -> Limits.builder().timeout(Duration.ofDays(365))},
            {"output-negative", (Runnable) () -> Limits.builder().maxOutputBytes(-1)},
            {"code-zero", (Runnable) () -> Limits.builder().maxCodeBytes(0)},
            {"stdin-over-1g", (Runnable) () -> Limits.builder().maxStdinBytes(2 * Units.GIB)},
            {"size-string-overflow", (Runnable) () -> Units.parseSize("memory", "99999999999999999999g")},
            {"size-string-negative", (Runnable) () -> Units.parseSize("memory", "-5m")},
            {"duration-string-garbage", (Runnable) () -> Units.parseDuration("timeout", "soon")},
        };
        for (Object[] row : absurdLimits) {
            Runnable build = (Runnable) row[1];
            c.add(new Case(language, BAD_INPUT, "limits-" + row[0], null)
                    .action(ctx -> {
                        build.run();
                        return null;
                    })
                    .rejectedWithAny(IllegalArgumentException.class));
        }
        c.add(new Case(language, BAD_INPUT, "memory-below-language-minimum", null)
                .action(ctx -> {
                    ctx.interpreter()
                            .sandbox()
                            .limits(Limits.builder().memoryBytes(Units.MIB).build())
                            .build();
                    return null;
                })
                .rejectedWithAny(IllegalArgumentException.class));
        c.add(new Case(language, BAD_INPUT, "env-name-with-equals", null)
                .action(ctx -> {
                    RunOptions.builder().env("A=B", "x");
                    return null;
                })
                .rejectedWithAny(IllegalArgumentException.class));
        c.add(new Case(language, BAD_INPUT, "env-value-with-nul", null)
                .action(ctx -> {
                    RunOptions.builder().env("A", "x\0y");
                    return null;
                })
                .rejectedWithAny(IllegalArgumentException.class));
        c.add(new Case(language, BAD_INPUT, "bind-dunder-name", null)
                .action(ctx -> {
                    try (Sandbox box = ctx.newSandbox()) {
                        box.bind("__import__", args -> null);
                    }
                    return null;
                })
                .rejectedWithAny(IllegalArgumentException.class));
        c.add(new Case(language, BAD_INPUT, "bind-code-as-name", null)
                .action(ctx -> {
                    try (Sandbox box = ctx.newSandbox()) {
                        box.bind("x;import os", args -> null);
                    }
                    return null;
                })
                .rejectedWithAny(IllegalArgumentException.class));
        c.add(new Case(language, BAD_INPUT, "run-after-close", null)
                .action(ctx -> {
                    Sandbox box = ctx.newSandbox();
                    box.close();
                    return box.run(value);
                })
                .rejected(SandboxClosedException.class));
        c.add(new Case(language, BAD_INPUT, "code-exactly-at-cap-runs", value)
                .limits(Limits.builder().maxCodeBytes(value.length()).build())
                .value(2L));
        return c;
    }
}
