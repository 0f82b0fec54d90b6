package sluice.multijvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import sluice.multijvm.BrokerClient.Consumed;
import sluice.multijvm.BrokerClient.Response;

/**
 * A producer thread for crash tests: sends records {@code <prefix>-<seq>} (seq 0, 1, 2, ...) to one
 * partition, one record per acks=all request, one request at a time, each with its own deadline
 * ({@link #REQUEST_DEADLINE}), and notes every acknowledgement (seq, offset, when). A record whose
 * request fails or times out is never sent again: the next request carries the next seq. So a value
 * appears in the log at most once, and {@link #checkReadBack} can demand that every acknowledged
 * record is there exactly once, at its acknowledged offset, in order.
 *
 * <p>An idempotent one ({@link #startIdempotent}) is an HTTP client that opted in to idempotent
 * produce (docs/http-api.md): it takes a producer id and sends seq with sequence number seq, and a
 * record whose request fails is sent again, the same request, until it is acknowledged; the
 * partition must store it once. Only the record in flight when it stops may then be unacknowledged.
 *
 * <p>It sends through the first of its brokers and moves to the next one after a failure (a killed
 * or paused broker's HTTP API answers nothing). After a failure it waits {@link #RETRY_BACKOFF} (or
 * less, if stopped) before the next request, as a client backs off.
 *
 * <p>Thread-safe: the test thread reads the acknowledgements while the producer thread adds them.
 * {@link #close()} stops the thread and waits for it.
 */
public final class SequenceProducer implements AutoCloseable {
  /** How long one produce request may take before the producer gives up on it. */
  public static final Duration REQUEST_DEADLINE = Duration.ofSeconds(5);

  private static final Duration RETRY_BACKOFF = Duration.ofMillis(100);
  private static final Duration STOP_DEADLINE = Duration.ofSeconds(60);

  /**
   * One acknowledged record: its seq, its offset, when its request was sent and when the answer
   * arrived (nanoTime).
   */
  public record Ack(long seq, long offset, long sentAtNanos, long answeredAtNanos) {}

  private final String topic;
  private final int partition;
  private final String prefix;
  private final List<BrokerClient> brokers;
  private final List<Ack> acked = new CopyOnWriteArrayList<>();
  private final List<String> failureSamples = new CopyOnWriteArrayList<>();
  private final AtomicLong failures = new AtomicLong();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final long startedAtNanos = System.nanoTime();
  private final Thread thread;
  private final Duration requestDeadline;
  private final String acks;
  private final boolean idempotent;

  private SequenceProducer(
      String topic,
      int partition,
      String prefix,
      List<BrokerClient> brokers,
      Duration requestDeadline,
      String acks,
      boolean idempotent) {
    if (brokers.isEmpty()) {
      throw new IllegalArgumentException("a producer needs at least one broker to send through");
    }
    this.topic = topic;
    this.partition = partition;
    this.prefix = prefix;
    this.brokers = List.copyOf(brokers);
    this.requestDeadline = requestDeadline;
    this.acks = acks;
    this.idempotent = idempotent;
    this.thread = new Thread(this::produce, "sequence-producer-" + topic + "-" + partition);
    thread.setDaemon(true);
  }

  /**
   * Starts producing {@code <prefix>-<seq>} to {@code topic-partition} through {@code brokers}
   * (clients that know their cluster id, so a dead broker costs one request, not two).
   */
  public static SequenceProducer start(
      String topic, int partition, String prefix, List<BrokerClient> brokers) {
    return start(topic, partition, prefix, brokers, REQUEST_DEADLINE);
  }

  /**
   * As {@link #start(String, int, String, List)}, giving up on a request after {@code deadline}.
   */
  public static SequenceProducer start(
      String topic, int partition, String prefix, List<BrokerClient> brokers, Duration deadline) {
    return start(topic, partition, prefix, brokers, deadline, "all");
  }

