package sluice.actors.consumer;

import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import sluice.actors.api.ApiError;
import sluice.actors.api.ConsumedRecord;
import sluice.actors.api.ErrorCode;
import sluice.actors.api.PartitionOffsets;
import sluice.actors.gateway.Gateway;
import sluice.actors.group.coordinator.GroupGateway;
import sluice.actors.group.coordinator.GroupRequest;
import sluice.actors.group.state.GroupError;
import sluice.actors.group.state.HeartbeatRequest;
import sluice.actors.group.state.HeartbeatResponse;
import sluice.actors.group.state.StoredInstance;
import sluice.actors.group.state.TopicPartition;

/**
 * Stand-ins for what an instance entity talks to, with state a test can read: a group coordinator
 * that keeps instance records and commits and gives a joining member every partition of topic
 * {@code orders} (id {@code id-orders}), and partition leaders holding {@link #RECORDS} records in
 * each of its {@link #PARTITIONS} partitions. Thread-safe: the fakes run as actors, the test reads.
 */
final class FakeBackends {
  static final int PARTITIONS = 2;
  static final int RECORDS = 5;

  final Map<String, StoredInstance> instances = new ConcurrentHashMap<>();
  final Map<TopicPartition, GroupRequest.CommittedOffset> commits = new ConcurrentHashMap<>();
  final List<HeartbeatRequest> heartbeats = new CopyOnWriteArrayList<>();
  final List<GroupRequest<?>> requests = new CopyOnWriteArrayList<>();

  Behavior<GroupGateway.Command> coordinator() {
    return Behaviors.receive(GroupGateway.Command.class)
        .onMessage(
            GroupGateway.Call.class,
            call -> {
              requests.add(call.request());
              answer(call.request());
              return Behaviors.same();
            })
        .build();
  }

  private void answer(GroupRequest<?> request) {
    if (request instanceof GroupRequest.GetInstance r) {
      StoredInstance stored = instances.get(r.instanceId());
      r.replyTo().tell(instanceReply(stored));
    } else if (request instanceof GroupRequest.PutInstance r) {
      StoredInstance old = instances.get(r.instanceId());
      if (r.create() && old != null && !old.memberId().equals(r.instance().memberId())) {
        r.replyTo()
            .tell(
                new GroupRequest.InstanceReply(
                    null, GroupError.CONSUMER_INSTANCE_EXISTS, "exists", null));
      } else if (!r.create() && old == null) {
        r.replyTo().tell(instanceReply(null));
      } else {
        instances.put(r.instanceId(), r.instance());
        r.replyTo().tell(new GroupRequest.InstanceReply(r.instance(), null, null, null));
      }
    } else if (request instanceof GroupRequest.DeleteInstance r) {
      r.replyTo().tell(instanceReply(instances.remove(r.instanceId())));
    } else if (request instanceof GroupRequest.Heartbeat r) {
      heartbeats.add(r.request());
      int epoch = r.request().memberEpoch();
      Map<String, Set<Integer>> assignment = epoch == 0 ? Map.of("id-orders", Set.of(0, 1)) : null;
      r.replyTo()
          .tell(
              new GroupRequest.HeartbeatReply(
                  new HeartbeatResponse(
                      r.request().memberId(), epoch < 0 ? epoch : 1, 1_000, assignment, null, null),
                  null));
    } else if (request instanceof GroupRequest.CommitOffsets r) {
      List<GroupRequest.PartitionOutcome> outcomes = new ArrayList<>();
      for (GroupRequest.OffsetToCommit o : r.offsets()) {
        TopicPartition tp = new TopicPartition(o.topic(), o.partition());
        commits.put(
            tp,
            new GroupRequest.CommittedOffset(
                o.topic(), o.partition(), o.offset(), o.leaderEpoch(), o.metadata(), 0L));
        outcomes.add(new GroupRequest.PartitionOutcome(tp, null, null));
      }
      r.replyTo().tell(new GroupRequest.PartitionsReply(outcomes, null));
    } else if (request instanceof GroupRequest.FetchOffsets r) {
      Map<TopicPartition, GroupRequest.CommittedOffset> found = new TreeMap<>(commits);
      if (r.partitions() != null) {
        found.keySet().retainAll(r.partitions());
      }
      r.replyTo().tell(new GroupRequest.OffsetsReply(List.copyOf(found.values()), null));
    } else {
      throw new IllegalArgumentException("not faked: " + request);
    }
  }

  private static GroupRequest.InstanceReply instanceReply(StoredInstance stored) {
    return stored == null
        ? new GroupRequest.InstanceReply(
            null, GroupError.UNKNOWN_CONSUMER_INSTANCE, "no such instance", null)
        : new GroupRequest.InstanceReply(stored, null, null, null);
  }

  Behavior<Gateway.Command> leaders() {
    return Behaviors.receive(Gateway.Command.class)
        .onMessage(
            Gateway.Fetch.class,
            f -> {
              if (f.offset() > RECORDS) {
                f.replyTo()
                    .tell(
                        new Gateway.FetchReply(
                            List.of(),
                            null,
                            ApiError.of(ErrorCode.OFFSET_OUT_OF_RANGE, "beyond %d", RECORDS)));
              } else {
                List<ConsumedRecord> records = new ArrayList<>();
                for (long o = f.offset(); o < RECORDS; o++) {
                  records.add(
                      new ConsumedRecord(
                          f.topic(),
                          f.partition(),
                          o,
                          0L,
                          false,
                          null,
                          ("v" + o).getBytes(),
                          List.of()));
                }
                f.replyTo().tell(new Gateway.FetchReply(records, offsets(), null));
              }
              return Behaviors.same();
            })
        .onMessage(
            Gateway.GetOffsets.class,
            g -> {
              g.replyTo().tell(new Gateway.OffsetsReply(offsets(), null));
              return Behaviors.same();
            })
        .build();
  }

  private static PartitionOffsets offsets() {
    return new PartitionOffsets(0, RECORDS, RECORDS);
  }
}
