package io.wasmbox.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The adversarial suite: every row of the case tables ({@link PythonCases}, {@link JsCases}, {@link
 * TypeScriptCases}), one parameterized test per family, each checked by {@link CaseRunner} for its typed
 * outcome, its limits, secrets that must not show, and the host's health afterwards. The last test asserts
 * the p99 of how far past their timeouts the timeout cases ended.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdversarialCasesTest {
    /** The timeout cases must end within timeout + this at the 99th percentile. */
    static final Duration P99_OVERSHOOT = Duration.ofMillis(100);
    /** Measurements per timeout case for the p99. */
    static final int TIMEOUT_RUNS = 3;

    static List<Case> allCases() {
        List<Case> all = new ArrayList<>();
        all.addAll(PythonCases.all());
        all.addAll(JsCases.all());
        all.addAll(TypeScriptCases.all());
        return all;
    }

    private static Stream<Case> family(Case.Family family) {
        return allCases().stream().filter(c -> c.family == family);
    }

    static Stream<Case> filesystem() {
        return family(Case.Family.FILESYSTEM);
    }

    static Stream<Case> network() {
        return family(Case.Family.NETWORK);
    }

    static Stream<Case> environment() {
        return family(Case.Family.ENVIRONMENT);
    }

    static Stream<Case> processes() {
        return family(Case.Family.PROCESSES);
    }

    static Stream<Case> clocks() {
        return family(Case.Family.CLOCKS);
    }

    static Stream<Case> introspection() {
        return family(Case.Family.INTROSPECTION);
    }

    static Stream<Case> hostFunctions() {
        return family(Case.Family.HOST_FUNCTIONS);
    }

    static Stream<Case> resources() {
        return family(Case.Family.RESOURCES);
    }

    static Stream<Case> badInput() {
        return family(Case.Family.BAD_INPUT);
    }

    @Order(1)
    @ParameterizedTest(name = "{0}")
    @MethodSource("filesystem")
    void filesystem(Case c) throws Exception {
        CaseRunner.run(c);
    }

    @Order(2)
    @ParameterizedTest(name = "{0}")
    @MethodSource("network")
    void network(Case c) throws Exception {
        CaseRunner.run(c);
    }

    @Order(3)
    @ParameterizedTest(name = "{0}")
    @MethodSource("environment")
    void environment(Case c) throws Exception {
        CaseRunner.run(c);
    }

    @Order(4)
    @ParameterizedTest(name = "{0}")
    @MethodSource("processes")
    void processes(Case c) throws Exception {
        CaseRunner.run(c);
    }

    @Order(5)
    @ParameterizedTest(name = "{0}")
    @MethodSource("clocks")
    void clocks(Case c) throws Exception {
        CaseRunner.run(c);
    }

    @Order(6)
    @ParameterizedTest(name = "{0}")
    @MethodSource("introspection")
    void introspection(Case c) throws Exception {
        CaseRunner.run(c);
    }

    @Order(7)
    @ParameterizedTest(name = "{0}")
    @MethodSource("hostFunctions")
    void hostFunctions(Case c) throws Exception {
        CaseRunner.run(c);
    }

    @Order(8)
    @ParameterizedTest(name = "{0}")
    @MethodSource("resources")
    void resources(Case c) throws Exception {
        CaseRunner.run(c);
    }

    @Order(9)
    @ParameterizedTest(name = "{0}")
    @MethodSource("badInput")
    void badInput(Case c) throws Exception {
        CaseRunner.run(c);
    }

    /**
     * p99 over every timeout case of how long past its timeout the caller got the result. Every timeout case
     * is measured {@link #TIMEOUT_RUNS} times (its family test is the first), so the percentile is over a
     * sample, not one run each.
     */
    @Order(10)
    @Test
    void timeoutCasesEndWithinTheirTimeoutPlus100msAtP99() throws Exception {
        List<Case> timeouts = allCases().stream()
                .filter(c -> c.outcome == Case.Outcome.TIMEOUT)
                .toList();
        assertThat(timeouts).as("the tables have timeout cases").hasSizeGreaterThanOrEqualTo(20);
        for (Case c : timeouts) {
            int measured =
                    CaseRunner.TIMEOUT_OVERSHOOT.getOrDefault(c.id(), List.of()).size();
            for (int i = measured; i < TIMEOUT_RUNS; i++) CaseRunner.run(c);
        }
        Duration p99 = CaseRunner.overshootPercentile(99);
        System.out.printf(
                "timeout overshoot over %d cases x %d runs: p50 %d ms, p99 %d ms, max %d ms%n",
                timeouts.size(),
                TIMEOUT_RUNS,
                CaseRunner.overshootPercentile(50).toMillis(),
                p99.toMillis(),
                CaseRunner.overshootPercentile(100).toMillis());
        assertThat(p99)
                .as("p99 of (end - timeout) over %d timeout cases: %s", timeouts.size(), CaseRunner.TIMEOUT_OVERSHOOT)
                .isLessThanOrEqualTo(P99_OVERSHOOT);
    }

    @Test
    void caseNamesAreUniqueAndTheSuiteIsLargeEnough() {
        List<Case> all = allCases();
        Set<String> ids = new HashSet<>();
        for (Case c : all)
            assertThat(ids.add(c.id())).as("duplicate case %s", c).isTrue();
        assertThat(all).hasSizeGreaterThanOrEqualTo(200);
        for (Case.Family f : Case.Family.values()) {
            for (String language : List.of(Languages.PYTHON, Languages.JS)) {
                assertThat(all)
                        .as("%s has %s cases", language, f)
                        .anyMatch(c -> c.family == f && c.language.equals(language));
            }
        }
    }

    @Test
    void typescriptCasesExistOnceTheEngineDoes() {
        if (Languages.typescriptAvailable()) {
            assertThat(TypeScriptCases.all())
                    .as("the TypeScript engine is on the class path: list its cases")
                    .isNotEmpty();
        } else {
            assertThat(TypeScriptCases.all())
                    .as("TypeScript cases without the engine cannot run")
                    .isEmpty();
        }
    }

    @Test
    void theHostSecretsAreInPlace() {
        assertThat(System.getenv(SuiteSecrets.ENV_NAME))
                .as("surefire sets the host environment secret")
                .isEqualTo(SuiteSecrets.HOST_ENV);
        assertThat(SuiteSecrets.HOST_FILE).exists().content().contains(SuiteSecrets.HOST_FILE_CONTENT);
    }
}
