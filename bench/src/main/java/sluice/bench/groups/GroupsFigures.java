package sluice.bench.groups;

import java.util.ArrayList;
import java.util.List;

/**
 * What the groups bench measured on one system; a phase's result is null when it failed, and {@link
 * #errors} says why. Filled in by {@link GroupsBench}'s main thread; not thread-safe.
 */
final class GroupsFigures {

  final String system;
  String settings = "";
  String preload = "";
  RebalanceScenario.Result rebalance;
  CommitScenario.Result commits;
  ConsumeScenario.Result consume;
  final List<String> errors = new ArrayList<>();

  GroupsFigures(String system) {
    this.system = system;
  }

  /** A step that failed: {@code step} and the error. */
  void error(String step, Exception e) {
    errors.add(step + ": " + e.getMessage());
  }
}
