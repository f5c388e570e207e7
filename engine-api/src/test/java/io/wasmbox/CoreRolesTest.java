package io.wasmbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.wasi.WasiExitException;
import com.fasterxml.jackson.databind.node.IntNode;
import io.wasmbox.spi.GuestCrashedException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The roles split out of Sandbox and Limits: input checks, crash classification, units, result kinds. */
class CoreRolesTest {
    private static final Limits SMALL =
            Limits.builder().maxCodeBytes(10).maxStdinBytes(4).build();

    @Test
    void inputChecksRefuseWhatCannotRun() {
        assertThatThrownBy(() -> InputChecks.checkCode("  \n", "", SMALL))
                .isInstanceOf(InvalidCodeException.class)
                .hasMessage("code is empty");
        assertThatThrownBy(() -> InputChecks.checkCode("a\0b", "", SMALL))
                .isInstanceOf(InvalidCodeException.class)
                .hasMessageContaining("NUL character at offset 1");
        assertThatThrownBy(() -> InputChecks.checkCode("x", "\0", SMALL)).hasMessageContaining("prelude");
        assertThatThrownBy(() -> InputChecks.checkCode("a\uD800", "", SMALL))
                .hasMessageContaining("unpaired surrogate at offset 1");
        assertThatThrownBy(() -> InputChecks.checkCode("\uDC00a", "", SMALL)).hasMessageContaining("offset 0");
        InputChecks.checkCode("\uD83D\uDE00", "", SMALL); // a pair is fine
        InputChecks.checkCode("12345", "67890", SMALL); // exactly at the limit
        assertThatThrownBy(() -> InputChecks.checkCode("12345", "678901", SMALL))
                .isInstanceOf(CodeTooLargeException.class)
                .hasMessage("code is 11 bytes, over the limit of 10 bytes");
        InputChecks.checkStdin("1234", SMALL);
        InputChecks.checkStdin("é12", SMALL); // 4 bytes
        assertThatThrownBy(() -> InputChecks.checkStdin("é123", SMALL))
                .isInstanceOf(InputTooLargeException.class)
                .hasMessage("stdin is 5 bytes, over the limit of 4 bytes");
    }

