package sluice.actors.controller;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;

/**
 * The controller's fencing by controller epoch: the epoch this controller claimed and the highest
 * it has seen since. Once a higher one is seen, this controller writes nothing more: it answers
 * {@code STALE_CONTROLLER_EPOCH} and fails ({@link ControllerSuperseded}), so that its supervisor
 * restarts it and it claims a newer epoch. Not thread-safe: only the controller actor uses it.
 */
final class EpochFence {
  private static final Logger LOG = LoggerFactory.getLogger(EpochFence.class);

  /** A higher controller epoch exists: this controller fails so its supervisor restarts it. */
  static final class ControllerSuperseded extends IllegalStateException {
    ControllerSuperseded(int epoch, int seen) {
      super(
          "Controller epoch "
              + epoch
              + " was superseded by epoch "
              + seen
              + "; this controller stops writing and restarts");
    }
  }

  private final int epoch;
  private int seen;

  EpochFence(int epoch) {
    this.epoch = epoch;
    this.seen = epoch;
  }

  int epoch() {
    return epoch;
  }

  /** Takes the stored controller epoch, from the subscription to its key. */
  void seen(int stored) {
    if (stored > seen) {
      seen = stored;
      LOG.warn(
          "Controller epoch {} exists; this controller (epoch {}) writes no more", stored, epoch);
    }
  }

  /** Whether a controller with a higher epoch exists; this one must not write. */
  boolean superseded() {
    return seen > epoch;
  }

  /** The error a request gets from a superseded controller. */
  ApiError staleError() {
    return ApiError.of(
        ErrorCode.STALE_CONTROLLER_EPOCH,
        "Controller epoch %d was superseded by epoch %d; retry, the new controller answers",
        epoch,
        seen);
  }

  /** The failure that restarts a superseded controller. */
  ControllerSuperseded failure() {
    return new ControllerSuperseded(epoch, seen);
  }
}
