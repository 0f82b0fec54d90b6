package sluice.actors.producer;

import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;
import sluice.actors.api.ProducerIdAndEpoch;

/**
 * What an {@code InitProducerId} without a transactional id gets (Kafka's {@code
 * TransactionCoordinator.handleInitProducerId} and KIP-360), decided from the request alone and the
 * producer id mark the broker knows:
 *
 * <ul>
 *   <li>no current producer (both absent, or both -1 as on Kafka's wire): a new id, epoch 0; a new
 *       id every time;
 *   <li>a current producer id and epoch: the same id with epoch + 1 (the producer recovers from an
 *       unknown-producer or out-of-order error and fences its older self), or a new id with epoch 0
 *       once the epoch is exhausted ({@code epoch >= Short.MAX_VALUE - 1}, Kafka's {@code
 *       isEpochExhausted});
 *   <li>a producer id at or above the mark: never allocated as far as this broker knows; the mark
 *       is read from a quorum first ({@link Check}), then such an id is refused;
 *   <li>anything else (one of the two only, a negative value) is refused {@code INVALID_REQUEST}.
 * </ul>
 *
 * Stateless; safe from any thread.
 */
final class InitProducerIds {
  private InitProducerIds() {}

  /** What to do with a request. */
  sealed interface Decision {}

  /** Hand out a new id with epoch 0. */
  record NewId() implements Decision {}

  /** Answer {@code producer}: the same id, the next epoch. */
  record Bump(ProducerIdAndEpoch producer) implements Decision {}

  /** The id is not below the known mark: read the mark from a quorum, then decide finally. */
  record Check() implements Decision {}

  record Refuse(ApiError error) implements Decision {}

  /**
   * @param producerId the producer's current id; null or -1 if it has none
   * @param epoch its current epoch; null or -1 if it has none
   * @param knownMark every id below it has been allocated
   * @param markRead whether {@code knownMark} was just read from a quorum (then an id above it is
   *     refused rather than checked)
   */
  static Decision decide(Long producerId, Short epoch, long knownMark, boolean markRead) {
    boolean noId = producerId == null || producerId == -1;
    boolean noEpoch = epoch == null || epoch == -1;
    if (noId && noEpoch) {
      return new NewId();
    }
    if (noId || noEpoch) {
      return refuse(
          "A producer id and a producer epoch go together (a current producer bumps its epoch);"
              + " got producer id %s and epoch %s",
          producerId, epoch);
    }
    if (producerId < 0 || epoch < 0) {
      return refuse(
          "A producer id and epoch are not negative (or both -1 for none); got %d and %d",
          producerId, epoch);
    }
    if (producerId >= knownMark) {
      return markRead
          ? refuse(
              "Producer id %d was never allocated: ids below %d have been; ask for a new one"
                  + " without a producer id",
              producerId, knownMark)
          : new Check();
    }
    var current = new ProducerIdAndEpoch(producerId, epoch);
    return current.epochExhausted() ? new NewId() : new Bump(current.bumped());
  }

  private static Refuse refuse(String format, Object... args) {
    return new Refuse(ApiError.of(ErrorCode.INVALID_REQUEST, format, args));
  }
}
