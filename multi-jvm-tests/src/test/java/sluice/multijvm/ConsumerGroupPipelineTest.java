package sluice.multijvm;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 10, crash tests 1 and 2: an at-least-once pipeline of three HTTP consumer instances,
 * created through three different brokers, committing after each batch of a 12-partition RF=3
 * topic. While they consume, the broker coordinating the group is killed (-9), restarted, and then
 * a broker hosting an instance is killed. Afterwards every record in the log was processed at least
 * once (duplicates are counted and printed), the committed offsets are the log ends, and the
 * coordinator's records never gave a partition to a member before its previous owner's revocation
 * was recorded ({@link OwnershipAudit}).
 */
@Timeout(600)
class ConsumerGroupPipelineTest {
  private static final String TOPIC = "pipeline";
  private static final String GROUP = "pipeline-group";
  private static final int PARTITIONS = 12;
  private static final int PER_PARTITION = 40;
  private static final Duration CLIENT_DEADLINE = Duration.ofSeconds(90);
  private static final Duration PROGRESS = Duration.ofSeconds(120);

  @RegisterExtension final ClusterExtension clusters = new ClusterExtension();

  private final Map<String, Integer> processed = new ConcurrentHashMap<>();
  private final List<String> refusedCommits = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final AtomicBoolean stop = new AtomicBoolean();

