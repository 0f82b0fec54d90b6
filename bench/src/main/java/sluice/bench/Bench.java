package sluice.bench;

import java.io.IOException;
import java.util.Arrays;
import sluice.bench.failover.FailoverBench;
import sluice.bench.groups.GroupsBench;
import sluice.bench.http.HttpProduceLoad;
import sluice.bench.kafka.KafkaProducerAnchor;
import sluice.bench.leader.LeaderBenchRunner;
import sluice.bench.scale.ScaleBench;
import sluice.bench.storage.StorageBenchRunner;

/**
 * The benchmarks jar's entry point: {@code java -jar bench/target/sluice-benchmarks.jar COMMAND
 * [options]}. Commands:
 *
 * <ul>
 *   <li>{@code storage [JMH options]}: the segment append/read benchmarks and their ratio table
 *       ({@link StorageBenchRunner});
 *   <li>{@code leader [JMH options]}: the partition leader against the storage-only append ({@link
 *       LeaderBenchRunner});
 *   <li>{@code kafka-producer-perf}: Apache Kafka 4.1's ProducerPerformance on a one-node broker
 *       started here ({@link KafkaProducerAnchor});
 *   <li>{@code http --url URL}: HTTP produce/consume load against a running Sluice broker, beside
 *       Kafka's ProducerPerformance ({@link HttpProduceLoad});
 *   <li>{@code failover}: 3 Kafka 4.1 KRaft nodes, then 3 Sluice brokers, RF=3: acks=1/all
 *       throughput and the longest produce stall after kill -9 of the leader ({@link
 *       FailoverBench});
 *   <li>{@code scale}: 100, 1,000 and 10,000 partitions on 3 brokers (RF=3) and 2,000 on one
 *       (RF=1): bytes stored and gossiped per ISR change, election time, RSS, fds, idle CPU ({@link
 *       ScaleBench});
 *   <li>{@code groups}: 3 Kafka 4.1 KRaft nodes, then 3 Sluice brokers: consumer-group rebalance
 *       time (a 4th member joins, one leaves), offset-commit latency and rate, and the consume
 *       throughput of a 3-member group ({@link GroupsBench});
 *   <li>{@code jmh [JMH options]}: JMH's own command line over every benchmark in the jar.
 * </ul>
 */
public final class Bench {

  private static final String USAGE =
      """
      usage: java -jar bench/target/sluice-benchmarks.jar COMMAND [options]
        storage [JMH options]     segment append/read: Sluice vs raw FileChannel vs Kafka LogSegment,
                                  then the ratio table (e.g. storage -f 1 -wi 3 -i 5 -w 2s -r 2s)
        leader [JMH options]      partition leader (8 producers, acks=1) vs PartitionLog.append alone
        kafka-producer-perf [--records N] [--record-size B] [--broker-heap 1g]
                                  Kafka 4.1 ProducerPerformance, acks=1 and acks=all
        http --url http://127.0.0.1:8080 [--connections 8] [--records N] [--batch 1000]
             [--acks 1|all] [--partitions P] [--warmup-records N] [--kafka yes|no]
                                  HTTP produce (v3 batches, streamed) and consume vs Kafka
        failover [--records N] [--stall-rate 5000] [--before-kill 10] [--after-resume 10]
                 [--systems kafka,sluice] [--idempotent yes|no] [--sluice-home .] [--broker-heap 1g] ...
                                  3 Kafka 4.1 KRaft nodes vs 3 Sluice brokers, RF=3: throughput
                                  acks=1/all and the longest stall after kill -9 of the leader
        scale [--sizes 100,1000,10000] [--rf1-sizes 2000|none] [--deadline-minutes 15]
              [--idle-seconds 30] [--replica-lag 1s] [--sluice-home .] [--broker-heap 1g] ...
                                  partitions at scale: bytes stored and gossiped per ISR change,
                                  election time, broker RSS, open fds and idle CPU per size
        groups [--records 1000000] [--commits 2000] [--heartbeat-ms 1000] [--stamp-rate 600]
               [--systems kafka,sluice] [--sluice-home .] [--broker-heap 1g] ...
                                  3 Kafka 4.1 KRaft nodes vs 3 Sluice brokers, consumer groups:
                                  rebalance time (4th member joins, one leaves), offset commit
                                  p50/p99 and commits/s, 3-member consume records/s
        jmh [JMH options]         JMH's own runner (e.g. jmh -l to list benchmarks)
      """;

  private Bench() {}

  public static void main(String[] argv) throws Exception {
    if (argv.length == 0) {
      System.err.print(USAGE);
      System.exit(2);
    }
    String[] rest = Arrays.copyOfRange(argv, 1, argv.length);
    try {
      switch (argv[0]) {
        case "storage" -> StorageBenchRunner.main(rest);
        case "leader" -> LeaderBenchRunner.main(rest);
        case "kafka-producer-perf" -> KafkaProducerAnchor.main(rest);
        case "http" -> HttpProduceLoad.main(rest);
        case "failover" -> FailoverBench.main(rest);
        case "scale" -> ScaleBench.main(rest);
        case "groups" -> GroupsBench.main(rest);
        case "jmh" -> org.openjdk.jmh.Main.main(rest);
        default -> {
          System.err.println("unknown command '" + argv[0] + "'");
          System.err.print(USAGE);
          System.exit(2);
        }
      }
    } catch (IllegalArgumentException e) {
      System.err.println(argv[0] + ": " + e.getMessage());
      System.exit(2);
    } catch (IOException e) {
      System.err.println(argv[0] + " failed: " + e.getMessage());
      System.exit(1);
    }
  }
}
