package sluice.actors.group.state;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import sluice.actors.group.log.GroupRecord;

/**
 * The groups of one {@code __consumer_offsets} partition: what a coordinator holds after loading
 * the partition, by group id. Loading replays every record in offset order; {@link #replay} sends
 * each to its group. Not thread-safe.
 */
public final class Groups {
  private final GroupConfig config;
  private final Map<String, GroupStateMachine> groups = new TreeMap<>();

  public Groups(GroupConfig config) {
    this.config = config;
  }

  public void replay(GroupRecord record) {
    group(record.key().groupId()).replay(record);
  }

  /** The group's state machine, created empty (dead) if the partition has none of its records. */
  public GroupStateMachine group(String groupId) {
    return groups.computeIfAbsent(groupId, id -> new GroupStateMachine(id, config));
  }

  public Optional<GroupStateMachine> existing(String groupId) {
    return Optional.ofNullable(groups.get(groupId)).filter(g -> g.state() != GroupState.DEAD);
  }

  /**
   * The ids of the groups that hold any record, those {@link #list} shows and those with only HTTP
   * consumer instances: what an expiry pass visits.
   */
  public List<String> withRecords() {
    return groups.values().stream()
        .filter(GroupStateMachine::holdsRecords)
        .map(GroupStateMachine::groupId)
        .toList();
  }

  /** Every group that exists, with its state, by group id. */
  public SortedMap<String, GroupState> list() {
    SortedMap<String, GroupState> list = new TreeMap<>();
    groups.forEach(
        (id, group) -> {
          GroupState state = group.state();
          if (state != GroupState.DEAD) {
            list.put(id, state);
          }
        });
    return list;
  }
}
