import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.codegen.docgen.manpage.ManPageGenerator;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * vrrpadm's man pages (AsciiDoc, one per subcommand) and bash completion from its full picocli model. vrrpadm
 * registers its subcommands in code (it builds only the one it runs), so the generators' own mains, which read the
 * annotations, would see none. Run by scripts/package with Java's source launcher:
 * {@code java -cp CLASSPATH packaging/VrrpadmDocs.java ADOC_DIR COMPLETION_FILE}.
 */
public final class VrrpadmDocs {
    public static void main(final String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: VrrpadmDocs ADOC_DIR COMPLETION_FILE");
            System.exit(2);
        }
        final CommandLine vrrpadm = io.vrrpd.cli.VrrpadmMain.fullCommandLine();
        final int status = ManPageGenerator.generateManPage(new File(args[0]), null, new boolean[0], true,
                vrrpadm.getCommandSpec());
        if (status != 0) {
            System.exit(status);
        }
        Files.writeString(Path.of(args[1]), AutoComplete.bash("vrrpadm", vrrpadm));
    }
}
