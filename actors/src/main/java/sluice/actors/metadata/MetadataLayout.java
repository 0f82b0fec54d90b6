package sluice.actors.metadata;

import akka.cluster.ddata.Key;
import akka.cluster.ddata.LWWMap;
import akka.cluster.ddata.LWWMapKey;
import akka.cluster.ddata.LWWRegister;
import akka.cluster.ddata.LWWRegisterKey;
import java.util.ArrayList;
import java.util.List;

/**
 * Where topic metadata lives in Distributed Data, so that one ISR change or leader election writes,
 * stores and gossips one small value whatever the number of partitions:
 *
 * <ul>
 *   <li>{@link #TOPIC_LIST} ({@code sluice-topic-list}): an {@code LWWMap} from topic name to its
 *       {@link TopicEntry} (id, configs, partition count; no assignments), written with the
 *       controller's {@code EpochClock}.
 *   <li>{@link #partitionKey} ({@code sluice-partition-<topicId>-<p>}): one {@code LWWRegister} per
 *       partition holding its {@link PartitionAssignment}, written with {@link #clock}: the
 *       timestamp is {@code (controllerEpoch << 32) | partitionEpoch}, so every merge keeps the
 *       value of the higher controller epoch, then of the higher partition epoch. The replicator
 *       merges even a local update into the current value, so a write that does not raise the
 *       timestamp is lost: every change of a partition raises its partition epoch.
 *   <li>{@link #LEGACY_TOPICS} ({@code sluice-topics}): the old single map of whole topics, read
 *       only to migrate it at controller start.
 * </ul>
 *
 * <p>A topic is visible ({@link MetadataAssembly}) once its entry and every partition register are
 * present. The controller writes a creation's registers before its entry, and removes a topic's
 * entry before deleting its registers, so a listed topic misses registers only while they travel.
 * Every key is durable: each write is one LMDB commit. See {@code docs/architecture.md}.
 */
public final class MetadataLayout {
  public static final Key<LWWMap<String, TopicEntry>> TOPIC_LIST =
      LWWMapKey.create("sluice-topic-list");

  /** The prefix of every partition register's key id. */
  public static final String PARTITION_PREFIX = "sluice-partition-";

  /** The layout before this one: every topic whole in one map. Read only for migration. */
  public static final Key<LWWMap<String, TopicMetadata>> LEGACY_TOPICS =
      LWWMapKey.create("sluice-topics");

  /** The entries {@code akka.cluster.distributed-data.durable.keys} must hold for topics. */
  public static final List<String> DURABLE_KEYS =
      List.of(TOPIC_LIST.id(), PARTITION_PREFIX + "*", LEGACY_TOPICS.id());

  private MetadataLayout() {}

  /** The register of partition {@code partition} of the topic with id {@code topicId}. */
  public static Key<LWWRegister<PartitionAssignment>> partitionKey(String topicId, int partition) {
    return LWWRegisterKey.create(PARTITION_PREFIX + topicId + "-" + partition);
  }

  /** The registers of every partition of {@code entry}, partition 0 first. */
  public static List<Key<LWWRegister<PartitionAssignment>>> partitionKeys(TopicEntry entry) {
    List<Key<LWWRegister<PartitionAssignment>>> keys = new ArrayList<>(entry.partitionCount());
    for (int p = 0; p < entry.partitionCount(); p++) {
      keys.add(partitionKey(entry.topicId(), p));
    }
    return keys;
  }

  /** Whether {@code key} is a partition register. */
  public static boolean isPartitionKey(Key<?> key) {
    return key.id().startsWith(PARTITION_PREFIX);
  }

  /** A register timestamp: controller epoch in the high 32 bits, partition epoch in the low. */
  public static long timestamp(int controllerEpoch, int partitionEpoch) {
    return ((long) controllerEpoch << Integer.SIZE) | (partitionEpoch & 0xFFFF_FFFFL);
  }

  public static int controllerEpochOf(long timestamp) {
    return (int) (timestamp >>> Integer.SIZE);
  }

  public static int partitionEpochOf(long timestamp) {
    return (int) timestamp;
  }

  /**
   * The clock of every partition register write by the controller of {@code controllerEpoch}: the
   * timestamp of a value is {@link #timestamp}{@code (controllerEpoch, value.partitionEpoch())}.
   */
  public static LWWRegister.Clock<PartitionAssignment> clock(int controllerEpoch) {
    if (controllerEpoch < 0) {
      throw new IllegalArgumentException("controller epoch " + controllerEpoch + " is negative");
    }
    return (currentTimestamp, value) -> timestamp(controllerEpoch, value.partitionEpoch());
  }
}
