package sluice.bench.http;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import sluice.bench.Args;
import sluice.bench.kafka.KafkaProducerAnchor;
import sluice.bench.kafka.ProducerPerfResult;
import sluice.bench.report.Comparison;
import sluice.bench.report.MachineLoad;
import sluice.bench.report.RatioTable;

/**
 * HTTP load against a running Sluice broker, beside Apache Kafka's own producer in the same run.
 *
 * <ol>
 *   <li>Creates a fresh topic through the REST Proxy v3 API ({@code GET /v3/clusters}, {@code POST
 *       /v3/clusters/{id}/topics}).
 *   <li><b>v3 produce</b>: {@code --connections} workers each post requests of {@code --batch}
 *       records (concatenated JSON, with a Content-Length) to {@code POST
 *       /v3/clusters/{id}/topics/{t}/records?acks=}, one request in flight per connection; latency
 *       is per request.
 *   <li><b>streamed produce</b>: {@code --connections} chunked requests of the same endpoint, each
 *       streaming its share of the records while reading one delivery report per record; latency is
 *       per record.
 *   <li><b>consume</b>: every record back with {@code GET /topics/{t}/partitions/{p}/records} (1
 *       MiB per fetch), one connection per partition; latency is per fetch.
 *   <li><b>Kafka anchor</b> (unless {@code --kafka no}): a one-node Kafka 4.1 started here, with
 *       Kafka's ProducerPerformance at the same acks, then the ratio of each produce to it (target
 *       &ge; 0.25).
 * </ol>
 *
 * Records are {@code --record-size} random bytes of value, no key, as ProducerPerformance sends.
 * Usage: {@code http --url http://127.0.0.1:8080 [--connections 8] [--records 1000000] [--batch
 * 1000] [--record-size 100] [--partitions 1] [--acks 1] [--warmup-records 100000] [--kafka yes|no]
 * [--kafka-records N]}.
 */
public final class HttpProduceLoad {

  /** The ratio of HTTP produce to Kafka's native producer the issue asks for. */
  public static final double TARGET = 0.25;

  private static final int RECORDS_PER_CHUNK = 100;
  private static final int FETCH_BYTES = 1024 * 1024;

  private final RestProxyClient client;
  private final int connections;
  private final int batch;
  private final int recordBytes;
  private final int partitions;
  private final String acks;
  private final RecordBodies bodies;

  /**
   * A load of {@code connections} workers, {@code batch} records per request, {@code recordBytes}
   * random bytes per value, spread over {@code partitions} partitions, at {@code acks}.
   */
  public HttpProduceLoad(
      RestProxyClient client,
      int connections,
      int batch,
      int recordBytes,
      int partitions,
      String acks) {
    if (!List.of("0", "1", "all").contains(acks)) {
      throw new IllegalArgumentException("--acks must be 0, 1 or all, got '" + acks + "'");
    }
    this.client = client;
    this.connections = connections;
    this.batch = batch;
    this.recordBytes = recordBytes;
    this.partitions = partitions;
    this.acks = acks;
    this.bodies = new RecordBodies(recordBytes, 4096, 11L);
  }

  public static void main(String[] argv) throws Exception {
    Args args =
        Args.parse(
            argv,
            List.of(
                "url",
                "connections",
                "records",
                "batch",
                "record-size",
                "partitions",
                "acks",
                "warmup-records",
                "kafka",
                "kafka-records",
                "broker-heap"));
    if (!args.has("url")) {
      throw new IllegalArgumentException("--url is required, e.g. --url http://127.0.0.1:8080");
    }
    String kafka = args.string("kafka", "yes");
    if (!kafka.equals("yes") && !kafka.equals("no")) {
      throw new IllegalArgumentException("--kafka must be yes or no, got '" + kafka + "'");
    }
    long records = args.longValue("records", 1_000_000L);
    HttpProduceLoad load =
        new HttpProduceLoad(
            new RestProxyClient(args.string("url", null)),
            args.intValue("connections", 8),
            args.intValue("batch", 1000),
            args.intValue("record-size", 100),
            args.intValue("partitions", 1),
            args.string("acks", "1"));
    long warmup = args.has("warmup-records") ? args.longValue("warmup-records", 1) : 100_000L;
    String loadBefore = MachineLoad.describe();
    List<LoadResult> results = load.runAll(records, warmup);
    System.out.println();
    System.out.print(table(results));
    System.out.println();
    System.out.print(RatioTable.format(idempotenceRatio(results)));
    if (kafka.equals("yes")) {
      long kafkaRecords = args.longValue("kafka-records", Math.max(records, 2_000_000L));
      Map<String, ProducerPerfResult> anchor =
          KafkaProducerAnchor.measure(
              kafkaRecords, load.recordBytes, args.string("broker-heap", "1g"), List.of(load.acks));
      System.out.println();
      System.out.print(table(results));
      System.out.print(KafkaProducerAnchor.table(anchor));
      System.out.println();
      System.out.print(RatioTable.format(ratios(results, anchor.get(load.acks), load.acks)));
    }
    System.out.println("at start: " + loadBefore);
    System.out.println("at end:   " + MachineLoad.describe());
  }

