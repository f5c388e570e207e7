package io.wasmbox.samples.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.wasmbox.Wasmbox;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The playground end to end in headless Chromium: type code into the editor, pick the language, click
 * Run, read the output from the page. Uses Debian's chromium and chromedriver (the build installs them
 * when missing, see src/test/scripts/ensure-chromium.sh); Selenium Manager is never asked to download.
 */
class PlaygroundBrowserTest {
    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final String CHROMEDRIVER = "/usr/bin/chromedriver";

    private static TestClient client;
    private static ChromeDriverService driverService;
    private static WebDriver driver;
    private static Path profile;

    @BeforeAll
    static void startBrowser() throws IOException {
        client = TestClient.shared();
        profile = Files.createTempDirectory("wasmbox-chromium-");
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER); // a driver path: no Selenium Manager lookup
        driverService = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments(
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--window-size=1280,900",
                "--user-data-dir=" + profile);
        driver = new ChromeDriver(driverService, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    }

    @AfterAll
    static void stopBrowser() throws IOException {
        if (driver != null) driver.quit();
        if (driverService != null) driverService.stop();
        if (profile != null) {
            try (var files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private WebDriverWait waitUpTo(int seconds) {
        return new WebDriverWait(driver, Duration.ofSeconds(seconds));
    }

    /** Opens the playground, picks the language, types the code and stdin, clicks Run, waits for the result. */
    private void run(String language, String code, String stdin) {
        driver.get(client.service.url() + "/");
        waitUpTo(30).until(d -> "true".equals(d.findElement(By.tagName("body")).getDomAttribute("data-ready")));
        new Select(driver.findElement(By.id("language"))).selectByValue(language);
        driver.findElement(By.cssSelector(".CodeMirror")).click();
        WebElement input = driver.findElement(By.cssSelector(".CodeMirror textarea"));
        input.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
        input.sendKeys(code);
        WebElement stdinBox = driver.findElement(By.id("stdin"));
        stdinBox.clear();
        if (!stdin.isEmpty()) stdinBox.sendKeys(stdin);
        driver.findElement(By.id("run")).click();
        waitUpTo(60).until(d -> !d.findElement(By.id("status")).getText().matches("[–…]|"));
        waitUpTo(60).until(d -> "false".equals(d.findElement(By.tagName("body")).getDomAttribute("data-running")));
    }

    private String text(String id) {
        return driver.findElement(By.id(id)).getText();
    }

    @Test
    void pythonRunsFromTheEditor() {
        run("python", "name = input()\nprint('Hello, ' + name)\nprint(sum(range(10)))", "Wasmbox");
        assertThat(text("status")).isEqualTo("success");
        assertThat(text("stdout")).isEqualTo("Hello, Wasmbox\n45");
        assertThat(text("exit-code")).isEqualTo("0");
        assertThat(text("time")).endsWith(" ms");
        assertThat(text("flags")).isEmpty();
        // the editor kept exactly what was typed (no auto-indent or bracket mangling)
        String typed = (String) ((org.openqa.selenium.JavascriptExecutor) driver)
                .executeScript("return window.playgroundEditor.getValue()");
        assertThat(typed).isEqualTo("name = input()\nprint('Hello, ' + name)\nprint(sum(range(10)))");
    }

    @Test
    void pythonErrorShowsStderrExitCodeAndTraceback() {
        run("python", "import sys\nprint('oops', file=sys.stderr)\nraise KeyError('k')", "");
        assertThat(text("status")).isEqualTo("error");
        assertThat(text("exit-code")).isEqualTo("1");
        assertThat(text("stderr")).isEqualTo("oops");
        assertThat(text("error")).contains("KeyError");
    }

    @Test
    void timeoutIsFlagged() {
        driver.get(client.service.url() + "/");
        waitUpTo(30).until(d -> "true".equals(d.findElement(By.tagName("body")).getDomAttribute("data-ready")));
        WebElement timeout = driver.findElement(By.id("timeout"));
        timeout.clear();
        timeout.sendKeys("300");
        new Select(driver.findElement(By.id("language"))).selectByValue("python");
        driver.findElement(By.cssSelector(".CodeMirror")).click();
        WebElement input = driver.findElement(By.cssSelector(".CodeMirror textarea"));
        input.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
        input.sendKeys("while True: pass");
        driver.findElement(By.id("run")).click();
        waitUpTo(60).until(d -> d.findElement(By.id("status")).getText().equals("timeout"));
        assertThat(text("flags")).contains("TIMEOUT");
        assertThat(text("exit-code")).isEqualTo("124");
    }

    @Test
    void everyLanguageOnTheClassPathIsOfferedAndRuns() {
        driver.get(client.service.url() + "/");
        waitUpTo(30).until(d -> "true".equals(d.findElement(By.tagName("body")).getDomAttribute("data-ready")));
        List<String> offered = new Select(driver.findElement(By.id("language")))
                .getOptions().stream().map(o -> o.getDomAttribute("value")).toList();
        assertThat(offered)
                .containsExactlyElementsOf(
                        Wasmbox.languages().stream().map(l -> l.id()).toList());
        // the service ships all three languages
        assertThat(offered).contains("python", "javascript", "typescript");
        run("javascript", "console.log('js says ' + (6 * 7));", "");
        assertThat(text("status")).isEqualTo("success");
        assertThat(text("stdout")).isEqualTo("js says 42");
        run("javascript", "[1, 2].map(x => x * 21)", "");
        assertThat(text("value")).isEqualTo("[21,42]");
        run("typescript", "const n: number = 6 * 7;\nconsole.log(`ts says ${n}`);", "");
        assertThat(text("status")).isEqualTo("success");
        assertThat(text("stdout")).isEqualTo("ts says 42");
    }
}
