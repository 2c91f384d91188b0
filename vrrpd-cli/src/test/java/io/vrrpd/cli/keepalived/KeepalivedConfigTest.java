package io.vrrpd.cli.keepalived;

import io.vrrpd.cli.keepalived.KeepalivedConfig.Node;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** keepalived.conf read as keepalived reads it: the tree, and the place of every refusal. */
class KeepalivedConfigTest {

    @TempDir
    Path dir;

    private Path write(final String name, final String text) throws IOException {
        final Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }

    private List<Node> read(final Path file, final String id) throws Exception {
        return KeepalivedConfig.read(file, id).statements();
    }

    @Test
    @DisplayName("blocks, comments (# and ! anywhere, not inside quotes), quoted words, '{' on the next line")
    void shouldReadBlocksCommentsAndQuotes() throws Exception {
        final Path file = write("k.conf", """
                ! Configuration File for keepalived
                vrrp_script chk { # a comment
                    script "/usr/bin/check --name 'a # b'"   ! another
                    interval 2
                }
                vrrp_instance VI_1
                {
                    virtual_ipaddress {
                        192.0.2.1/24 dev eth0
                    }
                }
                """);
        final List<Node> top = read(file, "h");
        assertEquals(List.of("vrrp_script", "vrrp_instance"), top.stream().map(Node::keyword).toList());
        assertEquals(List.of("/usr/bin/check --name 'a # b'"), top.get(0).child("script").orElseThrow().args());
        assertEquals(6, top.get(1).where().line());
        final Node vip = top.get(1).child("virtual_ipaddress").orElseThrow().children().getFirst();
        assertEquals("192.0.2.1/24", vip.keyword());
        assertEquals(List.of("dev", "eth0"), vip.args());
        assertEquals(file + ":9", vip.where().toString());
    }

    @Test
    @DisplayName("@ID lines apply only to that config id, @^ID lines to every other one")
    void shouldKeepConditionalLinesOfThisHostOnly() throws Exception {
        final Path file = write("k.conf", """
                vrrp_instance VI_1 {
                @main   priority 200
                @backup priority 100
                    unicast_peer {
                        @^main 192.0.2.1
                        @^backup 192.0.2.2
                    }
                }
                """);
        final Node main = read(file, "main").getFirst();
        assertEquals(List.of("200"), main.child("priority").orElseThrow().args());
        assertEquals(List.of("192.0.2.2"), main.child("unicast_peer").orElseThrow().words());
        final Node backup = read(file, "backup").getFirst();
        assertEquals(List.of("100"), backup.child("priority").orElseThrow().args());
        assertEquals(List.of("192.0.2.1"), backup.child("unicast_peer").orElseThrow().words());
    }

    @Test
    @DisplayName("$NAME=VALUE parameters: $NAME before white space and ${NAME}, recursive, multi-line with @ID inside")
    void shouldSubstituteParameters() throws Exception {
        final Path file = write("k.conf", """
                @main $PRIO=240
                $BASE=192.0.2.${SUB}
                $SUB=7
                $INSTANCE= \\
                vrrp_instance VI_${NUM} { \\
                    @main priority $PRIO \\
                    @^main priority 100 \\
                    virtual_ipaddress { \\
                        ${BASE}/24 \\
                    } \\
                }
                $NUM=1
                $INSTANCE
                $NUM=2
                $INSTANCE
                vrrp_script s {
                    script "/bin/echo $UNDEFINED"
                }
                """);
        final List<Node> top = read(file, "main");
        assertEquals(List.of(List.of("VI_1"), List.of("VI_2"), List.of("s")), top.stream().map(Node::args).toList());
        assertEquals(List.of("240"), top.get(0).child("priority").orElseThrow().args());
        assertEquals(List.of("192.0.2.7/24"), top.get(1).child("virtual_ipaddress").orElseThrow().words());
        assertEquals(file + ":13", top.get(0).where().toString());
        assertEquals(List.of("/bin/echo $UNDEFINED"), top.get(2).child("script").orElseThrow().args());
        assertEquals(List.of("100"), read(file, "other").getFirst().child("priority").orElseThrow().args());
    }

    @Test
    @DisplayName("include: globs and braces, relative to the including file's directory; none matching is a warning")
    void shouldFollowIncludes() throws Exception {
        write("conf.d/b.conf", "vrrp_instance B {\n}\n");
        write("conf.d/a.conf", "include ../more/*.conf\nvrrp_instance A {\n}\n");
        write("more/c.conf", "vrrp_instance C {\n}\n");
        write("conf.d/skip.txt", "vrrp_instance X {\n}\n");
        final Path main = write("keepalived.conf", "include conf.d/{a,b}.conf\ninclude nothing/*.conf\n");
        final KeepalivedConfig.Parsed parsed = KeepalivedConfig.read(main, "h");
        assertEquals(List.of("C", "A", "B"), parsed.statements().stream().map(n -> n.args().getFirst()).toList());
        assertEquals(dir.resolve("more/c.conf") + ":1", parsed.statements().getFirst().where().toString());
        assertEquals(List.of(main + ":2: include nothing/*.conf: no file matches (keepalived skips it too)"),
                parsed.warnings());
    }

    @Test
    @DisplayName("broken files are refused at FILE:LINE: unbalanced braces, an open quote, an include loop, a missing"
            + " include")
    void shouldRefuseBrokenFilesAtTheirLine() throws Exception {
        assertRefused(write("a.conf", "vrrp_instance A {\n  priority 1\n}\n}\n"), "a.conf:4: '}' without a '{' before it");
        assertRefused(write("b.conf", "global_defs {\n}\nvrrp_instance A {\n  priority 1\n"),
                "b.conf:3: vrrp_instance: its '{' is never closed");
        assertRefused(write("c.conf", "vrrp_script s {\n  script \"/bin/true\n}\n"),
                "c.conf:2: a double-quoted string is not closed on its line");
        assertRefused(write("d.conf", "include d.conf\n"), "d.conf:1: include: more than 16 files deep");
        assertRefused(write("e.conf", "\ninclude /nonexistent/x.conf\n"), "e.conf:2: include: /nonexistent/x.conf: no such"
                + " file");
        assertRefused(write("f.conf", "{\n}\n"), "f.conf:1: '{' without a keyword before it");
    }

    private void assertRefused(final Path file, final String message) {
        final KeepalivedConfig.SyntaxException e = assertThrows(KeepalivedConfig.SyntaxException.class,
                () -> KeepalivedConfig.read(file, "h"));
        final String expected = dir + "/" + message;
        assertEquals(expected, e.getMessage().substring(0, Math.min(e.getMessage().length(), expected.length())),
                e.getMessage());
    }
}
