package io.vrrpd.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 11's browser test: the dashboard of a three-host service cluster in Debian's chromium (headless, Selenium),
 * served by h1's daemon on {@code 127.0.0.1:8080} inside h1's namespace and reached through a {@link NamespaceRelay}
 * (the lab has no interface in the root namespace). One lab, one page, several checks in the order an operator
 * would meet them:
 * <ol>
 *   <li>the page renders every member's routers and every node's row of the service, with the full status text;</li>
 *   <li>a hostile cgi fragment ({@code <script>} and an {@code onerror} handler that would change the page's title
 *   and mark the frame) shows in its panel and does not run;</li>
 *   <li>an action with a read token is refused, and the refusal's detail is shown; h1 stays Master;</li>
 *   <li>with the admin token, from h1's page, Disable and Enable on h2's router (another member: sent with
 *   {@code ?node=h2}, run by h2);</li>
 *   <li>Disable on h1's Master: the page shows h2 as Master within 2 s of the click, without
 *   a reload; Move here moves the service; the panel's form posts back to the cgi primitive.</li>
 * </ol>
 * Screenshots go to {@code target/dashboard/} (or {@code -Ddashboard.screenshots=DIR}; docs/img holds two).
 */
class DashboardIT extends LabScenario {
    static final List<String> HOSTS = List.of("h1", "h2", "h3");
    static final int WEB_PORT = 8080;
    static final String ADMIN_TOKEN = "it-admin-6f1c0e2b9a";
    static final String READ_TOKEN = "it-read-3d8a7c41e5";
    static final String TITLE = "vrrpd dashboard";
    /** The bound: a failover shows up on the page within 2 s, without a reload. */
    static final long FAILOVER_SHOWN_MS = 2000;
    static final Duration FORM = Duration.ofSeconds(30);
    static final Duration UI = Duration.ofSeconds(10);

    private NamespaceRelay relay;
    private Browser browser;

    @Override
    int hostCount() {
        return 3;
    }

    @AfterEach
    void endBrowser() {
        if (browser != null) {
            browser.close();
            browser = null;
        }
        if (relay != null) {
            relay.close();
            relay = null;
        }
        Lab.parallel(lab.daemons(), Daemon::ensureStopped);
    }

    @Test
    void wholeClusterLive_failoverWithin2s_actionsNeedTheAdminToken_cgiScriptNeverRuns() throws Exception {
        try {
            scenario();
        } catch (Exception | AssertionError e) {
            printBrowser();
            throw e;
        }
    }

    /** On a failure: what the page said, its console, and a screenshot. */
    private void printBrowser() {
        if (browser == null) {
            return;
        }
        try {
            System.err.println("==== the page: live='" + text(By.id("live")) + "' notice='"
                    + browser.driver.findElement(By.id("notice")).getAttribute("textContent") + "' url="
                    + browser.driver.getCurrentUrl());
            browser.driver.manage().logs().get("browser").getAll().forEach(entry -> System.err.println("console: " + entry));
            browser.screenshot(screenshots().resolve("failure.png"));
        } catch (RuntimeException e) {
            System.err.println("cannot read the page: " + e);
        }
    }

