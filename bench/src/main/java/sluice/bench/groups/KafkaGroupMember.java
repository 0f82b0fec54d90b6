package sluice.bench.groups;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.GroupProtocol;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A group member on Kafka: one kafka-clients {@link KafkaConsumer} with {@code
 * group.protocol=consumer} (KIP-848: the broker assigns, {@code uniform} by default), manual
 * commits, {@code auto.offset.reset=earliest}, and otherwise the client's defaults. Its {@link
 * ConsumerRebalanceListener} reports every assignment and revocation to the {@link
 * OwnershipListener} as it runs, inside the poll. Not thread-safe, as the consumer.
 */
final class KafkaGroupMember implements GroupMember {

  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private final String name;
  private final String topic;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final OwnershipListener listener;
  private final Set<Integer> owned = new TreeSet<>();
  private boolean paused;

  KafkaGroupMember(
      String bootstrapServers,
      String group,
      String topic,
      String name,
      OwnershipListener listener) {
    this.name = name;
    this.topic = topic;
    this.listener = listener;
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, name);
    props.put(
        ConsumerConfig.GROUP_PROTOCOL_CONFIG,
        GroupProtocol.CONSUMER.name().toLowerCase(Locale.ROOT));
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    this.consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void join() {
    consumer.subscribe(
        List.of(topic),
        new ConsumerRebalanceListener() {
          @Override
          public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (paused) {
              consumer.pause(partitions);
            }
            partitions.forEach(tp -> owned.add(tp.partition()));
            listener.owned(name, Set.copyOf(owned));
          }

          @Override
          public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            partitions.forEach(tp -> owned.remove(tp.partition()));
            listener.owned(name, Set.copyOf(owned));
          }
        });
  }

  @Override
  public List<Delivery> poll(Duration timeout) {
    if (paused) {
      consumer.resume(consumer.paused());
      paused = false;
    }
    List<Delivery> deliveries = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
      deliveries.add(new Delivery(r.partition(), r.offset(), StampProducer.stampOf(r.value())));
    }
    return deliveries;
  }

  @Override
  public void checkOwnership() {
    // The rebalance listener reports during polls.
  }

  @Override
  public void idle(Duration pause) {
    paused = true;
    consumer.pause(consumer.assignment());
    consumer.poll(pause);
  }

  @Override
  public boolean commitPolled() {
    try {
      consumer.commitSync();
      return true;
    } catch (WakeupException | InterruptException e) {
      throw e;
    } catch (KafkaException refused) {
      // CommitFailedException, RebalanceInProgressException, StaleMemberEpochException, ...
      return false;
    }
  }

  @Override
  public boolean commit(Map<Integer, Long> nextOffsets) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    nextOffsets.forEach(
        (p, offset) -> offsets.put(new TopicPartition(topic, p), new OffsetAndMetadata(offset)));
    try {
      consumer.commitSync(offsets);
      return true;
    } catch (WakeupException | InterruptException e) {
      throw e;
    } catch (KafkaException refused) {
      return false;
    }
  }

  @Override
  public void leave() {
    consumer.close(
        CloseOptions.timeout(CLOSE_TIMEOUT)
            .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
  }
}
