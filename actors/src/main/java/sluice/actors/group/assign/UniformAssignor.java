package sluice.actors.group.assign;

import java.util.Map;

/**
 * The default assignor, {@code uniform}, with the semantics of Kafka's server-side {@code
 * UniformAssignor}: balance first, then stickiness. Every partition of a subscribed topic goes to
 * exactly one of its subscribers; when all members subscribe to the same topics their counts differ
 * by at most one ({@link UniformHomogeneous}), otherwise the counts are as balanced as the
 * subscriptions allow ({@link UniformHeterogeneous}). Members keep as many of the partitions they
 * currently hold as that balance permits, so a rebalance moves only what it must.
 */
public final class UniformAssignor implements Assignor {
  public static final String NAME = "uniform";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public TargetAssignment assign(GroupSpec spec) {
    if (spec.members().isEmpty()) {
      return new TargetAssignment(Map.of());
    }
    SortedGroup group = new SortedGroup(spec);
    int[][] owners =
        group.homogeneous() ? UniformHomogeneous.assign(group) : UniformHeterogeneous.assign(group);
    return group.toAssignment(owners);
  }
}