  @Test
  void everyRecordIsProcessedAtLeastOnceAcrossTheCoordinatorsAndAnInstanceHostsDeath()
      throws Exception {
    TestCluster cluster =
        clusters.start(
            3, "-Dsluice.group.session-timeout=6s", "-Dsluice.group.heartbeat-interval=1s");
    BrokerClient admin = cluster.broker(1).http();
    String clusterId = admin.clusterId();
    admin.createTopic(TOPIC, PARTITIONS, 3, 2);
    produceBatch(cluster, 0);

    List<BrokerClient> clients = cluster.clients(clusterId, cluster.brokers());
    List<HttpConsumer> consumers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      HttpConsumer consumer = new HttpConsumer(GROUP, "c" + (i + 1), clients, i, CLIENT_DEADLINE);
      consumer.create(false);
      consumer.subscribe(TOPIC);
      consumers.add(consumer);
    }
    ExecutorService pool = Executors.newFixedThreadPool(3);
    List<Future<?>> loops = new ArrayList<>();
    consumers.forEach(c -> loops.add(pool.submit(() -> consume(c))));
    try {
      awaitProcessed(PARTITIONS * PER_PARTITION / 3, loops);

      int coordinatorPartition = OwnershipAudit.partitionOf(GROUP);
      int coordinator =
          cluster.awaitInSync(OwnershipAudit.OFFSETS_TOPIC, coordinatorPartition).leader();
      BrokerProcess coordinatorBroker = cluster.broker(coordinator);
      coordinatorBroker.kill9();
      System.out.printf("pipeline: killed broker %d, the group's coordinator%n", coordinator);
      int atKill = processed.size();
      awaitProcessed(Math.min(atKill + 60, PARTITIONS * PER_PARTITION), loops);

      cluster.restartStopped();
      cluster.awaitBrokers(3);
      for (int p = 0; p < PARTITIONS; p++) {
        cluster.awaitInSync(TOPIC, p);
      }
      produceBatch(cluster, 1);

      BrokerProcess host = instanceHost(cluster, coordinatorBroker);
      int beforeSecond = processed.size();
      host.kill9();
      System.out.printf("pipeline: killed broker %d, hosting an instance%n", host.brokerId());
      awaitProcessed(Math.min(beforeSecond + 60, 2 * PARTITIONS * PER_PARTITION), loops);
      awaitProcessed(2 * PARTITIONS * PER_PARTITION, loops);

      BrokerClient survivor = cluster.running().get(0).http();
      Map<Integer, Long> logEnds = new java.util.TreeMap<>();
      for (int p = 0; p < PARTITIONS; p++) {
        logEnds.put(p, survivor.describePartition(TOPIC, p).highWatermark());
      }
      int[] all = IntStream.range(0, PARTITIONS).toArray();
      Awaitility.await()
          .atMost(PROGRESS)
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () -> {
                checkLoops(loops);
                assertThat(consumers.get(0).committed(TOPIC, all))
                    .as(
                        "committed offsets are the log ends; assignments %s; commits refused %s",
                        assignments(consumers), refusedCommits)
                    .isEqualTo(logEnds);
              });
    } finally {
      stop.set(true);
      pool.shutdown();
      pool.awaitTermination(60, TimeUnit.SECONDS);
    }
    consumers.forEach(c -> System.out.println("pipeline: " + c.name() + " moved " + c.failures()));
    System.out.println("pipeline: commits refused: " + refusedCommits);

    BrokerClient reader = cluster.running().get(0).http();
    int duplicates = 0;
    for (int p = 0; p < PARTITIONS; p++) {
      for (var record : reader.readCommitted(TOPIC, p)) {
        Integer times = processed.get(p + ":" + record.offset());
        assertThat(times).as("record %d-%d was processed", p, record.offset()).isNotNull();
        duplicates += times - 1;
      }
    }
    System.out.printf(
        "pipeline: %d records processed, %d duplicates%n", processed.size(), duplicates);

    OwnershipAudit.Result audit = OwnershipAudit.audit(reader, GROUP);
    System.out.printf(
        "pipeline: audited %d assignment records of %d in the group's offsets partition%n",
        audit.assignmentRecords(), audit.records());
    assertThat(audit.assignmentRecords()).isPositive();
    assertThat(audit.violations()).as("partitions owned twice").isEmpty();
  }

  private static String assignments(List<HttpConsumer> consumers) {
    StringBuilder all = new StringBuilder();
    for (HttpConsumer c : consumers) {
      all.append(c.name()).append('=').append(c.assignment()).append(' ');
    }
    return all.toString();
  }

  /** One instance's loop: poll, process, commit what the batch consumed; until stopped. */
  private void consume(HttpConsumer consumer) {
    while (!stop.get()) {
      List<HttpConsumer.Record> records = consumer.poll();
      for (HttpConsumer.Record r : records) {
        processed.merge(r.partition() + ":" + r.offset(), 1, Integer::sum);
      }
      if (!records.isEmpty()) {
        // a commit refused (the partition was revoked meanwhile) leaves the records to the next
        // owner: at least once
        BrokerClient.Response answer = consumer.commitLast(records);
        if (answer.status() != 200) {
          refusedCommits.add(consumer.name() + ": " + answer);
        }
      }
    }
  }

  private void produceBatch(TestCluster cluster, int batch) {
    BrokerClient producer = cluster.running().get(0).http();
    for (int p = 0; p < PARTITIONS; p++) {
      List<String> values = new ArrayList<>();
      for (int i = 0; i < PER_PARTITION; i++) {
        values.add("b" + batch + "-p" + p + "-" + i);
      }
      producer.produce(TOPIC, p, values, "all");
    }
  }

  private void awaitProcessed(int count, List<Future<?>> loops) {
    Awaitility.await()
        .atMost(PROGRESS)
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () -> {
              checkLoops(loops);
              assertThat(processed.size()).as("records processed").isGreaterThanOrEqualTo(count);
            });
  }

  /** A consumer loop that died (its request failed through every broker) fails the test. */
  private static void checkLoops(List<Future<?>> loops) throws Exception {
    for (Future<?> loop : loops) {
      if (loop.isDone()) {
        loop.get();
      }
    }
  }

  /** A live broker, other than {@code avoid}, whose log says it serves a consumer instance. */
  private static BrokerProcess instanceHost(TestCluster cluster, BrokerProcess avoid)
      throws Exception {
    for (BrokerProcess broker : cluster.running()) {
      if (broker != avoid && broker.log().contains("of group " + GROUP + " is served here")) {
        return broker;
      }
    }
    System.out.println("pipeline: no instance on a never-killed broker; killing the restarted one");
    return avoid;
  }
}
