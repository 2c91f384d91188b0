package io.vrrpd.it;

import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Debian's chromium, headless, driven through Debian's chromedriver by Selenium: nothing is downloaded (the driver
 * and the browser are given by path, so Selenium Manager is not asked). The flags are the ones that work on this
 * machine kind (/work/.library/env/machines/java-maven.md): as root, no sandbox; no background networking (the
 * closed network refuses it, many connections at a time); a fresh profile in a temporary directory, removed on
 * close.
 */
final class Browser implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    final ChromeDriver driver;
    private final Path profile;

    Browser(final int width, final int height) {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new AssertionError(CHROMIUM + " and " + CHROMEDRIVER + " are needed (Debian packages chromium and"
                    + " chromium-driver; scripts/test installs them)");
        }
        try {
            profile = Files.createTempDirectory("vrrpd-it-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        final ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=" + width + "," + height);
        final ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort()
                .withTimeout(Duration.ofSeconds(30)).build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20));
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
    }

    /** Saves a PNG of the viewport to {@code file}. */
    void screenshot(final Path file) {
        final File png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        try {
            Files.createDirectories(file.getParent());
            Files.copy(png.toPath(), file, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the screenshot " + file, e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                System.err.println("cannot remove the browser profile " + profile + ": " + e);
            }
        }
    }
}
