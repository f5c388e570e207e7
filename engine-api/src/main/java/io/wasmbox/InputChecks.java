package io.wasmbox;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** What a sandbox refuses before anything runs: empty or invalid text, code or stdin over its limit. */
final class InputChecks {
    private InputChecks() {}

    /** Code and prelude: not blank, valid Unicode without NUL, within the code limit. */
    static void checkCode(String code, String prelude, Limits limits) {
        if (code.isBlank()) throw new InvalidCodeException("code is empty");
        checkText("code", code);
        checkText("prelude", prelude);
        long size = utf8Length(code) + utf8Length(prelude);
        if (size > limits.maxCodeBytes()) {
            throw new CodeTooLargeException(
                    "code is " + size + " bytes, over the limit of " + Units.formatBytes(limits.maxCodeBytes()));
        }
    }

    /** Stdin text within the stdin limit. */
    static void checkStdin(String stdin, Limits limits) {
        long stdinBytes = utf8Length(stdin);
        if (stdinBytes > limits.maxStdinBytes()) {
            throw new InputTooLargeException("stdin is " + stdinBytes + " bytes, over the limit of "
                    + Units.formatBytes(limits.maxStdinBytes()));
        }
    }

    private static void checkText(String what, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0) throw new InvalidCodeException(what + " contains a NUL character at offset " + i);
            if (Character.isSurrogate(c)) {
                boolean paired = Character.isHighSurrogate(c)
                        && i + 1 < text.length()
                        && Character.isLowSurrogate(text.charAt(i + 1));
                if (!paired) {
                    throw new InvalidCodeException(what + " is not valid Unicode: unpaired surrogate at offset " + i);
                }
                i++;
            }
        }
    }

    /** Strict UTF-8 decoding; malformed input is an {@link InvalidCodeException}. */
    static String decodeUtf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new InvalidCodeException("code is not valid UTF-8: " + e.getMessage());
        }
    }

    /** UTF-8 length of valid text, counted without encoding it. */
    static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }
}
