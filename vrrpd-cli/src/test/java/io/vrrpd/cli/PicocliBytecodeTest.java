package io.vrrpd.cli;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The picocli vrrpadm and vrrpd run is vrrpd-picocli's, compiled for Java 25 so the AOT cache can keep it. */
class PicocliBytecodeTest {

    @Test
    @DisplayName("picocli's classes are Java 25 bytecode (class file version 69), not the published jar's Java 5 (49)")
    void shouldRunPicocliCompiledForJava25() throws IOException {
        for (final Class<?> type : new Class<?>[] {CommandLine.class, CommandLine.Model.CommandSpec.class}) {
            try (InputStream in = type.getResourceAsStream(type.getName().substring("picocli.".length()) + ".class");
                 DataInputStream data = new DataInputStream(in)) {
                assertEquals(0xCAFEBABE, data.readInt());
                data.readUnsignedShort(); // minor version
                assertEquals(69, data.readUnsignedShort(), type.getName());
            }
        }
    }
}
