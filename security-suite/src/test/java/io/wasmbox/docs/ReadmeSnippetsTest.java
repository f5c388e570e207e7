package io.wasmbox.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.lang.reflect.Method;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The README's Java examples compile against the engine API, the engines and the plugin host, and run
 * (as Chicory runs its docs' code): every {@code ```java} block of {@code README.md} becomes the body of
 * a method, with the few names the prose assumes ({@code users}, {@code Greeter}, {@code
 * TextTransformer}, {@code text}) declared around it. A block preceded by {@code <!-- readme-test:
 * compile only ... -->} is only compiled.
 */
class ReadmeSnippetsTest {
    private static final Pattern BLOCK =
            Pattern.compile("(<!-- readme-test: compile only[^>]*-->\\s*\\n)?```java\\n(.*?)```", Pattern.DOTALL);

    private static final String IMPORTS = """
            import io.wasmbox.*;
            import io.wasmbox.plugins.*;
            import java.nio.file.Files;
            import java.nio.file.Path;
            import java.time.Duration;
            import java.util.Base64;
            import java.util.List;
            import java.util.Map;
            import javax.script.*;
            """;

    /** The names the README's prose takes for granted. */
    private static final String FIXTURES = """
                public record User(String name) {}
                public static final class Users {
                    public User find(Object id) { return new User("Ada"); }
                }
                public interface Greeter { String greet(String id); }
                public interface TextTransformer { String transform(String text); }
                static final Users users = new Users();
                static String text = "hello";
            """;

    record Snippet(int number, int line, String code, boolean compileOnly) {}

    static List<Snippet> snippets() throws IOException {
        String readme = Files.readString(readme());
        List<Snippet> list = new ArrayList<>();
        Matcher m = BLOCK.matcher(readme);
        while (m.find()) {
            int line = (int) readme.substring(0, m.start(2))
                            .chars()
                            .filter(c -> c == '\n')
                            .count()
                    + 1;
            list.add(new Snippet(list.size() + 1, line, m.group(2), m.group(1) != null));
        }
        return list;
    }

    private static Path readme() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("README.md")) && Files.isDirectory(dir.resolve("engine-api"))) {
                return dir.resolve("README.md");
            }
        }
        throw new IllegalStateException(
                "README.md of the project not found above " + Path.of("").toAbsolutePath());
    }

    @TestFactory
    Stream<DynamicTest> everyJavaExampleCompilesAndRuns() throws IOException {
        List<Snippet> snippets = snippets();
        assertThat(snippets).as("java blocks in README.md").hasSizeGreaterThanOrEqualTo(4);
        return snippets.stream()
                .map(s -> DynamicTest.dynamicTest(
                        "README.md block " + s.number() + " (line " + s.line() + ")"
                                + (s.compileOnly() ? ", compile only" : ""),
                        () -> check(s)));
    }

    private static void check(Snippet s) throws Exception {
        String className = "ReadmeSnippet" + s.number();
        String source = "package readme;\n" + IMPORTS + "public final class " + className + " {\n" + FIXTURES
                + "    public static void run() throws Exception {\n" + s.code().indent(8) + "    }\n}\n";
        Class<?> type = compile("readme." + className, source);
        if (s.compileOnly()) return;
        Method run = type.getMethod("run");
        run.invoke(null);
    }

    private static Class<?> compile(String className, String source) throws Exception {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        StandardJavaFileManager standard = javac.getStandardFileManager(diagnostics, null, null);
        Map<String, ByteArrayClass> classes = new HashMap<>();
        ForwardingJavaFileManager<StandardJavaFileManager> files = new ForwardingJavaFileManager<>(standard) {
            @Override
            public JavaFileObject getJavaFileForOutput(
                    Location location, String name, JavaFileObject.Kind kind, FileObject sibling) {
                ByteArrayClass out = new ByteArrayClass(name);
                classes.put(name, out);
                return out;
            }
        };
        JavaFileObject unit =
                new SimpleJavaFileObject(
                        URI.create("string:///" + className.replace('.', '/') + ".java"), JavaFileObject.Kind.SOURCE) {
                    @Override
                    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                        return source;
                    }
                };
        StringWriter out = new StringWriter();
        boolean ok = javac.getTask(
                        out,
                        files,
                        diagnostics,
                        List.of("-classpath", System.getProperty("java.class.path"), "-proc:none", "-Xlint:all"),
                        null,
                        List.of(unit))
                .call();
        StringBuilder report = new StringBuilder(out.toString());
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            report.append(d.getKind())
                    .append(" line ")
                    .append(d.getLineNumber())
                    .append(": ")
                    .append(d.getMessage(null))
                    .append('\n');
        }
        assertThat(ok).as("compiles:\n%s\n%s", report, source).isTrue();
        ClassLoader loader = new ClassLoader(ReadmeSnippetsTest.class.getClassLoader()) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                ByteArrayClass c = classes.get(name);
                if (c == null) throw new ClassNotFoundException(name);
                byte[] bytes = c.bytes();
                return defineClass(name, bytes, 0, bytes.length);
            }
        };
        return loader.loadClass(className);
    }

    /** A class file javac writes to memory. */
    private static final class ByteArrayClass extends SimpleJavaFileObject {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        ByteArrayClass(String name) {
            super(URI.create("bytes:///" + name.replace('.', '/') + ".class"), Kind.CLASS);
        }

        @Override
        public OutputStream openOutputStream() {
            return bytes;
        }

        byte[] bytes() {
            return bytes.toByteArray();
        }
    }
}
