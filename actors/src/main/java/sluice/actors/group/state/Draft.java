package sluice.actors.group.state;

import java.util.ArrayList;
import java.util.List;
import sluice.actors.group.log.GroupRecord;
import sluice.actors.group.log.RecordKey;
import sluice.actors.group.log.RecordValue;

/**
 * The records of one decision, each replayed as it is added into a private copy of the group, so
 * every later step of the decision reads the state its earlier records make, through the very code
 * that will apply them once committed. The copy is made at the first record: a heartbeat that
 * changes nothing copies nothing. Not thread-safe; used within one decision.
 */
final class Draft {
  private final ConsumerGroup base;
  private ConsumerGroup copy;
  private final List<GroupRecord> records = new ArrayList<>();

  Draft(ConsumerGroup base) {
    this.base = base;
  }

  /** The group as it will be once the records so far are applied. */
  ConsumerGroup group() {
    return copy == null ? base : copy;
  }

  void add(RecordKey key, RecordValue valueOrNull) {
    GroupRecord record = new GroupRecord(key, valueOrNull);
    if (copy == null) {
      copy = base.copy();
    }
    copy.replay(record);
    records.add(record);
  }

  List<GroupRecord> records() {
    return List.copyOf(records);
  }

  <R> Result<R> result(R response) {
    return new Result<>(records, response);
  }
}
