package sluice.bench.groups;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import sluice.bench.http.ConsumerInstanceClient;

/**
 * A group member on Sluice: one REST Proxy v2 consumer instance ({@link ConsumerInstanceClient}),
 * created on the broker it is given (any broker serves any instance). Its ownership is what {@code
 * GET assignments} answers, asked by {@link #checkOwnership} and {@link #idle}. Not thread-safe.
 */
final class SluiceGroupMember implements GroupMember {

  private final String name;
  private final String topic;
  private final ConsumerInstanceClient instance;
  private final OwnershipListener listener;
  private final int pollMaxBytes;
  private final boolean stamped;

  private SluiceGroupMember(
      String name,
      String topic,
      ConsumerInstanceClient instance,
      OwnershipListener listener,
      int pollMaxBytes,
      boolean stamped) {
    this.name = name;
    this.topic = topic;
    this.instance = instance;
    this.listener = listener;
    this.pollMaxBytes = pollMaxBytes;
    this.stamped = stamped;
  }

  /**
   * Creates instance {@code name} of {@code group} on {@code broker}; {@code stamped} decodes
   * record values for their stamps.
   */
  static SluiceGroupMember create(
      URI broker,
      String group,
      String topic,
      String name,
      OwnershipListener listener,
      int pollMaxBytes,
      boolean stamped)
      throws IOException {
    return new SluiceGroupMember(
        name,
        topic,
        ConsumerInstanceClient.create(broker, group, name),
        listener,
        pollMaxBytes,
        stamped);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void join() throws IOException {
    instance.subscribe(topic);
  }

  @Override
  public List<Delivery> poll(Duration timeout) throws IOException {
    List<Delivery> deliveries = new ArrayList<>();
    for (ConsumerInstanceClient.Record r :
        instance.poll(timeout.toMillis(), pollMaxBytes, stamped)) {
      deliveries.add(new Delivery(r.partition(), r.offset(), StampProducer.stampOf(r.value())));
    }
    return deliveries;
  }

  @Override
  public void checkOwnership() throws IOException {
    listener.owned(name, instance.assignments(topic));
  }

  @Override
  public void idle(Duration pause) throws IOException {
    GroupWait.pause(pause);
    checkOwnership();
  }

  @Override
  public boolean commitPolled() throws IOException {
    return instance.commitPolled();
  }

  @Override
  public boolean commit(Map<Integer, Long> nextOffsets) throws IOException {
    Map<Integer, Long> lastConsumed = new TreeMap<>();
    nextOffsets.forEach((p, next) -> lastConsumed.put(p, next - 1));
    return instance.commit(topic, lastConsumed);
  }

  @Override
  public void leave() throws IOException {
    instance.delete();
  }
}
