package sluice.actors.broker;

import sluice.actors.controller.PartitionEntities;
import sluice.actors.gateway.PartitionLeaders;
import sluice.actors.journal.DataDirHealth;

/**
 * The partition machinery a broker runs: in production the partition logs and the sharded partition
 * leader entities; in tests, stand-ins. The broker asks for {@link #entities()} when it starts the
 * controller, and calls {@link #start()} once, after its data directory is verified.
 */
public interface PartitionRuntime {

  /** What the controller uses to place and delete partition entities; usable at once. */
  PartitionEntities entities();

  /** Starts the partition logs and leaders on this broker; returns how the gateway reaches them. */
  PartitionLeaders start();

  /**
   * Whether the data directory takes writes; after {@link #start()}. The broker's registration
   * follows it, so the controller moves leadership off a directory that went offline.
   */
  DataDirHealth dataDirHealth();
}
