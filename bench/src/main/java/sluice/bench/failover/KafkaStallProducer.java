package sluice.bench.failover;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The stall producer on Kafka: one kafka-clients {@link KafkaProducer} in this JVM with {@code
 * acks=all} and otherwise Kafka's defaults (idempotence on, {@code linger.ms} 5, retries until
 * {@code delivery.timeout.ms} 120 s), fed by one thread at a fixed rate; a semaphore bounds the
 * records sent but not yet acknowledged. Every acknowledgement is recorded by the producer's I/O
 * thread in the callback. Also reads the partition back ({@link #readBack}) with a group-less
 * consumer. Not thread-safe: one scenario drives it.
 */
public final class KafkaStallProducer implements StallProducer {

  private final String bootstrapServers;
  private final String topic;
  private final int partition;
  private final int recordSize;
  private final double rate;
  private final int maxInFlight;
  private volatile boolean running;
  private Thread sender;
  private KafkaProducer<byte[], byte[]> producer;
  private volatile long sent;

  /**
   * @param bootstrapServers the cluster
   * @param topic the topic
   * @param partition the partition written
   * @param recordSize bytes of each value
   * @param rate records per second
   * @param maxInFlight records sent but not yet acknowledged, at most
   */
  public KafkaStallProducer(
      String bootstrapServers,
      String topic,
      int partition,
      int recordSize,
      double rate,
      int maxInFlight) {
    this.bootstrapServers = bootstrapServers;
    this.topic = topic;
    this.partition = partition;
    this.recordSize = recordSize;
    this.rate = rate;
    this.maxInFlight = maxInFlight;
  }

  @Override
  public void start(AckTimeline timeline) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    Semaphore inFlight = new Semaphore(maxInFlight);
    running = true;
    sender =
        new Thread(
            () -> {
              Pacer pacer = new Pacer(System.nanoTime(), rate);
              for (long seq = 0; running; seq++) {
                pacer.awaitTurn(seq);
                try {
                  while (!inFlight.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                    if (!running) {
                      return;
                    }
                  }
                } catch (InterruptedException e) {
                  return;
                }
                long s = seq;
                producer.send(
                    new ProducerRecord<>(
                        topic, partition, null, SequencedValue.encode(seq, recordSize)),
                    (metadata, error) -> {
                      if (error == null) {
                        timeline.acknowledged(s, System.nanoTime());
                      } else {
                        timeline.failed(error.toString());
                      }
                      inFlight.release();
                    });
                sent = seq + 1;
              }
            },
            "kafka-stall-producer");
    sender.start();
  }

  @Override
  public long stop() throws IOException {
    running = false;
    try {
      sender.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted stopping the Kafka producer", e);
    }
    producer.close(Duration.ofSeconds(60));
    return sent;
  }

  @Override
  public long sent() {
    return sent;
  }

  /** Every record of the partition from its start to its end offset, as sequence numbers. */
  public long[] readBack() {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    TopicPartition tp = new TopicPartition(topic, partition);
    List<Long> seqs = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      Map<TopicPartition, Long> end = consumer.endOffsets(List.of(tp), Duration.ofSeconds(30));
      long endOffset = end.get(tp);
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
      while (consumer.position(tp) < endOffset) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "reading "
                  + tp
                  + " back stopped at offset "
                  + consumer.position(tp)
                  + " of "
                  + endOffset);
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          seqs.add(SequencedValue.decode(r.value()));
        }
      }
    }
    return seqs.stream().mapToLong(Long::longValue).toArray();
  }
}
