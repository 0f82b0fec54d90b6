package sluice.actors.group.state;

import java.util.List;

/**
 * What a decision of the state machine yields: the records to append to the group's partition of
 * {@code __consumer_offsets}, in order, and the answer to send once they are committed. The state
 * does not change until the caller replays the records; an answer whose records could not be
 * committed must not be sent.
 */
public record Result<R>(List<sluice.actors.group.log.GroupRecord> records, R response) {
  public Result {
    records = List.copyOf(records);
  }

  public static <R> Result<R> of(R response) {
    return new Result<>(List.of(), response);
  }
}
