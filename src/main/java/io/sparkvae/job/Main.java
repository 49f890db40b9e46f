// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The one entry point of every command: {@code submit/local.sh COMMAND …} and {@code
 * submit/cluster.sh COMMAND …} both start this class.
 */
@Command(
    name = "spark-vae",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description =
        "Variational autoencoders and maximum-likelihood linear regression on Apache Spark.",
    subcommands = {
      DoctorCommand.class,
      TrainCommand.class,
      LinregCommand.class,
      EncodeCommand.class,
      ScoreCommand.class,
      ScoreStreamCommand.class,
      SampleCommand.class,
      ReconstructCommand.class,
      EvaluateCommand.class,
      GenerateShapesCommand.class,
      BenchKernelCommand.class,
      BenchTrainCommand.class,
      BenchScaleCommand.class,
      BenchScalingCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Callable<Integer> {

  /** Exit codes, documented in src/site/markdown/errors.md (Exit codes). */
  public static final int EXIT_OK = 0;

  public static final int EXIT_FAILURE = 1;
  public static final int EXIT_USAGE = 2;
  public static final int EXIT_DIVERGED = 3;

  /** A versioned run finished but failed the gate: kept under runs/, latest not moved. */
  public static final int EXIT_NOT_PROMOTED = 4;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs a command line and returns its exit code (tests call this instead of main). */
  public static int run(String... args) {
    return run(new java.io.PrintWriter(System.err, true), args);
  }

  /** Runs a command line with errors going to {@code err}. */
  public static int run(java.io.PrintWriter err, String... args) {
    CommandLine cl = new CommandLine(new Main());
    cl.setErr(err);
    cl.setExecutionExceptionHandler(
        (ex, cmd, parsed) -> {
          UserError user = UserError.among(ex);
          if (user != null) {
            cmd.getErr().println("error: " + user.getMessage());
            return user.exitCode();
          }
          cmd.getErr().println("error: " + ex);
          ex.printStackTrace(cmd.getErr());
          return EXIT_FAILURE;
        });
    return cl.execute(args);
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(System.out);
    return EXIT_USAGE;
  }

  /** Reads the version Maven wrote into the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"spark-vae " + (v == null ? "(development build)" : v)};
    }
  }
}
