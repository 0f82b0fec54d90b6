package sluice.multijvm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import sluice.actors.group.log.GroupRecord;
import sluice.actors.group.log.OffsetsTopic;
import sluice.actors.group.log.RecordKey;
import sluice.actors.group.log.RecordValue;

/**
 * Reads a group's {@code __consumer_offsets} partition as it is committed and replays its members'
 * current assignments record by record, checking that no partition is ever owned (assigned or
 * pending revocation) by two members at once: the coordinator never hands a partition on before the
 * previous owner's revocation is recorded.
 */
final class OwnershipAudit {
  static final String OFFSETS_TOPIC = "__consumer_offsets";

  /** What the replay found: violations (empty when none), and how many assignment records. */
  record Result(List<String> violations, int assignmentRecords, int records) {}

  private OwnershipAudit() {}

  static int partitionOf(String group) {
    return OffsetsTopic.partitionFor(group, 50);
  }

  static Result audit(BrokerClient broker, String group) {
    int partition = partitionOf(group);
    Long hw = broker.describePartition(OFFSETS_TOPIC, partition).highWatermark();
    if (hw == null) {
      throw new AssertionError("no high watermark for " + OFFSETS_TOPIC + "-" + partition);
    }
    Map<String, Set<String>> owned = new HashMap<>();
    List<String> violations = new ArrayList<>();
    int assignments = 0;
    int records = 0;
    long offset = 0;
    while (offset < hw) {
      JsonNode page =
          broker
              .get(
                  "/topics/%s/partitions/%d/records?offset=%d&timeout=5000"
                      .formatted(OFFSETS_TOPIC, partition, offset))
              .expect(200);
      if (page.isEmpty()) {
        throw new AssertionError("no records at offset " + offset + " below HW " + hw);
      }
      for (JsonNode r : page) {
        offset = r.get("offset").asLong() + 1;
        records++;
        JsonNode value = r.get("value");
        GroupRecord record =
            GroupRecord.decode(
                bytes(r.get("key")), value == null || value.isNull() ? null : bytes(value));
        if (!(record.key() instanceof RecordKey.CurrentMemberAssignment key)
            || !key.groupId().equals(group)) {
          continue;
        }
        assignments++;
        if (record.isTombstone()) {
          owned.remove(key.memberId());
          continue;
        }
        var assignment = (RecordValue.CurrentMemberAssignment) record.value();
        Set<String> mine = new HashSet<>();
        assignment.assignedPartitions().forEach((t, ps) -> ps.forEach(p -> mine.add(t + "-" + p)));
        assignment
            .partitionsPendingRevocation()
            .forEach((t, ps) -> ps.forEach(p -> mine.add(t + "-" + p)));
        owned.put(key.memberId(), mine);
        for (var other : owned.entrySet()) {
          if (other.getKey().equals(key.memberId())) {
            continue;
          }
          Set<String> both = new HashSet<>(mine);
          both.retainAll(other.getValue());
          if (!both.isEmpty()) {
            violations.add(
                "offset %d: member %s owns %s, still owned by %s"
                    .formatted(offset - 1, key.memberId(), both, other.getKey()));
          }
        }
      }
    }
    return new Result(violations, assignments, records);
  }

  private static byte[] bytes(JsonNode base64) {
    return Base64.getDecoder().decode(base64.asText());
  }
}
