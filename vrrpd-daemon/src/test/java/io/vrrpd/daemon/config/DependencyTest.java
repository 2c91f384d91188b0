package io.vrrpd.daemon.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DependencyTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "systemd:nginx.service           | SYSTEMD | nginx.service                 | 0",
            "systemd:getty@tty1.service      | SYSTEMD | getty@tty1.service            | 0",
            "tcp:127.0.0.1:5432              | TCP     | 127.0.0.1:5432                | 0",
            "tcp:[::1]:5432@weight=-30       | TCP     | [::1]:5432                    | 30",
            "http://127.0.0.1:8080/health    | HTTP    | http://127.0.0.1:8080/health  | 0",
            "https://u@[::1]/a,b@weight=-254 | HTTP    | https://u@[::1]/a,b           | 254",
            "exec:/usr/local/bin/check-db    | EXEC    | /usr/local/bin/check-db       | 0",
            "pid:/run/nginx.pid@weight=-1    | PID     | /run/nginx.pid                | 1",
            "pid:nginx                      | PID     | nginx                         | 0",
            "link:eth1@weight=-50           | LINK    | eth1                          | 50"})
    void shouldParse(final String spec, final Dependency.Kind kind, final String target, final int weight) {
        final Dependency dependency = Dependency.parse(spec);
        assertEquals(kind, dependency.kind());
        assertEquals(target, dependency.target());
        assertEquals(weight, dependency.weight());
        assertEquals(weight != 0, dependency.weighted());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "nginx                       | no kind",
            "ftp:x                       | unknown kind 'ftp'",
            "systemd:                    | not a systemd unit name",
            "systemd:a b                 | not a systemd unit name",
            "tcp:127.0.0.1               | PORT 1-65535",
            "tcp:127.0.0.1:0             | PORT 1-65535",
            "tcp:127.0.0.1:65536         | PORT 1-65535",
            "tcp:localhost:80            | 'localhost' is not an IP address",
            "tcp:::1:80                  | in brackets",
            "tcp:[127.0.0.1]:80          | in brackets",
            "http:health                 | needs a host",
            "http://                     | not a URL",
            "exec:check.sh               | absolute path",
            "pid:run/nginx.pid           | absolute path",
            "systemd:a@weight=0          | weight '0' is not -1 to -254",
            "systemd:a@weight=-255       | weight '-255' is not -1 to -254",
            "systemd:a@weight=10         | weight '10'",
            "systemd:a@weight=           | weight ''",
            "tcp:127.0.0.1:80@interval=5 | interval '5' is not 10-3600000 ms",
            "tcp:127.0.0.1:80@interval=x | interval 'x' is not 10-3600000 ms",
            "tcp:127.0.0.1:80@timeout=0  | timeout '0' is not 1-3600000 ms",
            "tcp:127.0.0.1:80@timeout=600,interval=500 | timeout 600 ms is longer than the interval 500 ms",
            "tcp:127.0.0.1:80@timeout=1001 | timeout 1001 ms is longer than the interval 1000 ms",
            "tcp:127.0.0.1:80@fall=0     | fall '0' is not 1-100",
            "tcp:127.0.0.1:80@rise=101   | rise '101' is not 1-100",
            "tcp:127.0.0.1:80@fall=2,fall=3 | option 'fall' is given twice",
            "tcp:127.0.0.1:80@fall=2,falls=3 | unknown option 'falls'",
            "tcp:127.0.0.1:80@fall=2,    | unknown option ''",
            "tcp:127.0.0.1:80@intervall=5 | unknown option 'intervall'",
            "exec:/bin/check@wieght=-5   | unknown option 'wieght'"})
    void shouldRefuse(final String spec, final String why) {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Dependency.parse(spec));
        assertTrue(e.getMessage().startsWith("--depends: '" + spec + "' is not a dependency ("), e.getMessage());
        assertTrue(e.getMessage().contains(why), e.getMessage());
        assertTrue(e.getMessage().contains("allowed: systemd:UNIT, tcp:ADDR:PORT"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "tcp:127.0.0.1:80                                | 0  | 1000 | 500  | 2 | 2",
            "tcp:127.0.0.1:80@interval=500,fall=3,rise=2     | 0  | 500  | 250  | 3 | 2",
            "tcp:127.0.0.1:80@weight=-20,interval=200        | 20 | 200  | 100  | 2 | 2",
            "systemd:getty@tty1.service@rise=5,timeout=900   | 0  | 1000 | 900  | 2 | 5",
            "`http://u@127.0.0.1/a,b@timeout=1000,weight=-1` | 1  | 1000 | 1000 | 2 | 2",
            "exec:/bin/check@interval=15                     | 0  | 15   | 7    | 2 | 2",
            "pid:/run/x.pid@fall=1,rise=1,interval=3600000   | 0  | 3600000 | 1800000 | 1 | 1"})
    void shouldParseCheckOptions(final String spec, final int weight, final int interval, final int timeout,
                                 final int fall, final int rise) {
        final Dependency dependency = Dependency.parse(spec);
        assertEquals(weight, dependency.weight());
        assertEquals(interval, dependency.intervalMillis());
        assertEquals(timeout, dependency.timeoutMillis());
        assertEquals(fall, dependency.fall());
        assertEquals(rise, dependency.rise());
    }

    @Test
    void shouldNameADependencyWithoutItsOptions() {
        assertEquals("tcp:[::1]:80", Dependency.parse("tcp:[::1]:80@weight=-5,fall=3").label());
        assertEquals("http://127.0.0.1/x", Dependency.parse("http://127.0.0.1/x@interval=100").label());
        assertEquals("systemd:getty@tty1.service", Dependency.parse("systemd:getty@tty1.service").label());
        assertEquals("https://u@127.0.0.1/", Dependency.parse("https://u@127.0.0.1/").target());
        assertEquals(Dependency.parse("exec:/a"), new Dependency(Dependency.Kind.EXEC, "/a", 0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " "})
    void shouldRefuseEmpty(final String spec) {
        assertThrows(IllegalArgumentException.class, () -> Dependency.parse(spec));
    }

    @Test
    void shouldNotMistakeUserInfoForWeight() {
        assertFalse(Dependency.parse("http://user@127.0.0.1/").weighted());
    }
}
