package sluice.actors.api;

import java.util.List;

/** Where a partition lives: its leader, replicas and in-sync replicas, by broker id. */
public record PartitionInfo(
    int partition, int leader, int leaderEpoch, List<Integer> replicas, List<Integer> isr)
    implements CborSerializable {}
