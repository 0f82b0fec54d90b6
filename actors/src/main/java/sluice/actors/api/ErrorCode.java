package sluice.actors.api;

/**
 * Errors a broker answers with. Names and numeric codes are Kafka's, so Kafka users recognise them;
 * {@link #retriable()} tells a client whether the same request may succeed later (after a leader
 * change, say) or will fail again as it is.
 */
public enum ErrorCode {
  NONE(0, false),
  UNKNOWN_SERVER_ERROR(-1, false),
  OFFSET_OUT_OF_RANGE(1, false),
  CORRUPT_MESSAGE(2, true),
  UNKNOWN_TOPIC_OR_PARTITION(3, true),
  LEADER_NOT_AVAILABLE(5, true),
  NOT_LEADER_OR_FOLLOWER(6, true),
  REQUEST_TIMED_OUT(7, true),
  MESSAGE_TOO_LARGE(10, false),
  STALE_CONTROLLER_EPOCH(11, false),
  NETWORK_EXCEPTION(13, true),
  /** The group's coordinator is still reading its partition of {@code __consumer_offsets}. */
  COORDINATOR_LOAD_IN_PROGRESS(14, true),
  /**
   * The group's coordinator cannot serve now: its partition has no leader, the offsets topic is
   * being created, or its write was not acknowledged (it reloads); ask again.
   */
  COORDINATOR_NOT_AVAILABLE(15, true),
  /** This broker does not coordinate the group (it does not lead the group's partition). */
  NOT_COORDINATOR(16, true),
  INVALID_TOPIC_EXCEPTION(17, false),
  RECORD_LIST_TOO_LARGE(18, false),
  NOT_ENOUGH_REPLICAS(19, true),
  NOT_ENOUGH_REPLICAS_AFTER_APPEND(20, true),
  INVALID_REQUIRED_ACKS(21, false),
  INVALID_TIMESTAMP(32, false),
  TOPIC_ALREADY_EXISTS(36, false),
  INVALID_PARTITIONS(37, false),
  INVALID_REPLICATION_FACTOR(38, false),
  INVALID_CONFIG(40, false),
  INVALID_REQUEST(42, false),
  /** A produce's sequence number is not the next one the partition expects of its producer. */
  OUT_OF_ORDER_SEQUENCE_NUMBER(45, false),
  /** A produce's sequence number was already written (the batch is not written again). */
  DUPLICATE_SEQUENCE_NUMBER(46, false),
  /** A producer wrote with an epoch older than the one the partition has seen: it is fenced. */
  INVALID_PRODUCER_EPOCH(47, false),
  KAFKA_STORAGE_ERROR(56, true),
  /**
   * The partition holds no state of the producer (expired, or removed with the log); the producer
   * recovers by asking for an epoch bump ({@code InitProducerId} with its current id and epoch).
   */
  UNKNOWN_PRODUCER_ID(59, false),
  FENCED_LEADER_EPOCH(74, true),
  UNKNOWN_LEADER_EPOCH(75, true),
  INVALID_RECORD(87, false),
  /** A request names a topic by an id no topic has (it was deleted, or created again). */
  UNKNOWN_TOPIC_ID(100, true),
  INVALID_UPDATE_VERSION(108, false),
  /**
   * Sluice's own, not Kafka's: this broker does not see a quorum of the configured brokers ({@code
   * sluice.cluster.contact-points}), so it changes no metadata and acknowledges no write; nothing
   * was done. Retriable: the request succeeds once the broker is with a majority again (or at
   * another broker that is). Kafka has no such code; a Kafka-protocol front door answers it as
   * {@code NOT_ENOUGH_REPLICAS} to a produce and {@code REQUEST_TIMED_OUT} to an admin request,
   * both retriable there too.
   */
  NO_QUORUM(-1001, true);

  private final int code;
  private final boolean retriable;

  ErrorCode(int code, boolean retriable) {
    this.code = code;
    this.retriable = retriable;
  }

  /** Kafka's numeric error code. */
  public int code() {
    return code;
  }

  public boolean retriable() {
    return retriable;
  }
}