  /** Creates a topic, warms up, then runs the three phases and returns their results. */
  List<LoadResult> runAll(long records, long warmupRecords) throws IOException {
    String clusterId = client.clusterId();
    long stamp = System.currentTimeMillis();
    System.out.printf(
        Locale.ROOT,
        "Sluice at %s, cluster %s: %d connections, %d records of %d bytes, %d per request,"
            + " %d partition(s), acks=%s%n",
        client.base(),
        clusterId,
        connections,
        records,
        recordBytes,
        batch,
        partitions,
        acks);
    if (warmupRecords > 0) {
      String warm = "bench-http-warmup-" + stamp;
      client.createTopic(clusterId, warm, partitions);
      LoadResult w = produceBatches(clusterId, warm, warmupRecords);
      System.out.printf(
          Locale.ROOT, "warm-up: %d records, %.0f records/s%n", w.records(), w.recordsPerSecond());
    }
    String topic = "bench-http-" + stamp;
    client.createTopic(clusterId, topic, partitions);
    List<LoadResult> results = new ArrayList<>();
    results.add(print(produceBatches(clusterId, topic, records, false)));
    String idempotentTopic = "bench-http-idempotent-" + stamp;
    client.createTopic(clusterId, idempotentTopic, partitions);
    results.add(print(produceBatches(clusterId, idempotentTopic, records, true)));
    results.add(print(produceStreamed(clusterId, topic, records)));
    results.add(print(consume(topic)));
    return results;
  }

  private static LoadResult print(LoadResult r) {
    System.out.printf(
        Locale.ROOT,
        "%s: %d records, %.0f records/s, %.2f MB/s, p50 %.1f ms, p99 %.1f ms, %d failed%s%n",
        r.name(),
        r.records(),
        r.recordsPerSecond(),
        r.megabytesPerSecond(),
        r.latencies().percentileMillis(50),
        r.latencies().percentileMillis(99),
        r.failed(),
        r.firstError() == null ? "" : " (first error: " + r.firstError() + ")");
    return r;
  }

  /** Phase 2: requests of {@code batch} records, one in flight per connection. */
  public LoadResult produceBatches(String clusterId, String topic, long records)
      throws IOException {
    return produceBatches(clusterId, topic, records, false);
  }

  /**
   * As {@link #produceBatches(String, String, long)}; with {@code idempotent} every connection is
   * an idempotent producer (an id of its own, each request carrying its sequence per partition).
   */
  public LoadResult produceBatches(String clusterId, String topic, long records, boolean idempotent)
      throws IOException {
    long requests = (records + batch - 1) / batch;
    String path = client.producePath(clusterId, topic, acks);
    byte[][] bodyByPartition = new byte[partitions][];
    for (int p = 0; p < partitions; p++) {
      bodyByPartition[p] = bodies.records(p, 0, batch);
    }
    long lastCount = records - (requests - 1) * batch;
    AtomicLong next = new AtomicLong();
    AtomicLong ok = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicReference<String> firstError = new AtomicReference<>();
    long start = System.nanoTime();
    List<Latencies> latencies =
        runWorkers(
            connections,
            worker -> {
              Latencies mine = new Latencies();
              RestProxyClient.ProducerId producer =
                  idempotent ? client.initProducer(clusterId, null) : null;
              int[] sequences = new int[partitions];
              for (long i = next.getAndIncrement(); i < requests; i = next.getAndIncrement()) {
                int partition = (int) (i % partitions);
                int count = i == requests - 1 && lastCount != batch ? (int) lastCount : batch;
                byte[] body =
                    count != batch
                        ? bodies.records(partition, 0, count)
                        : bodyByPartition[partition];
                String requestPath =
                    producer == null
                        ? path
                        : RestProxyClient.idempotentPath(
                            path, producer, partition, sequences[partition]);
                sequences[partition] += count;
                long sent = System.nanoTime();
                client.produce(
                    requestPath,
                    body,
                    (success, p, offset, message) -> {
                      if (success) {
                        ok.incrementAndGet();
                      } else {
                        failed.incrementAndGet();
                        firstError.compareAndSet(null, message);
                      }
                    });
                mine.record(System.nanoTime() - sent);
              }
              return mine;
            });
    long elapsed = System.nanoTime() - start;
    return new LoadResult(
        String.format(
            Locale.ROOT,
            "HTTP v3 produce %d/request x%d conn acks=%s%s",
            batch,
            connections,
            acks,
            idempotent ? " idem" : ""),
        ok.get(),
        failed.get(),
        recordBytes,
        elapsed,
        merge(latencies),
        firstError.get());
  }

