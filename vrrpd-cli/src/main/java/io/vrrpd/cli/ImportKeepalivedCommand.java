package io.vrrpd.cli;

import io.vrrpd.cli.keepalived.KeepalivedConfig;
import io.vrrpd.cli.keepalived.KeepalivedImport;
import io.vrrpd.cli.keepalived.KeepalivedImport.ImportedRouter;
import io.vrrpd.cli.keepalived.KeepalivedImport.Note;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

/**
 * {@code vrrpadm import-keepalived [--dry-run] FILE} (DESIGN.md §2): each vrrp_instance of a keepalived.conf
 * becomes the router {@code vrrpadm create-router} would make, created through the same command (so an import and
 * the commands {@code --dry-run} prints are the same thing), and each setting that cannot be carried over is one
 * line {@code FILE:LINE: what: not carried over: why}.
 */
@Command(name = "import-keepalived", sortOptions = false,
        description = {
                "Create a router for each vrrp_instance of a keepalived.conf: VRID, interface, priority, advert_int,"
                        + " nopreempt/preempt_delay, virtual_ipaddress, unicast_peer, track_interface/track_script/"
                        + "track_process (--depends, weights as keepalived applies them), notify_master/backup/fault (hooks),"
                        + " vrrp_sync_group, auth_type PASS, version/vrrp_version, use_vmac (--mac virtual; without it"
                        + " --mac real, keepalived's default). include files and @ID conditional lines are read as"
                        + " keepalived reads them.",
                "Prints one line FILE:LINE for every setting it cannot carry over, and why. Nothing is created"
                        + " with --dry-run: the create-router commands are printed instead (a shell script whose"
                        + " comments are those lines).",
                ""})
final class ImportKeepalivedCommand implements Callable<Integer> {

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:@=,+%-]+");

    @Mixin
    private Subcommand vrrpadm;

    @Option(names = "--dry-run", description = "Create nothing: print the vrrpadm create-router commands.")
    private boolean dryRun;

    @Option(names = {"-i", "--config-id"}, paramLabel = "ID",
            description = "The id @ID lines are matched against, as keepalived's -i (default: the host name up to its"
                    + " first dot, as keepalived's).")
    private String configId;

    @Parameters(paramLabel = "FILE", description = "The keepalived.conf to read.")
    private Path file;

    @Override
    public Integer call() {
        final KeepalivedConfig.Parsed parsed;
        try {
            parsed = KeepalivedConfig.read(file, configId != null ? configId : hostId());
        } catch (NoSuchFileException e) {
            throw new CliException(CliException.REFUSED, file + ": no such file");
        } catch (IOException e) {
            throw new CliException(CliException.REFUSED, file + ": cannot be read: " + e.getMessage());
        } catch (KeepalivedConfig.SyntaxException e) {
            throw new CliException(CliException.REFUSED, e.getMessage());
        }
        final KeepalivedImport.Result result = KeepalivedImport.of(parsed.statements());
        final List<Note> notes = new ArrayList<>(result.notes());
        notes.sort(Comparator.comparing((Note n) -> n.where().file().toString()).thenComparingInt(n -> n.where().line()));
        final StringBuilder text = new StringBuilder();
        final String comment = dryRun ? "# " : "";
        parsed.warnings().forEach(w -> text.append(comment).append(w).append('\n'));
        notes.forEach(n -> text.append(comment).append(n).append('\n'));
        result.errors().forEach(e -> text.append(comment).append(e).append('\n'));
        int created = 0;
        if (dryRun) {
            for (final ImportedRouter router : result.routers()) {
                text.append("# ").append(router.where()).append(": vrrp_instance ").append(router.instance()).append('\n');
                text.append("vrrpadm create-router");
                router.options().forEach(word -> text.append(' ').append(quoted(word)));
                text.append('\n');
            }
            text.append("# ").append(result.routers().size()).append(" router(s) to create, ").append(notes.size())
                    .append(" setting(s) not carried over").append(result.errors().isEmpty() ? ""
                            : ", " + result.errors().size() + " instance(s) not imported").append('\n');
            vrrpadm.print(text.toString());
        } else {
            vrrpadm.print(text.toString());
            for (final ImportedRouter router : result.routers()) {
                final List<String> argv = new ArrayList<>(List.of("--socket", vrrpadm.socket().toString(), "create-router"));
                argv.addAll(router.options());
                final StringWriter err = new StringWriter();
                final int status = vrrpadm.runNested(argv, new PrintWriter(err));
                final String what = "router " + router.name() + " (vrrp_instance " + router.instance() + ", "
                        + router.where() + ")";
                if (status == 0) {
                    created++;
                    vrrpadm.print("created " + what + "\n");
                } else {
                    final String message = err.toString().strip().replaceFirst("^vrrpadm: ", "");
                    if (status == CliException.UNREACHABLE) {
                        throw new CliException(status, message + " (created " + created + " of "
                                + result.routers().size() + " routers)");
                    }
                    vrrpadm.error("vrrpadm: import-keepalived: " + what + ": " + message);
                }
            }
            vrrpadm.print("imported " + created + " of " + (result.routers().size() + result.errors().size())
                    + " vrrp_instance(s); " + notes.size() + " setting(s) not carried over\n");
        }
        final boolean complete = result.errors().isEmpty() && (dryRun || created == result.routers().size());
        return complete ? 0 : CliException.REFUSED;
    }

    /** keepalived's default config id: the node name up to its first dot. */
    private static String hostId() {
        try {
            final String name = InetAddress.getLocalHost().getHostName();
            return name.contains(".") ? name.substring(0, name.indexOf('.')) : name;
        } catch (IOException e) {
            return "";
        }
    }

    /** A word as a POSIX shell reads it back unchanged. */
    static String quoted(final String word) {
        return PLAIN.matcher(word).matches() ? word : "'" + word.replace("'", "'\\''") + "'";
    }
}
