package io.wasmbox.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.jmeter.control.LoopController;
import org.apache.jmeter.engine.StandardJMeterEngine;
import org.apache.jmeter.protocol.java.sampler.JSR223Sampler;
import org.apache.jmeter.reporters.ResultCollector;
import org.apache.jmeter.samplers.SampleEvent;
import org.apache.jmeter.samplers.SampleResult;
import org.apache.jmeter.testelement.TestPlan;
import org.apache.jmeter.threads.ThreadGroup;
import org.apache.jmeter.util.JMeterUtils;
import org.apache.jorphan.collections.HashTree;
import org.apache.jorphan.collections.ListedHashTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.scripting.support.StandardScriptEvaluator;
import org.springframework.scripting.support.StaticScriptSource;

/**
 * Real JSR-223 clients, unchanged: Apache JMeter's JSR223 Sampler (non-GUI engine, a test plan with
 * Python and JavaScript samplers over several threads, compiled scripts cached by JMeter and evaluated
 * with fresh Bindings per sample) and Spring's {@code StandardScriptEvaluator}. Every sample's answer is
 * checked.
 */
class Jsr223ClientsTest {
    private static final int THREADS_PER_GROUP = 3;
    private static final int LOOPS = 15;

    /** Collects every sample of the run. */
    public static class Collector extends ResultCollector {
        private static final long serialVersionUID = 1L;
        static final Queue<SampleResult> SAMPLES = new ConcurrentLinkedQueue<>();

        @Override
        public void sampleOccurred(SampleEvent event) {
            SAMPLES.add(event.getResult());
        }
    }

    @Test
    void jmeterRunsPythonAndJavaScriptSamplersOnSeveralThreadsWithEveryAnswerRight(@TempDir Path home)
            throws Exception {
        Path properties = home.resolve("jmeter.properties");
        Files.writeString(properties, "jmeter.save.saveservice.output_format=csv\n");
        JMeterUtils.setJMeterHome(home.toString());
        JMeterUtils.loadJMeterProperties(properties.toString());
        JMeterUtils.initLocale();

        // Parameters and Label differ per sampler; args is Parameters split into a String[] by JMeter
        String python = "'%s:%s:%d:%d' % (Parameters, Label, len(args), sum(range(int(Parameters[-1]) * 10)))";
        String js = "Parameters + ':' + Label + ':' + args.length + ':'"
                + " + Array.from({length: Number(Parameters.slice(-1)) * 10}, (_, i) => i).reduce((a, b) => a + b, 0)";
        TestPlan plan = new TestPlan("wasmbox");
        HashTree tree = new ListedHashTree();
        HashTree planTree = tree.add(plan);
        planTree.add(new Collector());
        List<String> labels = new ArrayList<>();
        for (String language : List.of("python", "javascript")) {
            for (int group = 1; group <= 2; group++) {
                String label = language + "-sampler-" + group;
                labels.add(label);
                JSR223Sampler sampler = new JSR223Sampler();
                sampler.setName(label);
                // a TestBean: JMeter copies these properties into the sampler's fields when the test starts
                sampler.setProperty("scriptLanguage", language);
                sampler.setProperty("script", language.equals("python") ? python : js);
                sampler.setProperty("parameters", "g" + group);
                sampler.setProperty("filename", "");
                sampler.setProperty("cacheKey", "true"); // JMeter compiles once and shares the CompiledScript
                LoopController loop = new LoopController();
                loop.setLoops(LOOPS);
                loop.setFirst(true);
                loop.initialize();
                ThreadGroup threads = new ThreadGroup();
                threads.setName(label + "-threads");
                threads.setNumThreads(THREADS_PER_GROUP);
                threads.setRampUp(0);
                threads.setSamplerController(loop);
                planTree.add(threads).add(sampler);
            }
        }
        Collector.SAMPLES.clear();
        StandardJMeterEngine engine = new StandardJMeterEngine();
        engine.configure(tree);
        engine.run(); // the non-GUI engine, synchronously

        List<SampleResult> samples = new ArrayList<>(Collector.SAMPLES);
        assertThat(samples).hasSize(labels.size() * THREADS_PER_GROUP * LOOPS);
        for (SampleResult sample : samples) {
            String label = sample.getSampleLabel();
            int group = label.charAt(label.length() - 1) - '0';
            long sum = (group * 10L) * (group * 10L - 1) / 2;
            assertThat(sample.isSuccessful())
                    .as(label + ": " + sample.getResponseMessage())
                    .isTrue();
            assertThat(sample.getResponseDataAsString()).as(label).isEqualTo("g" + group + ":" + label + ":1:" + sum);
        }
        for (String label : labels) {
            assertThat(samples)
                    .filteredOn(s -> s.getSampleLabel().equals(label))
                    .hasSize(THREADS_PER_GROUP * LOOPS);
        }
    }

    @Test
    void springsStandardScriptEvaluatorGetsAnswersAndKeepsEvaluationsApart() {
        for (String language : List.of("python", "javascript")) {
            StandardScriptEvaluator evaluator = new StandardScriptEvaluator();
            evaluator.setLanguage(language);
            assertThat(evaluator.evaluate(new StaticScriptSource("a * b"), Map.of("a", 6, "b", 7)))
                    .isEqualTo(42L);
            String define = language.equals("python") ? "leaked = 'first'\nleaked" : "var leaked = 'first'; leaked";
            assertThat(evaluator.evaluate(new StaticScriptSource(define), Map.of("x", 1)))
                    .isEqualTo("first");
            // each evaluation with arguments is its own scope: nothing defined before is visible
            String probe = language.equals("python") ? "'leaked' in globals()" : "typeof leaked !== 'undefined'";
            assertThat(evaluator.evaluate(new StaticScriptSource(probe), Map.of("x", 2)))
                    .isEqualTo(false);
            assertThat(evaluator.evaluate(new StaticScriptSource(language.equals("python") ? "1 + 1" : "1 + 1")))
                    .isEqualTo(2L);
        }
    }
}
