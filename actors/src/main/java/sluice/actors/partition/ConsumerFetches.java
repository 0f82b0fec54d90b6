package sluice.actors.partition;

import sluice.actors.api.ApiError;
import sluice.actors.api.PartitionOffsets;
import sluice.actors.partition.PartitionLeader.Fetch;
import sluice.actors.partition.PartitionLeader.FetchReply;

/**
 * A partition leader's answers to consumers' {@link Fetch}es: whole batches below the high
 * watermark, read straight from the segment files on the fetch dispatcher ({@code
 * sluice.partition.fetch-dispatcher}) so that reads never hold up appends. A fetch at the high
 * watermark with a {@code maxWaitMs} parks in the partition's {@link FetchPurgatory} until the high
 * watermark passes its offset or the wait is over.
 *
 * <p>Not thread-safe: the leader calls it from its command handlers; the reads on the fetch
 * dispatcher touch only the log (safe from any thread) and values captured before. The high
 * watermark only grows, so the one captured stays valid.
 */
final class ConsumerFetches {

  private final PartitionContext partition;
  private final FetchPurgatory purgatory;

  ConsumerFetches(PartitionContext partition, FetchPurgatory purgatory) {
    this.partition = partition;
    this.purgatory = purgatory;
  }

  /**
   * Answers {@code fetch} now, or parks it while there is nothing to read below the high watermark;
   * a fetch in another leader epoch than {@code leaderEpoch} is refused.
   */
  void onFetch(Fetch fetch, long logEndOffset, int leaderEpoch) {
    var log = partition.log();
    ApiError error = FetchValidation.limits("A fetch", fetch.maxBytes(), fetch.maxWaitMs());
    if (error == null) {
      error =
          EpochEnds.epochError(partition.topicPartition(), fetch.currentLeaderEpoch(), leaderEpoch);
    }
    if (error == null) {
      error =
          FetchValidation.range(
              partition.topicPartition(), fetch.offset(), log.logStartOffset(), logEndOffset);
    }
    if (error != null) {
      fetch.replyTo().tell(FetchReply.failed(error));
      return;
    }
    long highWatermark = log.highWatermark();
    if (fetch.offset() >= highWatermark && fetch.maxWaitMs() > 0) {
      purgatory.park(new Parked(fetch), fetch.maxWaitMs());
      return;
    }
    serve(fetch, highWatermark, logEndOffset);
  }

  /** A consumer fetch waiting for the high watermark to pass its offset. */
  private final class Parked implements FetchPurgatory.DelayedFetch {
    private final Fetch fetch;

    Parked(Fetch fetch) {
      this.fetch = fetch;
    }

    @Override
    public boolean canComplete(long highWatermark, long logEndOffset) {
      return fetch.offset() < highWatermark;
    }

    @Override
    public void complete(long highWatermark, long logEndOffset) {
      serve(fetch, highWatermark, logEndOffset);
    }

    @Override
    public void abort(ApiError error) {
      fetch.replyTo().tell(FetchReply.failed(error));
    }
  }

  /** Answers a fetch: empty at the high watermark, else whole batches below it. */
  private void serve(Fetch fetch, long highWatermark, long logEnd) {
    if (fetch.offset() >= highWatermark) {
      fetch.replyTo().tell(new FetchReply(new byte[0], offsets(highWatermark, logEnd), null));
      return;
    }
    partition
        .fetchExecutor()
        .execute(() -> fetch.replyTo().tell(read(fetch, highWatermark, logEnd)));
  }

  /** Reads for {@link #serve}; runs on the fetch dispatcher, so it touches no actor state. */
  private FetchReply read(Fetch fetch, long highWatermark, long logEnd) {
    LogRead read =
        LogRead.of(
            partition.log(),
            partition.topicPartition(),
            fetch.offset(),
            Math.min(fetch.maxBytes(), partition.settings().fetchMaxBytes()),
            highWatermark,
            logEnd);
    return read.error() != null
        ? FetchReply.failed(read.error())
        : new FetchReply(read.batches(), offsets(highWatermark, logEnd), null);
  }

  private PartitionOffsets offsets(long highWatermark, long logEnd) {
    return new PartitionOffsets(partition.log().logStartOffset(), highWatermark, logEnd);
  }
}