    @Test
    void utf8IsCountedAndDecodedStrictly() {
        assertThat(InputChecks.utf8Length("a")).isEqualTo(1);
        assertThat(InputChecks.utf8Length("é")).isEqualTo(2);
        assertThat(InputChecks.utf8Length("€")).isEqualTo(3);
        assertThat(InputChecks.utf8Length("\uD83D\uDE00")).isEqualTo(4);
        assertThat(InputChecks.utf8Length("a€\uD83D\uDE00é"))
                .isEqualTo("a€\uD83D\uDE00é".getBytes(StandardCharsets.UTF_8).length);
        assertThat(InputChecks.decodeUtf8("hé".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("hé");
        assertThatThrownBy(() -> InputChecks.decodeUtf8(new byte[] {'a', (byte) 0xC3}))
                .isInstanceOf(InvalidCodeException.class)
                .hasMessageStartingWith("code is not valid UTF-8");
    }

    @Test
    void crashesAreClassifiedByTheirType() {
        long cap = 64 * Units.MIB;
        CrashClassifier.Crash exit = CrashClassifier.classify(new WasiExitException(3), 0, cap);
        assertThat(exit.error()).isNull();
        assertThat(exit.exitCode()).isEqualTo(3);
        assertThat(exit.outOfMemory()).isFalse();

        GuestError known = new GuestError(ErrorKind.STACK_OVERFLOW, "RangeError", "deep", "", 4);
        CrashClassifier.Crash recognised =
                CrashClassifier.classify(new GuestCrashedException(known, true, null), 0, cap);
        assertThat(recognised.error()).isSameAs(known);
        assertThat(recognised.outOfMemory()).isTrue();
        assertThat(recognised.exitCode()).isEqualTo(1);

        assertThat(CrashClassifier.classify(new StackOverflowError(), 0, cap)
                        .error()
                        .kind())
                .isEqualTo(ErrorKind.STACK_OVERFLOW);
        assertThat(CrashClassifier.classify(new ChicoryInterruptedException("x"), 0, cap)
                        .error()
                        .kind())
                .isEqualTo(ErrorKind.INTERRUPTED);
        CrashClassifier.Crash heap = CrashClassifier.classify(new OutOfMemoryError(), 0, cap);
        assertThat(heap.error().kind()).isEqualTo(ErrorKind.MEMORY);
        assertThat(heap.outOfMemory()).isTrue();

        CrashClassifier.Crash trap = CrashClassifier.classify(new RuntimeException("unreachable"), cap / 2, cap);
        assertThat(trap.error().kind()).isEqualTo(ErrorKind.TRAP);
        assertThat(trap.error().type()).isEqualTo(GuestError.TRAP);
        assertThat(trap.error().message()).isEqualTo("the guest crashed: unreachable");
        assertThat(trap.outOfMemory()).isFalse();
        long justBelow = cap - CrashClassifier.AT_CAP_SLACK_BYTES - 1;
        assertThat(CrashClassifier.classify(new RuntimeException("x"), justBelow, cap)
                        .outOfMemory())
                .isFalse();
        CrashClassifier.Crash atCap = CrashClassifier.classify(new RuntimeException("x"), justBelow + 1, cap);
        assertThat(atCap.outOfMemory()).isTrue();
        assertThat(atCap.error().kind()).isEqualTo(ErrorKind.MEMORY);
        assertThat(atCap.error().message()).contains("64 MiB");

        assertThat(CrashClassifier.classify(new Error("not the guest's"), 0, cap))
                .isNull();
    }

    @Test
    void unitsParseAndFormat() {
        assertThat(Units.parseSize("m", "64m")).isEqualTo(64 * Units.MIB);
        assertThat(Units.parseSize("m", " 2 GiB ")).isEqualTo(2 * Units.GIB);
        assertThat(Units.parseSize("m", "10kb")).isEqualTo(10 * Units.KIB);
        assertThat(Units.parseSize("m", "123")).isEqualTo(123);
        assertThat(Units.parseSize("m", 7)).isEqualTo(7);
        assertThatThrownBy(() -> Units.parseSize("wasmbox.memory", "-1"))
                .hasMessageStartingWith("wasmbox.memory: '-1'");
        assertThatThrownBy(() -> Units.parseSize("m", "lots")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Units.parseSize("m", Long.MAX_VALUE + "g"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Units.parseDuration("t", "250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Units.parseDuration("t", "1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Units.parseDuration("t", "2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Units.parseDuration("t", "PT3S")).isEqualTo(Duration.ofSeconds(3));
        assertThat(Units.parseDuration("t", 40)).isEqualTo(Duration.ofMillis(40));
        assertThat(Units.parseDuration("t", "40")).isEqualTo(Duration.ofMillis(40));
        assertThatThrownBy(() -> Units.parseDuration("wasmbox.timeout", "soon"))
                .hasMessageStartingWith("wasmbox.timeout:");
        assertThat(Units.formatBytes(3 * Units.GIB)).isEqualTo("3 GiB");
        assertThat(Units.formatBytes(Units.MIB + Units.KIB)).isEqualTo("1025 KiB");
        assertThat(Units.formatBytes(Units.KIB + 1)).isEqualTo("1025 bytes");
        assertThat(Units.formatBytes(0)).isEqualTo("0 bytes");
    }

    @Test
    void aResultHasOneKind() {
        ExecutionResult ok =
                ExecutionResult.builder().value(IntNode.valueOf(42)).build();
        assertThat(ok.kind()).isEqualTo(ErrorKind.NONE);
        assertThat(ok.succeeded()).isTrue();
        assertThat(ok.value()).isEqualTo(42L);
        assertThat(ok.valueAsJson()).isEqualTo("42");
        assertThat(ok.valueAs(Integer.class)).isEqualTo(42);
        assertThat(ExecutionResult.builder().build().valueAsJson()).isEqualTo("null");

        ExecutionResult exit = ExecutionResult.builder().exitCode(3).build();
        assertThat(exit.kind()).isEqualTo(ErrorKind.EXIT);
        assertThat(exit.succeeded()).isFalse();
        assertThatThrownBy(exit::valueOrThrow)
                .isInstanceOf(GuestException.class)
                .hasMessage("script exited with code 3")
                .satisfies(e -> assertThat(((WasmboxException) e).kind()).isEqualTo(ErrorKind.EXIT));

        GuestError syntax = new GuestError(ErrorKind.SYNTAX, "SyntaxError", "bad", "", 2);
        ExecutionResult failed =
                ExecutionResult.builder().exitCode(1).error(syntax).build();
        assertThat(failed.kind()).isEqualTo(ErrorKind.SYNTAX);

        ExecutionResult timeout =
                ExecutionResult.builder().timeoutHit(true).error(syntax).build();
        assertThat(timeout.kind()).isEqualTo(ErrorKind.TIMEOUT);
        assertThatThrownBy(timeout::valueOrThrow).isInstanceOf(ExecutionTimeoutException.class);

        ExecutionResult memory =
                ExecutionResult.builder().memoryLimitHit(true).error(syntax).build();
        assertThat(memory.kind()).isEqualTo(ErrorKind.MEMORY);
        assertThatThrownBy(memory::valueOrThrow).isInstanceOf(MemoryLimitException.class);

        assertThat(new CodeTooLargeException("x").kind()).isEqualTo(ErrorKind.REJECTED);
        assertThat(new WasmboxException("x").kind()).isEqualTo(ErrorKind.INTERNAL);
        assertThatThrownBy(() -> new GuestError(ErrorKind.NONE, "E", "", "", -1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new GuestError("ValueError", null, null, 3).kind()).isEqualTo(ErrorKind.GUEST_ERROR);
        assertThat(new GuestError(null, "m", null, 3).summary()).isEqualTo("Error: m");
        assertThat(new GuestError("E", "", null, 3).summary()).isEqualTo("E");
    }

    @Test
    void aRunTimeoutReplacesTheSandboxOne() {
        Limits limits = Limits.builder().timeoutMillis(500).build();
        assertThat(RunOptions.none().timeoutOr(limits)).isEqualTo(Duration.ofMillis(500));
        assertThat(RunOptions.builder().timeout(Duration.ofSeconds(3)).build().timeoutOr(limits))
                .isEqualTo(Duration.ofSeconds(3));
        assertThatThrownBy(() -> RunOptions.builder().timeout(Duration.ZERO))
                .hasMessageContaining("timeout must be between");
    }

    @Test
    void aLanguageAnswersToItsNames() {
        Language l = new Language(
                "python", "Python", "3.13", "e", "v", List.of("python", "Py"), List.of("py"), List.of("text/x-python"));
        assertThat(l.answersTo(" PY ")).isTrue();
        assertThat(l.answersTo("python")).isTrue();
        assertThat(l.answersTo("text/x-python")).isTrue();
        assertThat(l.answersTo("js")).isFalse();
        assertThat(l.answersTo(null)).isFalse();
    }

    /** Boundaries the mutation run found untested (docs/QUALITY.md). */
    @Test
    void boundariesAreInclusive() {
        assertThat(Limits.builder().timeout(Limits.MIN_TIMEOUT).build().timeout())
                .isEqualTo(Duration.ofMillis(1));
        assertThat(Limits.builder().timeout(Limits.MAX_TIMEOUT).build().timeout())
                .isEqualTo(Duration.ofHours(24));
        assertThatThrownBy(() -> Limits.builder().timeout(Limits.MAX_TIMEOUT.plusNanos(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Limits.builder().memoryBytes(Limits.MIN_MEMORY_BYTES).build().memoryBytes())
                .isEqualTo(Units.MIB);
        assertThat(Limits.builder().memoryBytes(Limits.MAX_MEMORY_BYTES).build().memoryBytes())
                .isEqualTo(4 * Units.GIB);
        assertThatThrownBy(() -> Limits.builder().memoryBytes(Units.MIB - 1)).hasMessageContaining("memory");
        assertThat(Limits.builder().memoryMiB(4096).build().memoryBytes()).isEqualTo(4 * Units.GIB);
        assertThat(Limits.builder().memoryMiB(1).build().memoryBytes()).isEqualTo(Units.MIB);
        assertThatThrownBy(() -> Limits.builder().memoryMiB(4097)).hasMessageContaining("4097 MiB");
        assertThatThrownBy(() -> Limits.builder().memoryMiB(-1)).hasMessageContaining("-1 MiB");
        assertThat(Limits.builder().maxOutputBytes(0).build().maxOutputBytes()).isZero();
        assertThat(Limits.builder()
                        .maxStdinBytes(Limits.MAX_STDIN_BYTES)
                        .build()
                        .maxStdinBytes())
                .isEqualTo(Units.GIB);

        assertThat(Units.formatBytes(Units.GIB)).isEqualTo("1 GiB");
        assertThat(Units.formatBytes(Units.MIB)).isEqualTo("1 MiB");
        assertThat(Units.formatBytes(Units.KIB)).isEqualTo("1 KiB");
        assertThat(Units.formatBytes(5 * Units.MIB)).isEqualTo("5 MiB");
        assertThat(Units.parseSize("m", "0")).isZero();
        assertThat(Units.parseSize("m", "3gb")).isEqualTo(3 * Units.GIB);
        assertThat(Units.parseSize("m", "2kib")).isEqualTo(2 * Units.KIB);

        assertThat(InputChecks.utf8Length("\u007F")).isEqualTo(1);
        assertThat(InputChecks.utf8Length("\u0080")).isEqualTo(2);
        assertThat(InputChecks.utf8Length("\u07FF")).isEqualTo(2);
        assertThat(InputChecks.utf8Length("\u0800")).isEqualTo(3);
    }
}
