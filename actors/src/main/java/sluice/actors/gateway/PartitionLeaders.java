package sluice.actors.gateway;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import sluice.actors.api.Acks;
import sluice.actors.api.ApiError;
import sluice.actors.api.PartitionOffsets;

/**
 * How the gateway reaches partition leaders: in a broker, the sharded partition leader entities
 * ({@code topic-partition}) asked through their {@code EntityRef}; in tests, stand-ins. Every call
 * is one ask; a stage that fails did not get an answer within {@code askTimeout}. Implementations
 * are safe from any thread.
 */
public interface PartitionLeaders {

  /**
   * A leader's answer to an append.
   *
   * @param baseOffset the offset of the batch's first record, -1 on error or with acks=0
   * @param logAppendTime the broker's timestamp for the batch, -1 for CreateTime topics
   */
  record Appended(long baseOffset, long logAppendTime, ApiError error) {}

  /** A leader's answer to a fetch: whole v2 batches, as stored. */
  record Fetched(byte[] batches, PartitionOffsets offsets, ApiError error) {}

  /**
   * Appends one v2 batch (base offset 0) built by the gateway. With {@link Acks#NONE} the batch is
   * sent without waiting and the stage completes at once with offset -1.
   */
  CompletionStage<Appended> append(
      String topic, int partition, byte[] batch, Acks acks, long timeoutMs, Duration askTimeout);

  /**
   * Whole batches from {@code offset}, waiting up to {@code maxWaitMs} at the log end; {@code
   * currentLeaderEpoch} -1 for no epoch check.
   */
  CompletionStage<Fetched> fetch(
      String topic,
      int partition,
      int currentLeaderEpoch,
      long offset,
      int maxBytes,
      long maxWaitMs,
      Duration askTimeout);

  CompletionStage<Gateway.OffsetsReply> offsets(String topic, int partition, Duration askTimeout);

  CompletionStage<Gateway.OffsetForTimeReply> offsetForTime(
      String topic, int partition, long timestamp, Duration askTimeout);

  /** Where {@code leaderEpoch} ends in the leader's log, checking {@code currentLeaderEpoch}. */
  CompletionStage<Gateway.EpochEndReply> epochEnd(
      String topic, int partition, int currentLeaderEpoch, int leaderEpoch, Duration askTimeout);

  /**
   * Tells the leader that a fetched batch failed its checks here ({@code problem}), so it can read
   * its own copy back and resign if that is corrupt. Not answered.
   */
  void corruptBatchSeen(String topic, int partition, long offset, String problem);
}
