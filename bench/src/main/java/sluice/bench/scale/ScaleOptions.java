package sluice.bench.scale;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The scale bench's settings, from its command line ({@link ScaleBench}).
 *
 * @param home the Sluice checkout whose {@code ./sluice build} output the brokers run from
 * @param heap every broker's maximum heap, e.g. {@code 1g}
 * @param overrides further {@code -Dkey=value} settings for every broker
 * @param deadline how long one partition count may take, cluster start to last figure
 * @param settle the pause after the partitions are created and touched, before measuring
 * @param idle the window over which idle CPU is measured
 * @param baseline the quiet window whose growth of the counters is subtracted from the ISR window's
 * @param isrRounds how many ISR-change windows (each with its own baseline) are summed
 * @param pauseLimit how long a follower broker stays paused at most while its ISR place is taken
 * @param replicaLag {@code sluice.replication.replica-lag-time-max} for the 3-broker layout
 * @param touchConnections concurrent produce requests when every partition gets its first record
 * @param keepData whether the brokers' data and logs stay in place afterwards
 */
public record ScaleOptions(
    Path home,
    String heap,
    List<String> overrides,
    Duration deadline,
    Duration settle,
    Duration idle,
    Duration baseline,
    int isrRounds,
    Duration pauseLimit,
    String replicaLag,
    int touchConnections,
    boolean keepData) {

  public ScaleOptions {
    overrides = List.copyOf(overrides);
  }
}