  /** Phase 3: one chunked request per connection streaming its share of the records. */
  LoadResult produceStreamed(String clusterId, String topic, long records) throws IOException {
    String path = client.producePath(clusterId, topic, acks);
    List<StreamedProduce> streams = new ArrayList<>();
    for (int c = 0; c < connections; c++) {
      long share = records / connections + (c < records % connections ? 1 : 0);
      streams.add(
          new StreamedProduce(
              client.base(), path, bodies, c % partitions, (int) share, RECORDS_PER_CHUNK));
    }
    long start = System.nanoTime();
    runWorkers(
        connections,
        worker -> {
          streams.get(worker).run();
          return null;
        });
    long elapsed = System.nanoTime() - start;
    Latencies all = new Latencies();
    long ok = 0;
    long failed = 0;
    String firstError = null;
    for (StreamedProduce s : streams) {
      all.merge(s.latencies());
      ok += s.ok();
      failed += s.failed();
      firstError = firstError == null ? s.firstError() : firstError;
    }
    return new LoadResult(
        String.format(Locale.ROOT, "HTTP v3 streamed produce x%d conn acks=%s", connections, acks),
        ok,
        failed,
        recordBytes,
        elapsed,
        all,
        firstError);
  }

  /** Phase 4: reads every partition from offset 0 to its end, 1 MiB per fetch. */
  LoadResult consume(String topic) throws IOException {
    AtomicLongArray counts = new AtomicLongArray(partitions);
    long start = System.nanoTime();
    List<Latencies> latencies =
        runWorkers(
            partitions,
            partition -> {
              Latencies mine = new Latencies();
              long offset = 0;
              while (true) {
                long sent = System.nanoTime();
                ConsumedBatch fetched = client.fetch(topic, partition, offset, FETCH_BYTES);
                mine.record(System.nanoTime() - sent);
                if (fetched.records() == 0) {
                  break;
                }
                counts.addAndGet(partition, fetched.records());
                offset = fetched.lastOffset() + 1;
              }
              return mine;
            });
    long elapsed = System.nanoTime() - start;
    long total = 0;
    for (int p = 0; p < partitions; p++) {
      total += counts.get(p);
    }
    return new LoadResult(
        String.format(Locale.ROOT, "HTTP consume 1 MiB/fetch x%d conn", partitions),
        total,
        0,
        recordBytes,
        elapsed,
        merge(latencies),
        null);
  }

  /** A worker body: the worker index in, a result out. */
  private interface Worker<T> {
    T run(int worker) throws IOException;
  }

  private static <T> List<T> runWorkers(int count, Worker<T> body) throws IOException {
    ExecutorService pool = Executors.newFixedThreadPool(count);
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        int worker = i;
        futures.add(pool.submit(() -> body.run(worker)));
      }
      List<T> results = new ArrayList<>();
      for (Future<T> f : futures) {
        results.add(f.get());
      }
      return results;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException("a load worker failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } finally {
      pool.shutdownNow();
    }
  }

  private static Latencies merge(List<Latencies> parts) {
    Latencies all = new Latencies();
    parts.forEach(all::merge);
    return all;
  }

  /** The phases as a table: records, records/s, MB/s, p50, p99 and failures. */
  public static String table(List<LoadResult> results) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "%-46s %10s %12s %9s %8s %8s %7s%n",
            "Sluice over HTTP",
            "records",
            "records/s",
            "MB/s",
            "p50 ms",
            "p99 ms",
            "failed"));
    for (LoadResult r : results) {
      out.append(
          String.format(
              Locale.ROOT,
              "%-46s %10d %,12.0f %9.2f %8.1f %8.1f %7d%n",
              r.name(),
              r.records(),
              r.recordsPerSecond(),
              r.megabytesPerSecond(),
              r.latencies().percentileMillis(50),
              r.latencies().percentileMillis(99),
              r.failed()));
    }
    return out.toString();
  }

  /** The ratio of idempotent to plain batched produce the issue asks for. */
  public static final double IDEMPOTENCE_TARGET = 0.95;

  /**
   * Batched produce by idempotent producers against the same by plain ones, if both ran: the cost
   * of the opt-in.
   */
  static List<Comparison> idempotenceRatio(List<LoadResult> results) {
    LoadResult plain = null;
    LoadResult idempotent = null;
    for (LoadResult r : results) {
      if (r.name().contains("produce") && r.name().contains("/request")) {
        if (r.name().endsWith(" idem")) {
          idempotent = r;
        } else {
          plain = r;
        }
      }
    }
    if (plain == null || idempotent == null) {
      return List.of();
    }
    return List.of(
        Comparison.withTarget(
            idempotent.name().replace("HTTP ", ""),
            "idempotent producers",
            idempotent.recordsPerSecond(),
            "plain producers",
            plain.recordsPerSecond(),
            "records/s",
            IDEMPOTENCE_TARGET));
  }

  /** Each produce phase against Kafka's ProducerPerformance at the same acks. */
  static List<Comparison> ratios(List<LoadResult> results, ProducerPerfResult kafka, String acks) {
    List<Comparison> out = new ArrayList<>();
    for (LoadResult r : results) {
      if (r.name().contains("produce")) {
        out.add(
            Comparison.withTarget(
                r.name().replace("HTTP ", ""),
                "Sluice HTTP",
                r.recordsPerSecond(),
                "Kafka producer acks=" + acks,
                kafka.recordsPerSecond(),
                "records/s",
                TARGET));
      }
    }
    return out;
  }
}
