package sluice.bench.failover;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import sluice.bench.http.ConsumedBatch;
import sluice.bench.http.RecordBodies;
import sluice.bench.http.RestProxyClient;

/**
 * The stall producer on Sluice, over the REST Proxy v3 produce endpoint ({@code POST
 * /v3/clusters/{id}/topics/{t}/records?acks=all}) of one broker: {@code connections} workers each
 * post requests of {@code batch} records (one request in flight per worker, so at most {@code
 * connections * batch} records in flight), paced to {@code rate} records/s. A record whose delivery
 * report is an error, or whose request failed, is sent again in the worker's next request (after a
 * 100 ms back-off) until it is acknowledged or the producer stops. A plain worker sends the failed
 * records again in a new request, so a record whose answer was lost may be written twice, which the
 * read-back counts as a duplicate; an idempotent one ({@link IdempotentSender}, the default) is a
 * producer with an id of its own and sends the same request again with the same sequence, which the
 * partition stores once. Also reads the partition back ({@link #readBack}) through the same broker.
 * Not thread-safe: one scenario drives it.
 */
public final class SluiceStallProducer implements StallProducer {

  private static final long BACKOFF_MILLIS = 100;
  private static final int FETCH_BYTES = 1024 * 1024;

  private final RestProxyClient client;
  private final String clusterId;
  private final String topic;
  private final int partition;
  private final int recordSize;
  private final double rate;
  private final int connections;
  private final int batch;
  private final boolean idempotent;
  private final AtomicLong next = new AtomicLong();
  private final java.util.concurrent.atomic.AtomicInteger epochBumps =
      new java.util.concurrent.atomic.AtomicInteger();
  private volatile boolean running;
  private final List<Thread> workers = new ArrayList<>();

  /**
   * @param client the broker the producer talks to (one that survives the kill)
   * @param clusterId its cluster id
   * @param topic the topic
   * @param partition the partition written
   * @param recordSize bytes of each value
   * @param rate records per second
   * @param connections concurrent requests
   * @param batch records per request
   * @param idempotent whether each worker is an idempotent producer
   */
  public SluiceStallProducer(
      RestProxyClient client,
      String clusterId,
      String topic,
      int partition,
      int recordSize,
      double rate,
      int connections,
      int batch,
      boolean idempotent) {
    this.client = client;
    this.clusterId = clusterId;
    this.topic = topic;
    this.partition = partition;
    this.recordSize = recordSize;
    this.rate = rate;
    this.connections = connections;
    this.batch = batch;
    this.idempotent = idempotent;
  }

  /** Epoch bumps the idempotent workers made after a 409 (each may write a resend twice). */
  public int epochBumps() {
    return epochBumps.get();
  }

  @Override
  public void start(AckTimeline timeline) {
    String path = client.producePath(clusterId, topic, "all");
    Pacer pacer = new Pacer(System.nanoTime(), rate);
    running = true;
    for (int c = 0; c < connections; c++) {
      Thread worker =
          new Thread(() -> produce(path, pacer, timeline), "sluice-stall-producer-" + c);
      workers.add(worker);
      worker.start();
    }
  }

  private void produce(String path, Pacer pacer, AckTimeline timeline) {
    if (idempotent) {
      produceIdempotently(path, pacer, timeline);
      return;
    }
    while (running) {
      long first = next.getAndAdd(batch);
      pacer.awaitTurn(first);
      List<Long> pending = new ArrayList<>();
      for (long seq = first; seq < first + batch; seq++) {
        pending.add(seq);
      }
      while (!pending.isEmpty() && running) {
        List<Long> failed = new ArrayList<>();
        int[] reported = {0};
        List<Long> sending = pending;
        try {
          client.produce(
              path,
              body(sending),
              (ok, partition, offset, message) -> {
                long seq = sending.get(reported[0]++);
                if (ok) {
                  timeline.acknowledged(seq, System.nanoTime());
                } else {
                  failed.add(seq);
                  timeline.failed(message);
                }
              });
        } catch (IOException | RuntimeException e) {
          timeline.failed(e.toString());
        }
        failed.addAll(sending.subList(Math.min(reported[0], sending.size()), sending.size()));
        pending = failed;
        if (!pending.isEmpty()) {
          try {
            Thread.sleep(BACKOFF_MILLIS);
          } catch (InterruptedException e) {
            return;
          }
        }
      }
    }
  }

  private void produceIdempotently(String path, Pacer pacer, AckTimeline timeline) {
    var sender = new IdempotentSender(client, clusterId, path, partition);
    try {
      while (running) {
        long first = next.getAndAdd(batch);
        pacer.awaitTurn(first);
        List<Long> seqs = new ArrayList<>();
        for (long seq = first; seq < first + batch; seq++) {
          seqs.add(seq);
        }
        sender.send(body(seqs), seqs, timeline, () -> running);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      epochBumps.addAndGet(sender.epochBumps());
    }
  }

  private byte[] body(List<Long> seqs) {
    StringBuilder body = new StringBuilder(seqs.size() * (recordSize * 4 / 3 + 64));
    for (long seq : seqs) {
      body.append(RecordBodies.record(partition, SequencedValue.encode(seq, recordSize)));
    }
    return body.toString().getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public long stop() throws IOException {
    running = false;
    try {
      for (Thread worker : workers) {
        worker.join(TimeUnit.SECONDS.toMillis(90));
        if (worker.isAlive()) {
          throw new IOException(worker.getName() + " did not stop within 90 s");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted stopping the Sluice producer", e);
    }
    return next.get();
  }

  /** Records numbered so far (a worker numbers a request's records just before pacing it). */
  @Override
  public long sent() {
    return next.get();
  }

  /** Every record of the partition from offset 0 to the high watermark, as sequence numbers. */
  public long[] readBack() throws IOException {
    List<Long> seqs = new ArrayList<>();
    long offset = 0;
    while (true) {
      ConsumedBatch fetched =
          client.fetch(
              topic,
              partition,
              offset,
              FETCH_BYTES,
              (o, value) -> {
                if (value == null) {
                  throw new IllegalStateException("record at offset " + o + " has no value");
                }
                seqs.add(SequencedValue.decode(Base64.getDecoder().decode(value)));
              });
      if (fetched.records() == 0) {
        return seqs.stream().mapToLong(Long::longValue).toArray();
      }
      offset = fetched.lastOffset() + 1;
    }
  }
}
