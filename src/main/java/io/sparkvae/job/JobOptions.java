// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The options every job command shares: --config, --set, --out, --overwrite. */
public final class JobOptions {
  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "HOCON configuration file (see conf/ and src/site/markdown/configuration.md).")
  String configFile;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "Override one configuration key; repeatable, e.g. --set train.epochs=5.")
  List<String> sets = new ArrayList<>();

  @Option(
      names = "--out",
      paramLabel = "DIR",
      required = true,
      description = "Output directory (any Hadoop path).")
  String out;

  @Option(
      names = "--overwrite",
      description = "Replace what is already in --out (refused otherwise).")
  boolean overwrite;

  JobConfig config() {
    return JobConfig.load(configFile, sets);
  }

  String out() {
    return out;
  }
}
