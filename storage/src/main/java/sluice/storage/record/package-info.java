/**
 * The Kafka v2 record batch format (magic 2): {@link sluice.storage.record.RecordBatch} reads and
 * validates one batch, {@link sluice.storage.record.RecordBatchBuilder} writes one, {@link
 * sluice.storage.record.Batches} walks concatenated batches. Byte-compatible with Apache Kafka, so
 * segment files and fetch responses carry batches unchanged.
 */
package sluice.storage.record;