  /** As {@link #start(String, int, String, List, Duration)}, with the given acks (0, 1, all). */
  public static SequenceProducer start(
      String topic,
      int partition,
      String prefix,
      List<BrokerClient> brokers,
      Duration deadline,
      String acks) {
    SequenceProducer producer =
        new SequenceProducer(topic, partition, prefix, brokers, deadline, acks, false);
    producer.thread.start();
    return producer;
  }

  /**
   * Starts an idempotent producer (acks=all): a producer id from the first broker that hands one
   * out, then seq sent with sequence number seq, each resent until acknowledged.
   */
  public static SequenceProducer startIdempotent(
      String topic, int partition, String prefix, List<BrokerClient> brokers, Duration deadline) {
    SequenceProducer producer =
        new SequenceProducer(topic, partition, prefix, brokers, deadline, "all", true);
    producer.thread.start();
    return producer;
  }

  private static final Pattern PRODUCER_ID = Pattern.compile("\"producer_id\"\\s*:\\s*(\\d+)");

  private void produce() {
    int via = 0;
    long producerId = -1;
    long seq = 0;
    while (stopped.getCount() > 0) {
      BrokerClient client = brokers.get(via % brokers.size());
      String value = prefix + "-" + seq;
      String failure;
      long sentAt = System.nanoTime();
      try {
        if (idempotent && producerId < 0) {
          Response answer =
              client.send("POST", "/v3/clusters/%s/producers".formatted(client.clusterId()), "{}");
          Matcher id = PRODUCER_ID.matcher(answer.body());
          if (answer.status() == 200 && id.find()) {
            producerId = Long.parseLong(id.group(1));
            continue;
          }
          throw new IllegalStateException("no producer id: HTTP " + answer.status());
        }
        String path =
            "/v3/clusters/%s/topics/%s/records?acks=%s".formatted(client.clusterId(), topic, acks);
        if (idempotent) {
          path +=
              "&producer_id=%d&producer_epoch=0&sequences=%d:%d"
                  .formatted(producerId, partition, seq);
        }
        Response response =
            client.send(
                "POST",
                path,
                "{\"partition_id\": %d, \"value\": {\"type\": \"STRING\", \"data\": \"%s\"}}"
                    .formatted(partition, value),
                requestDeadline);
        Optional<List<Long>> offsets = BrokerClient.acknowledgedOffsets(response, 1);
        if (offsets.isPresent()) {
          acked.add(new Ack(seq, offsets.get().get(0), sentAt, System.nanoTime()));
          seq++;
          continue;
        }
        failure = "HTTP " + response.status() + " " + abbreviate(response.body());
      } catch (UncheckedIOException | IllegalStateException e) {
        failure = e.getMessage();
      }
      if (!idempotent) {
        seq++; // never sent again: the log holds each value at most once
      }
      failures.incrementAndGet();
      if (failureSamples.size() < 20) {
        failureSamples.add(
            "%s via %s after %d ms: %s"
                .formatted(value, client, elapsedMillis(System.nanoTime()), failure));
      }
      via++;
      try {
        // Client backoff; returns at once when the producer is stopped.
        stopped.await(RETRY_BACKOFF.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static String abbreviate(String body) {
    return body.length() <= 300 ? body : body.substring(0, 300) + "...";
  }

  private long elapsedMillis(long nanos) {
    return (nanos - startedAtNanos) / 1_000_000;
  }

  /** The acknowledgements so far, in the order they arrived. */
  public List<Ack> acked() {
    return List.copyOf(acked);
  }

  public int ackedCount() {
    return acked.size();
  }

  /** Waits until at least {@code count} records are acknowledged; fails naming the last errors. */
  public SequenceProducer awaitAcked(int count, Duration deadline) {
    try {
      await(count + " acknowledged records")
          .atMost(deadline)
          .pollInterval(Duration.ofMillis(50))
          .until(() -> acked.size() >= count);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(
          "%s; %d acknowledged, %d failed requests, first failures: %s"
              .formatted(e.getMessage(), acked.size(), failures.get(), failureSamples),
          e);
    }
    return this;
  }

  /**
   * The longest time without an acknowledgement among those so far, from a gap between two
   * consecutive acknowledgements: the produce stall a client saw.
   */
  public Stall longestStall() {
    List<Ack> all = acked();
    Stall longest = new Stall(0, -1, -1);
    for (int i = 1; i < all.size(); i++) {
      long gap = (all.get(i).answeredAtNanos() - all.get(i - 1).answeredAtNanos()) / 1_000_000;
      if (gap > longest.millis()) {
        longest = new Stall(gap, all.get(i - 1).seq(), all.get(i).seq());
      }
    }
    return longest;
  }

  /** A gap: its length and the seqs acknowledged right before and after it. */
  public record Stall(long millis, long lastSeqBefore, long firstSeqAfter) {}

  /** Milliseconds from {@code sinceNanos} (a {@link System#nanoTime()}) to the first ack after. */
  public Optional<Long> firstAckAfter(long sinceNanos) {
    return acked.stream()
        .filter(a -> a.answeredAtNanos() > sinceNanos)
        .findFirst()
        .map(a -> (a.answeredAtNanos() - sinceNanos) / 1_000_000);
  }

  public long failedRequests() {
    return failures.get();
  }

  public List<String> failureSamples() {
    return List.copyOf(failureSamples);
  }

  /** One line for the test output: counts and the longest stall. */
  public String summary() {
    Stall stall = longestStall();
    return "%s-%d: %d acknowledged, %d failed or timed-out requests; longest stall %d ms (between seq %d and %d)"
        .formatted(
            topic,
            partition,
            acked.size(),
            failures.get(),
            stall.millis(),
            stall.lastSeqBefore(),
            stall.firstSeqAfter());
  }

  /**
   * Checks a partition read from offset 0 (up to its high watermark) against what this producer was
   * told: offsets dense from 0; no value of this producer twice; every acknowledged record at its
   * acknowledged offset; acknowledged offsets rising in the order the acknowledgements came.
   * Records of this producer that were not acknowledged may be there (once) or not.
   *
   * @param where names the read in failure messages ("through broker 2")
   * @return how many unacknowledged records of this producer were found
   */
  public int checkReadBack(List<Consumed> read, String where) {
    for (int i = 0; i < read.size(); i++) {
      assertThat(read.get(i).offset()).as("dense offsets %s at index %d", where, i).isEqualTo(i);
    }
    Map<String, Long> seen = new HashMap<>();
    for (Consumed record : read) {
      Long before = seen.put(record.value(), record.offset());
      assertThat(before)
          .as(
              "%s appears once %s, but is at offsets %s and %d",
              record.value(), where, before, record.offset())
          .isNull();
    }
    List<Ack> all = acked();
    long previous = -1;
    List<String> missing = new ArrayList<>();
    for (Ack ack : all) {
      assertThat(ack.offset())
          .as("acknowledged offsets rise with the acknowledgements (seq %d)", ack.seq())
          .isGreaterThan(previous);
      previous = ack.offset();
      String value = prefix + "-" + ack.seq();
      if (ack.offset() >= read.size() || !value.equals(read.get((int) ack.offset()).value())) {
        missing.add(
            "%s acknowledged at offset %d, read there: %s"
                .formatted(
                    value,
                    ack.offset(),
                    ack.offset() < read.size() ? read.get((int) ack.offset()).value() : "nothing"));
      }
    }
    assertThat(missing)
        .as("acknowledged records missing or moved %s (%d records read)", where, read.size())
        .isEmpty();
    long ours = read.stream().filter(r -> r.value().startsWith(prefix + "-")).count();
    return (int) (ours - all.size());
  }

  /** Stops the thread (after its request in flight, if any) and waits for it. */
  @Override
  public void close() throws InterruptedException {
    stopped.countDown();
    thread.join(STOP_DEADLINE.toMillis());
    if (thread.isAlive()) {
      throw new AssertionError("the producer thread did not stop within " + STOP_DEADLINE);
    }
  }
}
