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
            "pid:/run/nginx.pid@weight=-1    | PID     | /run/nginx.pid                | 1"})
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
            "pid:nginx.pid               | absolute path",
            "systemd:a@weight=0          | weight '0' is not -1 to -254",
            "systemd:a@weight=-255       | weight '-255' is not -1 to -254",
            "systemd:a@weight=10         | weight '10'",
            "systemd:a@weight=           | weight ''"})
    void shouldRefuse(final String spec, final String why) {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Dependency.parse(spec));
        assertTrue(e.getMessage().startsWith("--depends: '" + spec + "' is not a dependency ("), e.getMessage());
        assertTrue(e.getMessage().contains(why), e.getMessage());
        assertTrue(e.getMessage().contains("allowed: systemd:UNIT, tcp:ADDR:PORT"), e.getMessage());
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
