package sluice.bench.groups;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The groups bench's settings, from its command line ({@link GroupsBench}).
 *
 * @param partitions partitions of every topic (the 12)
 * @param replicationFactor replicas of every topic, and of the offsets topic on both systems
 * @param records records preloaded for the consume phase
 * @param recordSize bytes of each preloaded record's value
 * @param stampRate records per second the light producer sends during the rebalances
 * @param pollTimeout how long one poll waits for records, on both systems
 * @param pollMaxBytes a Sluice poll's {@code max_bytes} (Kafka's consumer keeps its defaults)
 * @param commits measured commits per member in the commit phase
 * @param commitWarmup commits per member before those measured
 * @param heartbeat the group heartbeat interval given to both systems' coordinators
 * @param session the group session timeout given to both systems' coordinators
 * @param phaseTimeout how long one phase (a rebalance, the commits, the consume) may take
 * @param heap every broker's maximum heap, e.g. {@code 1g}
 * @param sluiceHome the Sluice checkout whose {@code ./sluice build} output the brokers run from
 * @param sluiceOverrides further {@code -Dkey=value} settings for every Sluice broker
 * @param keepData whether the Sluice brokers' data and logs stay in place afterwards
 */
public record GroupsOptions(
    int partitions,
    int replicationFactor,
    long records,
    int recordSize,
    double stampRate,
    Duration pollTimeout,
    int pollMaxBytes,
    int commits,
    int commitWarmup,
    Duration heartbeat,
    Duration session,
    Duration phaseTimeout,
    String heap,
    Path sluiceHome,
    List<String> sluiceOverrides,
    boolean keepData) {

  /** Members of the group in every phase (a fourth joins in the rebalance phase). */
  public static final int MEMBERS = 3;

  /** Brokers of each system. */
  public static final int BROKERS = 3;

  public GroupsOptions {
    sluiceOverrides = List.copyOf(sluiceOverrides);
    if (replicationFactor > BROKERS) {
      throw new IllegalArgumentException(
          "--replication-factor is at most "
              + BROKERS
              + " (the brokers), got "
              + replicationFactor);
    }
    if (!heartbeat.minus(session).isNegative()) {
      throw new IllegalArgumentException(
          "the heartbeat interval ("
              + heartbeat.toMillis()
              + " ms) must be shorter than the session timeout ("
              + session.toMillis()
              + " ms)");
    }
  }

  /** {@code min.insync.replicas} of every topic: 2, or the replication factor if smaller. */
  public int minInsyncReplicas() {
    return Math.min(2, replicationFactor);
  }

  /**
   * How long a group's ownership must stay unchanged to count as settled: two heartbeats, at least
   * two seconds, so that a rebalance done in steps is not taken as over after its first.
   */
  public Duration quiet() {
    Duration two = heartbeat.multipliedBy(2);
    return two.compareTo(Duration.ofSeconds(2)) < 0 ? Duration.ofSeconds(2) : two;
  }
}