    private void scenario() throws Exception {
        startCluster();
        relay = new NamespaceRelay(lab.ns("h1"), WEB_PORT);
        browser = new Browser(1280, 1000);
        final var driver = browser.driver;
        final long opened = System.nanoTime();
        driver.get(relay.url() + "/");
        assertEquals(TITLE, driver.getTitle());
        useToken(READ_TOKEN);

        // 1. Every member's router and every node's row of the service, the service's full status text.
        for (final String host : HOSTS) {
            await(host + "'s router on the page", d -> !d.findElements(router(host)).isEmpty());
        }
        await("h1 shown as Master", d -> "MASTER".equals(attr(router("h1"), "data-state")));
        assertEquals("BACKUP", attr(router("h2"), "data-state"));
        assertEquals("BACKUP", attr(router("h3"), "data-state"));
        assertTrue(text(router("h1")).contains("200 / 200"), "configured / effective priority: " + text(router("h1")));
        assertEquals("h1 (" + Lab.ipv4("h1") + ")", text(By.cssSelector(".group-master")));
        final String startedOn = startedOn();
        for (final String host : HOSTS) {
            await("the service's row of " + host, d -> !d.findElements(serviceRow(host)).isEmpty());
        }
        await("the full status text of " + startedOn, d -> text(serviceRow(startedOn))
                .contains("second line of the status"));
        assertTrue(text(By.id("cluster-summary")).startsWith("3 of 3 members up"), text(By.id("cluster-summary")));
        // h3's broken router file: no button (Clear, Disable: the API refuses them with 409 until the file loads), but
        // what to do instead.
        final By bad = By.cssSelector("tr[data-node='h3'][data-router='bad']");
        await("h3's broken router file on the page", d -> !d.findElements(bad).isEmpty());
        // One locator for row and buttons: the page re-renders rows as it polls, and a row found first went stale
        // before its buttons were asked for (CI).
        assertTrue(driver.findElements(By.cssSelector("tr[data-node='h3'][data-router='bad'] button")).isEmpty(),
                "no button on a broken file's row: " + text(bad));
        assertEquals("Fix bad.toml line 5 on h3, then systemctl reload vrrpd (SIGHUP)",
                text(By.cssSelector("tr[data-node='h3'][data-router='bad'] .file-fix")));
        assertTrue(text(bad).contains(d("h3").configDir().resolve("routers/bad.toml") + ":5: priority: 300"),
                "the reason beside it names the file, the line and the error: " + text(bad));
        System.out.printf("[measure] page open -> 3 hosts' routers and service rows rendered after %d ms%n",
                Wait.millisSince(opened));

        // 2. The hostile panel: rendered in its sandboxed frame, its script and handler never run.
        final HttpResponse<String> panel = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(relay.url() + "/api/v1/services/panel/cgi")).header("Authorization", "Bearer " + READ_TOKEN)
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, panel.statusCode(), panel.body());
        assertTrue(panel.body().contains("<script>"), "the fragment is hostile: " + panel.body());
        assertTrue(panel.headers().firstValue("Content-Security-Policy").orElse("").startsWith("sandbox"),
                panel.headers().toString());
        click(By.cssSelector("article[data-service='panel'] .panel-bar button"));
        final WebElement frame = await("the panel's frame", d -> {
            final WebElement f = d.findElement(By.cssSelector("article[data-service='panel'] iframe.cgi"));
            return f.isDisplayed() && f.getAttribute("srcdoc") != null ? f : null;
        });
        assertEquals("", frame.getAttribute("sandbox"), "sandboxed without any allow- token");
        Wait.sleep(Duration.ofMillis(500)); // time for a script that would run
        driver.switchTo().frame(frame);
        assertEquals("panel of panel on " + startedOn, driver.findElement(By.id("marker")).getText());
        // Each mark in a script of its own: one that throws (parent.document from an opaque origin) stops no other.
        assertNull(driver.findElement(By.tagName("body")).getAttribute("data-pwned"), "the fragment's script ran");
        assertNotEquals("pwned", driver.executeScript("return document.title;"), "the fragment's script ran");
        driver.switchTo().defaultContent();
        assertEquals(TITLE, driver.getTitle(), "the fragment's script or onerror handler changed the page");

        // 3. With a read token an action is refused, with the API's detail; nothing changed.
        click(By.cssSelector("tr[data-node='h1'][data-router='web'] button[data-verb='disable']"));
        confirm();
        final String refused = await("the refusal", d -> {
            final String t = d.findElement(By.id("notice")).getText();
            return t.contains("refused") ? t : null;
        });
        System.out.println("[observation] action with the read token: " + refused);
        assertEquals("MASTER", routerState("h1"), "a refused disable changed nothing");

        // 4. The admin token. First a router on another member, from h1's page: Disable on h2's (a Backup) is sent
        // with ?node=h2 and h2 runs it (its own show-router says disabled); Enable puts it back for the failover below.
        useToken(ADMIN_TOKEN);
        assertEquals("· h1", text(By.id("where")), "the member serving the page, from its entry marked self");
        final long remoteStart = System.nanoTime();
        click(By.cssSelector("tr[data-node='h2'][data-router='web'] button[data-verb='disable']"));
        await("the confirmation naming h2", d -> d.findElement(By.id("confirm-text")).getText()
                .equals("Disable router web on node h2?"));
        confirm();
        await("h2's router shown disabled", d -> d.findElements(By.cssSelector(
                "tr[data-node='h2'][data-router='web'] button[data-verb='enable']")).size() == 1);
        assertEquals("disabled", routerJson("h2").path("admin").asText(), "h2 ran the verb");
        assertEquals("MASTER", routerState("h1"), "h1's router of the same name untouched");
        click(By.cssSelector("tr[data-node='h2'][data-router='web'] button[data-verb='enable']"));
        confirm();
        await("h2's router shown enabled again", d -> "BACKUP".equals(attr(router("h2"), "data-state")));
        assertEquals("online", routerJson("h2").path("admin").asText());
        System.out.printf("[measure] Disable then Enable of h2's router from h1's page (two confirmations): %d ms%n",
                Wait.millisSince(remoteStart));

        // The Master: Disable on h1's router; the page shows the failover within 2 s, without a reload.
        driver.executeScript("window.itMarker = 'same page';");
        click(By.cssSelector("tr[data-node='h1'][data-router='web'] button[data-verb='disable']"));
        final long clicked = System.nanoTime();
        confirm();
        await("h2 shown as Master", d -> "MASTER".equals(attr(router("h2"), "data-state")));
        final long shown = Wait.millisSince(clicked);
        System.out.printf("[measure] Disable of h1's Master confirmed -> the page shows h2 as Master after %d ms"
                + " (VRRP: priority 0 from h1, h2 takes over after its skew time; the page polls every 1 s)%n", shown);
        assertTrue(shown <= FAILOVER_SHOWN_MS, "failover shown after " + shown + " ms");
        assertEquals("same page", driver.executeScript("return window.itMarker;"), "the page was reloaded");
        assertEquals("disabled", routerJson("h1").path("admin").asText());
        assertTrue(text(By.id("notice")).contains("done"), text(By.id("notice")));
        await("the timeline entry", d -> text(By.id("timeline-list")).matches("(?s).*h2 web \\(VRID 10 IPv4\\): BACKUP → MASTER.*"));

        // A failover the page did not cause (disable-router on h2, through its control socket: no vrrpadm JVM start
        // in the measure): shown within 2 s of the request, no reload. First the page's fast polling after its own
        // action must be over (3 s): this measures the plain 1 s poll.
        Wait.sleep(Duration.ofMillis(3200));
        final long disabled = System.nanoTime();
        d("h2").control().call("disable-router", JsonNodeFactory.instance.objectNode().put("name", "web"));
        await("h3 shown as Master", d -> "MASTER".equals(attr(router("h3"), "data-state")));
        final long live = Wait.millisSince(disabled);
        System.out.printf("[measure] disable-router sent to h2 (Master) -> the page shows h3 as Master after %d ms%n",
                live);
        assertTrue(live <= FAILOVER_SHOWN_MS, "failover shown after " + live + " ms");
        assertEquals("same page", driver.executeScript("return window.itMarker;"), "the page was reloaded");

        // Move here: the service moves to another node.
        final String target = HOSTS.stream().filter(h -> !h.equals(startedOn)).findFirst().orElseThrow();
        click(By.cssSelector("article[data-service='panel'] tr[data-node='" + target + "'] button[data-verb='start']"));
        confirm();
        Wait.until(FORM, "panel to move to " + target, () -> target.equals(startedOn()));
        await("the page to show panel started on " + target,
                d -> text(serviceRow(target)).contains("started"));

        // The panel's form, mirrored by the page, posts back to the cgi primitive with the admin token.
        final WebElement send = await("the panel's form", d -> d.findElements(
                By.cssSelector("article[data-service='panel'] .panel-forms form button")).stream().findFirst().orElse(null));
        send.click();
        confirm();
        await("the post's answer in the frame", d -> inPanel(d, "posted").contains("say=hello"));
        // A method="get" form: its fields become the query string of a GET (a read, no confirmation).
        assertEquals("View", text(By.cssSelector("article[data-service='panel'] .panel-forms form:nth-of-type(2) label span")),
                "a wrapping label's own words, not its select's options");
        click(By.cssSelector("article[data-service='panel'] .panel-forms form:nth-of-type(2) button"));
        await("the GET form's answer in the frame", d -> inPanel(d, "query").equals("query: view=detail"));

        // Deactivate on a node that does not run it: it leaves the service's active nodes.
        final String idle = HOSTS.stream().filter(h -> !h.equals(target)).findFirst().orElseThrow();
        click(By.cssSelector("article[data-service='panel'] tr[data-node='" + idle + "'] button[data-verb='deactivate']"));
        confirm();
        Wait.until(FORM, "panel deactivated on " + idle, () -> {
            final JsonNode s = d("h1").control().call("show-service",
                    JsonNodeFactory.instance.objectNode().put("name", "panel")).get(0);
            return !s.path("active_on").toString().contains("\"" + idle + "\"");
        });
        await("the page to offer Activate on " + idle, d -> !d.findElements(By.cssSelector(
                "article[data-service='panel'] tr[data-node='" + idle + "'] button[data-verb='activate']")).isEmpty());
        assertEquals(TITLE, driver.getTitle());
        // The whole page at 1280 px: the window as tall as the page (a screenshot is of the viewport).
        final Number height = (Number) driver.executeScript("return document.documentElement.scrollHeight;");
        driver.manage().window().setSize(new Dimension(1280, Math.min(4000, height.intValue() + 140)));
        Wait.sleep(Duration.ofMillis(300));
        browser.screenshot(screenshots().resolve("dashboard.png"));

        // Narrow: the same page at a phone's width (each table row a card), shown from the routers on.
        driver.manage().window().setSize(new Dimension(420, 900));
        driver.executeScript("document.getElementById('notice').hidden = true;"
                + " document.getElementById('routers').scrollIntoView();");
        Wait.sleep(Duration.ofMillis(300));
        final Number overflow = (Number) driver.executeScript(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
        assertTrue(overflow.intValue() <= 0, "the page itself does not scroll sideways at 420 px: " + overflow);
        browser.screenshot(screenshots().resolve("dashboard-narrow.png"));
    }

    // ---- the lab

    /** Three daemons in one cluster, each with the web on 127.0.0.1:8080 and a token file; routers; the service. */
    private void startCluster() throws IOException {
        ClusterSetup.configure(lab, HOSTS, 2000, 1500);
        final Path tokens = lab.work().resolve("tokens");
        Files.writeString(tokens, ADMIN_TOKEN + " admin\n" + READ_TOKEN + " read\n");
        Files.setPosixFilePermissions(tokens, PosixFilePermissions.fromString("rw-------"));
        for (final String host : HOSTS) {
            final Path toml = d(host).configDir().resolve("vrrpd.toml");
            Files.writeString(toml, Files.readString(toml) + "\n[web]\nlisten = \"127.0.0.1:" + WEB_PORT
                    + "\"\ntoken_file = \"" + tokens + "\"\n");
            d(host).noGuard();
        }
        // A router file on h3 that does not load (priority 300, line 5): a maintenance row whose verbs are refused.
        Files.createDirectories(d("h3").configDir().resolve("routers"));
        Files.writeString(d("h3").configDir().resolve("routers/bad.toml"), "vrid = 11\nlink = 'eth0'\n"
                + "address_family = 'inet'\naddresses = ['192.0.2.111/24']\npriority = 300\n");
        lab.startDaemons(HOSTS.toArray(String[]::new));
        Wait.until(FORM, "one view of three with quorum on every host", () -> {
            final Set<String> seen = new TreeSet<>();
            for (final String host : HOSTS) {
                for (final JsonNode row : d(host).control().call("show-cluster", JsonNodeFactory.instance.objectNode())) {
                    seen.add(row.path("status").asText() + "/" + row.path("view").asText() + "/" + row.path("quorum").asText());
                }
            }
            return seen.size() == 1 && seen.iterator().next().startsWith("up/") && seen.iterator().next().endsWith("/yes");
        });
        final int[] priorities = {200, 150, 100};
        for (int i = 0; i < HOSTS.size(); i++) {
            createRouter(HOSTS.get(i), "web", "-V", "10", "-l", "eth0", "-A", "inet", "-p",
                    Integer.toString(priorities[i]), "-i", "300", "-a", "192.0.2.100/24");
        }
        Wait.until(FORM, "h1 Master, h2 and h3 Backup", () -> routerState("h1").equals("MASTER")
                && routerState("h2").equals("BACKUP") && routerState("h3").equals("BACKUP"));
        final Path type = typeProgram();
        lab.vrrpadmOk("h1", "create-service", "-t", type.toString(), "-c", "1000", "panel");
        lab.vrrpadmOk("h1", "activate-service", "-n", "h1,h2,h3", "panel");
        lab.vrrpadmOk("h1", "start-service", "panel");
        Wait.until(FORM, "panel started", () -> !startedOn().isEmpty());
    }

    /**
     * The service's type: a file per node says started; status is two lines; cgi is hostile (a script and an
     * onerror handler that would change the page's title and mark the frame) and echoes a POST's body.
     */
    private Path typeProgram() throws IOException {
        final Path dir = lab.work().resolve("dashboard");
        Files.createDirectories(dir);
        final Path type = dir.resolve("panel-type");
        Files.writeString(type, """
                #!/bin/sh
                d='%s'
                case "$1" in
                start) touch "$d/started-$VRRPD_NODE" ;;
                stop) rm -f "$d/started-$VRRPD_NODE" ;;
                check)
                    if [ "$VRRPD_STATE" = started ]; then [ -e "$d/started-$VRRPD_NODE" ] || exit 2
                    else [ ! -e "$d/started-$VRRPD_NODE" ] || exit 2; fi ;;
                status) printf 'first line on %%s\\nsecond line of the status\\n' "$VRRPD_NODE" ;;
                cgi)
                    posted=''
                    if [ "$REQUEST_METHOD" = POST ]; then posted=$(head -c "${CONTENT_LENGTH:-0}" | tr -dc 'A-Za-z0-9=&'); fi
                    cat <<EOF
                <h2 id="marker">panel of $VRRPD_SERVICE on $VRRPD_NODE</h2>
                <p id="posted">posted: $posted</p>
                <p id="query">query: $(printf '%%s' "$QUERY_STRING" | tr -dc 'A-Za-z0-9=&')</p>
                <script>document.body.setAttribute('data-pwned', 'script');</script>
                <script>document.title = 'pwned';</script>
                <script>parent.document.title = 'pwned';</script>
                <img src="/nothing-here" alt="" onerror="document.body.setAttribute('data-pwned', 'onerror')">
                <form method="post"><label for="say">Say</label><input id="say" name="say" value="hello"><button name="go" value="1">Send</button></form>
                <form method="get"><label>View <select name="view"><option>summary</option><option selected>detail</option></select></label><button>Show</button></form>
                EOF
                    ;;
                *) exit 4 ;;
                esac
                """.formatted(dir));
        Files.setPosixFilePermissions(type, PosixFilePermissions.fromString("rwxr-xr-x"));
        return type;
    }

    private JsonNode routerJson(final String host) {
        return d(host).control().call("show-router", JsonNodeFactory.instance.objectNode().put("name", "web")).get(0);
    }

    private String routerState(final String host) {
        return routerJson(host).path("state").asText();
    }

    /** The node the service is started on, "" when none. */
    private String startedOn() {
        final JsonNode s = d("h1").control().call("show-service",
                JsonNodeFactory.instance.objectNode().put("name", "panel")).get(0);
        return "started".equals(s.path("state").asText()) ? s.path("started_on").asText() : "";
    }

    // ---- the page

    /** The text of element {@code id} inside the service's panel frame. */
    private static String inPanel(final org.openqa.selenium.WebDriver d, final String id) {
        d.switchTo().frame(d.findElement(By.cssSelector("article[data-service='panel'] iframe.cgi")));
        try {
            return d.findElement(By.id(id)).getText();
        } finally {
            d.switchTo().defaultContent();
        }
    }

    private static By router(final String host) {
        return By.cssSelector("#routers-body tr[data-node='" + host + "'][data-router='web']");
    }

    private static By serviceRow(final String host) {
        return By.cssSelector("article[data-service='panel'] tr[data-node='" + host + "']");
    }

    private <T> T await(final String what, final Function<org.openqa.selenium.WebDriver, T> condition) {
        return new WebDriverWait(browser.driver, UI, Duration.ofMillis(50)).withMessage(what)
                .ignoring(org.openqa.selenium.NoSuchElementException.class)
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(d -> {
                    final T value = condition.apply(d);
                    return Boolean.FALSE.equals(value) ? null : value;
                });
    }

    /** An attribute of the first element found (null: none); read again if the poll re-rendered it meanwhile. */
    private String attr(final By by, final String name) {
        return fresh(() -> {
            final List<WebElement> found = browser.driver.findElements(by);
            return found.isEmpty() ? null : found.getFirst().getAttribute(name);
        });
    }

    private String text(final By by) {
        return fresh(() -> browser.driver.findElement(by).getText());
    }

    /** The page re-renders its tables every poll: an element found may be replaced before it is read. */
    private static <T> T fresh(final java.util.function.Supplier<T> read) {
        for (int attempt = 1; ; attempt++) {
            try {
                return read.get();
            } catch (org.openqa.selenium.StaleElementReferenceException e) {
                if (attempt == 5) {
                    throw e;
                }
            }
        }
    }

    private void click(final By by) {
        await("clickable " + by, d -> {
            final WebElement e = d.findElement(by);
            if (!e.isDisplayed() || !e.isEnabled()) {
                return false;
            }
            ((org.openqa.selenium.JavascriptExecutor) d).executeScript("arguments[0].scrollIntoView({block: 'center'});", e);
            e.click();
            return true;
        });
    }

    /** Confirms in the page's modal dialog. */
    private void confirm() {
        await("the confirmation dialog", d -> d.findElement(By.id("confirm")).isDisplayed());
        browser.driver.findElement(By.id("confirm-ok")).click();
        await("the dialog to close", d -> !d.findElement(By.id("confirm")).isDisplayed());
    }

    private void useToken(final String token) {
        final WebElement field = browser.driver.findElement(By.id("token"));
        field.clear();
        field.sendKeys(token);
        browser.driver.findElement(By.cssSelector("#token-form button[type='submit']")).click();
        await("the token in use", d -> d.findElement(By.id("token-state")).getText().equals("token set for this tab"));
    }

    private static Path screenshots() {
        return Path.of(System.getProperty("dashboard.screenshots", "target/dashboard"));
    }
}
