/**
 * The partition log: segments of Kafka v2 batches with their indexes, crash recovery, batch
 * sequences, retention and compaction. Plain Java, no Akka.
 *
 * <p>A partition directory {@code <dataDir>/<topic>-<partition>/} holds, per segment, {@code
 * <base>.log} (batches exactly as appended), {@code <base>.index} ({@link
 * sluice.storage.log.OffsetIndex}) and {@code <base>.timeindex} ({@link
 * sluice.storage.log.TimeIndex}), where {@code <base>} is the segment's base offset in 20 digits,
 * plus three small text files, each a {@link sluice.storage.log.CheckpointFile} (version, count,
 * lines; replaced atomically): {@code partition.checkpoint} ({@link
 * sluice.storage.log.PartitionCheckpoint}: recovery point and each segment's first batch sequence),
 * {@code leader-epoch-checkpoint} ({@link sluice.storage.log.LeaderEpochCache}: the first offset of
 * each leader epoch, in Kafka's text format; rebuilt from batch headers if missing or corrupt) and
 * {@code high-watermark.checkpoint} ({@link sluice.storage.log.HighWatermarkCheckpoint}). Transient
 * names: {@code .deleted} (removed segments waiting out {@code file.delete.delay.ms}), {@code
 * .cleaned} (compaction output being written), {@code .tmp} (a checkpoint being replaced); recovery
 * deletes them.
 *
 * <p>Durability: appends go to the page cache and, by default, the OS decides when they reach the
 * disk, as in Kafka: replication, not fsync, makes acknowledged data durable. {@code
 * flush.messages} and {@code flush.ms} opt into fsyncs; a segment is always fsynced when it rolls
 * (on a background flusher thread, as Kafka's {@code UnifiedLog.roll} does; the recovery point
 * moves only once that fsync has finished) and the whole log on a clean close. After a crash,
 * {@link sluice.storage.log.PartitionLog#open} checks every batch after the recovery point and
 * truncates a torn or corrupt tail.
 *
 * <p>Replication support: {@link sluice.storage.log.PartitionLog#endOffsetForEpoch} answers a
 * follower's OffsetsForLeaderEpoch question and {@link sluice.storage.log.FollowerTruncation} turns
 * the answer into the follower's truncation offset (KIP-101, KIP-279).
 *
 * <p>Entry point: {@link sluice.storage.log.PartitionLog}, configured by {@link
 * sluice.storage.log.LogConfig}.
 */
package sluice.storage.log;
