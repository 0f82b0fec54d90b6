package sluice.actors.controller;

import akka.Done;
import akka.actor.Address;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * What the controller does to partition leader entities: place them on their leader's broker and
 * delete them with their topic. The broker wires the sharded implementation; tests record calls.
 * Implementations are safe from any thread.
 */
public interface PartitionEntities {

  /** Where one partition's leader entity must run. */
  record Placement(String topic, int partition, Address leader) {}

  /** Sets the location of every placement's entity; completes once stored locally. */
  CompletionStage<Done> place(List<Placement> placements);

  /** Tells the partition's leader entity to stop and delete its log; completes when done. */
  CompletionStage<Done> delete(String topic, int partition);
}
