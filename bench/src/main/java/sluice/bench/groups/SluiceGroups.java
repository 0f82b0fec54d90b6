package sluice.bench.groups;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import sluice.bench.failover.SluiceCluster;
import sluice.bench.http.HttpProduceLoad;
import sluice.bench.http.LoadResult;
import sluice.bench.http.RecordBodies;
import sluice.bench.http.RestProxyClient;
import sluice.bench.scale.Deadline;
import sluice.bench.scale.TopicWatch;

/**
 * The groups bench on Sluice: {@link GroupsOptions#BROKERS} brokers ({@link SluiceCluster}, from
 * {@code ./sluice build}'s output) whose group coordinators run with the bench's heartbeat interval
 * and session timeout ({@link #brokerOverrides}) and {@code __consumer_offsets} at the bench's
 * replication factor; members are HTTP consumer instances ({@link SluiceGroupMember}), the k-th
 * created on broker {@code k mod 3 + 1}. Produce goes through broker 1's v3 API at acks=1. Not
 * thread-safe: the bench's main thread starts, uses and closes it.
 */
final class SluiceGroups implements GroupSystem {

  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration TOPIC_TIMEOUT = Duration.ofMinutes(2);

  private final SluiceCluster cluster;
  private final GroupsOptions options;
  private final String clusterId;

  private SluiceGroups(SluiceCluster cluster, GroupsOptions options, String clusterId) {
    this.cluster = cluster;
    this.options = options;
    this.clusterId = clusterId;
  }

  static SluiceGroups start(GroupsOptions options) throws IOException {
    List<String> overrides = new ArrayList<>(brokerOverrides(options));
    overrides.addAll(options.sluiceOverrides());
    SluiceCluster cluster =
        SluiceCluster.start(
            GroupsOptions.BROKERS,
            options.sluiceHome(),
            options.heap(),
            overrides,
            START_TIMEOUT,
            options.keepData());
    try {
      return new SluiceGroups(cluster, options, cluster.client(1).clusterId());
    } catch (IOException | RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  /** The coordinators' settings: {@code sluice.group.*} as {@code -D} options. */
  static List<String> brokerOverrides(GroupsOptions options) {
    return List.of(
        "-Dsluice.group.heartbeat-interval=" + options.heartbeat().toMillis() + "ms",
        "-Dsluice.group.session-timeout=" + options.session().toMillis() + "ms",
        "-Dsluice.group.offsets-topic-replication-factor=" + options.replicationFactor());
  }

  @Override
  public String name() {
    return "Sluice";
  }

  @Override
  public String settings() {
    return GroupsOptions.BROKERS
        + " brokers (cluster "
        + clusterId
        + "), HTTP v2 consumer instances; broker settings "
        + brokerOverrides(options)
        + (options.sluiceOverrides().isEmpty() ? "" : " " + options.sluiceOverrides());
  }

  @Override
  public void createTopic(String topic) throws IOException {
    RestProxyClient any = cluster.client(1);
    any.createTopic(
        clusterId,
        topic,
        options.partitions(),
        options.replicationFactor(),
        Map.of("min.insync.replicas", Integer.toString(options.minInsyncReplicas())));
    new TopicWatch(any, clusterId, topic, options.partitions())
        .awaitFullIsr(options.replicationFactor(), "creating " + topic, Deadline.in(TOPIC_TIMEOUT));
  }

  @Override
  public String preload(String topic, long records, int recordSize) throws IOException {
    HttpProduceLoad load =
        new HttpProduceLoad(cluster.client(1), 8, 1000, recordSize, options.partitions(), "1");
    LoadResult r = load.produceBatches(clusterId, topic, records);
    if (r.failed() > 0) {
      throw new IOException(
          r.failed() + " records of the preload failed, first: " + r.firstError());
    }
    return String.format(
        Locale.ROOT,
        "HTTP v3 produce, 1,000 records/request, 8 connections, acks=1: %,d records in %.1f s,"
            + " %,.0f records/s",
        r.records(),
        r.elapsedNanos() / 1e9,
        r.recordsPerSecond());
  }

  @Override
  public StampProducer stampProducer(String topic) {
    RestProxyClient client = cluster.client(1);
    String path = client.producePath(clusterId, topic, "1");
    AtomicLong failed = new AtomicLong();
    int partitions = options.partitions();
    return new StampProducer() {
      @Override
      public void sendRound() throws IOException {
        byte[] stamp = StampProducer.stamp(System.nanoTime());
        StringBuilder body = new StringBuilder();
        for (int p = 0; p < partitions; p++) {
          body.append(RecordBodies.record(p, stamp));
        }
        long reports =
            client.produce(
                path,
                body.toString().getBytes(StandardCharsets.US_ASCII),
                (ok, partition, offset, message) -> {
                  if (!ok) {
                    failed.incrementAndGet();
                  }
                });
        failed.addAndGet(Math.max(0, partitions - reports));
      }

      @Override
      public long failed() {
        return failed.get();
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public GroupMember member(
      String group,
      String topic,
      String name,
      int index,
      boolean stamped,
      GroupMember.OwnershipListener listener)
      throws IOException {
    int broker = index % GroupsOptions.BROKERS + 1;
    return SluiceGroupMember.create(
        cluster.client(broker).base(),
        group,
        topic,
        name,
        listener,
        options.pollMaxBytes(),
        stamped);
  }

  @Override
  public void close() throws IOException {
    cluster.close();
  }
}
