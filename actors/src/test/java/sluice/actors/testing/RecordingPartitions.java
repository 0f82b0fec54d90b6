package sluice.actors.testing;

import akka.Done;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import sluice.actors.controller.PartitionEntities;

/** Records what the controller asks of partition entities, and succeeds. */
public final class RecordingPartitions implements PartitionEntities {
  public final List<Placement> placed = new CopyOnWriteArrayList<>();
  public final List<String> deleted = new CopyOnWriteArrayList<>();

  @Override
  public CompletionStage<Done> place(List<Placement> placements) {
    placed.addAll(placements);
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  @Override
  public CompletionStage<Done> delete(String topic, int partition) {
    deleted.add(topic + "-" + partition);
    return CompletableFuture.completedFuture(Done.getInstance());
  }
}
