package io.wasmbox.spi;

import static org.assertj.core.api.Assertions.assertThat;

import io.wasmbox.HostFunction;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HostCallsTest {
    @Test
    void argumentsArrivePlainAndResultsGoBackAsJson() {
        List<Object> seen = new ArrayList<>();
        HostFunction echo = args -> {
            seen.addAll(args);
            return Map.of("n", args.size());
        };
        HostCalls calls = new HostCalls(Map.of("echo", echo), () -> false);
        String reply =
                calls.dispatch("{\"name\":\"echo\",\"args\":[1,2.5,\"s\",true,null,[1],{\"k\":18446744073709551616}]}");
        assertThat(reply).isEqualTo("v{\"n\":7}");
        assertThat(seen)
                .containsExactly(
                        1L, 2.5, "s", true, null, List.of(1L), Map.of("k", new BigInteger("18446744073709551616")));
    }

    @Test
    void failuresReachTheGuestAsTheirMessageOnly() {
        HostCalls calls = new HostCalls(
                Map.of(
                        "boom",
                        args -> {
                            throw new IllegalStateException("no such user");
                        },
                        "quiet",
                        args -> {
                            throw new RuntimeException();
                        },
                        "nothing",
                        args -> null),
                () -> false);
        assertThat(calls.dispatch("{\"name\":\"boom\",\"args\":[]}")).isEqualTo("eno such user");
        assertThat(calls.dispatch("{\"name\":\"quiet\"}"))
                .isEqualTo("ehost function 'quiet' failed")
                .doesNotContain("RuntimeException");
        assertThat(calls.dispatch("{\"name\":\"missing\"}")).isEqualTo("eno host function named 'missing' is bound");
        assertThat(calls.dispatch("{\"name\":\"nothing\"}")).isEqualTo("vnull");
        assertThat(calls.dispatch("not json")).startsWith("e");
    }

    @Test
    void requestsLeaveOutEmptyFields() {
        GuestRequest r = GuestRequest.builder(GuestRequest.RUN).code("1+1").build();
        assertThat(r.toJson()).isEqualTo("{\"mode\":\"run\",\"code\":\"1+1\",\"stdinStream\":false}");
        GuestRequest changed = r.toBuilder().prelude("x = 1").build();
        assertThat(changed.prelude()).isEqualTo("x = 1");
        assertThat(changed.code()).isEqualTo("1+1");
        assertThat(GuestRequest.builder(GuestRequest.CHECK).build().toJson())
                .isEqualTo("{\"mode\":\"check\",\"code\":\"\",\"stdinStream\":false}");
    }

    @Test
    void aRequestHasAPlainContextOnlyWithoutContextFields() {
        GuestRequest plain = GuestRequest.builder(GuestRequest.INVOKE)
                .target("f")
                .invokeArgs(List.of(Json.toTree(1)))
                .hostFunctions(List.of("noop"))
                .build();
        assertThat(plain.hasPlainContext()).isTrue();
        assertThat(plain.toJson()).doesNotContain("plainContext"); // not a field of the wire format
        assertThat(plain.toBuilder().fileName("a.js").build().hasPlainContext()).isFalse();
        assertThat(plain.toBuilder().stdin("x", false).build().hasPlainContext())
                .isFalse();
        assertThat(plain.toBuilder().stdin("", true).build().hasPlainContext()).isFalse();
        assertThat(plain.toBuilder().args(List.of("a")).build().hasPlainContext())
                .isFalse();
        assertThat(plain.toBuilder().env(Map.of("K", "V")).build().hasPlainContext())
                .isFalse();
        assertThat(plain.toBuilder().prelude("x = 1").build().hasPlainContext()).isFalse();
        assertThat(plain.toBuilder()
                        .globals(Map.of("g", Json.toTree(1)))
                        .build()
                        .hasPlainContext())
                .isFalse();
    }

    @Test
    void aHostCallReplyIsTypedAndItsWireFormIsJson() {
        HostCalls calls = new HostCalls(Map.of("give", args -> "text"), () -> false);
        assertThat(calls.call("{\"name\":\"give\"}"))
                .isEqualTo(new HostCalls.Reply(Json.toTree("text"), "\"text\"", null));
        assertThat(calls.call("{\"name\":\"other\"}").value()).isNull();
        assertThat(calls.call("{\"name\":\"other\"}").error()).contains("no host function named 'other'");
    }

    @Test
    void absentRequestFieldsAreEmptyNotNull() {
        GuestRequest r =
                new GuestRequest(GuestRequest.RUN, null, null, null, false, null, null, null, null, null, null, null);
        assertThat(r.code()).isEmpty();
        assertThat(r.stdin()).isEmpty();
        assertThat(r.prelude()).isEmpty();
        assertThat(r.args()).isEmpty();
        assertThat(r.env()).isEmpty();
        assertThat(r.globals()).isEmpty();
        assertThat(r.hostFunctions()).isEmpty();
        assertThat(r.invokeArgs()).isEmpty();
    }

    @Test
    void integersBecomeLongUpTo63BitsThenBigInteger() {
        assertThat(Json.toJava(Json.parse("9223372036854775807"))).isEqualTo(Long.MAX_VALUE);
        assertThat(Json.toJava(Json.parse("9223372036854775808"))).isEqualTo(new BigInteger("9223372036854775808"));
        assertThat(Json.toJava(Json.parse("-9223372036854775808"))).isEqualTo(Long.MIN_VALUE);
        assertThat(Json.toJava(null)).isNull();
        assertThat(Json.toTree(null).isNull()).isTrue();
    }
}
