package io.vrrpd.sim;

import java.io.PrintStream;

/**
 * Runs the scripted demonstration ({@link DemoScenario}) and prints its timeline:
 * {@code java -cp ... io.vrrpd.sim.SimulatorMain [--seed N] [--loss P]}.
 */
public final class SimulatorMain {
    static final long DEFAULT_SEED = 5798;

    private static final String USAGE = """
            Usage: SimulatorMain [--seed N] [--loss P] [--help]

            Simulates VRRP routers on two LANs with the real vrrpd protocol core and prints what happens:
            election, a Master crash, a graceful stop (priority 0), a restart that preempts, a partition
            and its heal, and a priority change on a VRRPv2 router.

              --seed N   seeds link jitter and loss (default %d); the same seed prints the same timeline
              --loss P   probability 0-1 that a link loses each copy of an advertisement (default 0)
              --help     prints this text
            """.formatted(DEFAULT_SEED);

    private SimulatorMain() {
    }

    /**
     * What the command line asked for.
     *
     * @param seed seeds every random draw
     * @param loss per-copy loss probability on both LANs
     * @param help print usage and stop
     */
    record Options(long seed, double loss, boolean help) {

        static Options parse(final String... args) {
            long seed = DEFAULT_SEED;
            double loss = 0;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--help", "-h" -> {
                        return new Options(seed, loss, true);
                    }
                    case "--seed" -> seed = parseSeed(valueAfter(args, i++));
                    case "--loss" -> loss = parseLoss(valueAfter(args, i++));
                    default -> throw new IllegalArgumentException(
                            "unknown option '" + args[i] + "' (allowed: --seed N, --loss P, --help)");
                }
            }
            return new Options(seed, loss, false);
        }

        private static String valueAfter(final String[] args, final int index) {
            if (index + 1 >= args.length) {
                throw new IllegalArgumentException(args[index] + " needs a value");
            }
            return args[index + 1];
        }

        private static long parseSeed(final String text) {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--seed: '" + text + "' is not a whole number");
            }
        }

        private static double parseLoss(final String text) {
            try {
                final double loss = Double.parseDouble(text);
                if (loss >= 0 && loss <= 1) {
                    return loss;
                }
            } catch (NumberFormatException e) {
                // reported below with the allowed range
            }
            throw new IllegalArgumentException("--loss: '" + text + "' is not a probability (allowed: 0-1, e.g. 0.1)");
        }
    }

    public static void main(final String[] args) {
        System.exit(run(System.out, System.err, args));
    }

    /** The whole program, with its streams passed in; returns the exit status. */
    static int run(final PrintStream out, final PrintStream err, final String... args) {
        final Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("SimulatorMain: " + e.getMessage());
            return 2;
        }
        if (options.help()) {
            out.print(USAGE);
            return 0;
        }
        new DemoScenario(options.seed(), options.loss(), out).run();
        return 0;
    }
}
