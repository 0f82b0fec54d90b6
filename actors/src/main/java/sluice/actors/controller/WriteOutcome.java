package sluice.actors.controller;

import akka.cluster.ddata.typed.javadsl.Replicator;
import java.time.Duration;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;

/**
 * How one majority write of topic metadata ended, and the one mapping of that end to the error a
 * requester gets. Every controller write (creation, partition addition, deletion, ISR change,
 * election, migration) goes through {@link #of} or {@link #ofDelete} for each key it writes, {@link
 * #worst} to combine them ({@link StoreWrite}) and {@link #error}, so a new outcome of the
 * replicator is mapped in one place.
 *
 * <p>Invariant: in every outcome but {@link Refused} the local replica holds the written value
 * (Distributed Data applies an update locally before it asks the others), so the controller's
 * in-memory copy takes it too ({@link #stored}). Immutable.
 */
sealed interface WriteOutcome {

  /** A majority confirmed the write. */
  record Written() implements WriteOutcome {}

  /** Stored locally, but no majority confirmed it within {@code write-timeout}; it spreads. */
  record Unconfirmed(String detail) implements WriteOutcome {}

  /** Held in memory by the local replica, but the durable store (LMDB) failed. */
  record NotDurable(String detail) implements WriteOutcome {}

  /** The compare-and-set refused: the stored topic was not the validated one. Nothing written. */
  record Refused(String reason) implements WriteOutcome {}

  /** Whether the local replica, and so the controller's copy, now holds the written value. */
  default boolean stored() {
    return !(this instanceof Refused);
  }

  /** How bad an outcome is: {@link #worst} keeps the higher. */
  private int severity() {
    if (this instanceof Written) {
      return 0;
    }
    if (this instanceof Unconfirmed) {
      return 1;
    }
    return this instanceof NotDurable ? 2 : 3;
  }

  /** The worse of two outcomes: refused over not durable over unconfirmed over written. */
  static WriteOutcome worst(WriteOutcome a, WriteOutcome b) {
    return b.severity() > a.severity() ? b : a;
  }

  /** The outcome of an ask to the replicator that got no answer at all. */
  static WriteOutcome noAnswer(Throwable failure) {
    return new Unconfirmed("no answer from the replicator: " + failure);
  }

  /**
   * The outcome of a replicator's answer to an update. An update of a deleted key (a partition
   * register of a removed topic) is refused: nothing was written.
   */
  static WriteOutcome of(Replicator.UpdateResponse<?> response) {
    if (response instanceof Replicator.UpdateSuccess) {
      return new Written();
    }
    if (response instanceof Replicator.UpdateTimeout) {
      return new Unconfirmed(response.toString());
    }
    if (response instanceof Replicator.ModifyFailure<?> failure) {
      return new Refused(failure.errorMessage());
    }
    if (response instanceof Replicator.StoreFailure) {
      return new NotDurable(response.toString());
    }
    if (response instanceof Replicator.UpdateDataDeleted<?>) {
      return new Refused("the key " + response.key().id() + " was deleted: its topic is gone");
    }
    throw new IllegalStateException("Unknown answer to an update: " + response);
  }

  /**
   * The outcome of a replicator's answer to a deletion. A key deleted before counts as written: the
   * deletion is what was wanted.
   */
  static WriteOutcome ofDelete(Replicator.DeleteResponse<?> response) {
    if (response instanceof Replicator.DeleteSuccess<?>
        || response instanceof Replicator.DataDeleted<?>) {
      return new Written();
    }
    if (response instanceof Replicator.DeleteFailure<?>) {
      return new Unconfirmed(response.toString());
    }
    if (response instanceof Replicator.StoreFailure<?>) {
      return new NotDurable(response.toString());
    }
    throw new IllegalStateException("Unknown answer to a deletion: " + response);
  }

  /**
   * The error a requester gets for this outcome; null if {@link Written}. Both failures are
   * retriable: {@code REQUEST_TIMED_OUT} when no majority confirmed in time, {@code
   * KAFKA_STORAGE_ERROR} when the durable store failed.
   *
   * @param what what the controller now holds, as a sentence start, e.g. "Topic 'x' is stored"
   * @param next what the requester should do to learn whether it took effect
   * @param refused the requester's error if the compare-and-set refused
   */
  default ApiError error(String what, String next, Duration writeTimeout, ApiError refused) {
    if (this instanceof Unconfirmed unconfirmed) {
      return ApiError.of(
          ErrorCode.REQUEST_TIMED_OUT,
          "%s on the controller but no majority of brokers confirmed it within %s (%s); %s",
          what,
          writeTimeout,
          unconfirmed.detail(),
          next);
    }
    if (this instanceof NotDurable notDurable) {
      return ApiError.of(
          ErrorCode.KAFKA_STORAGE_ERROR,
          "%s on the controller but could not be stored durably (%s); %s",
          what,
          notDurable.detail(),
          next);
    }
    return this instanceof Refused ? refused : null;
  }
}
