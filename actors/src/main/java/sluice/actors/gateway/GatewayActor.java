package sluice.actors.gateway;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.receptionist.Receptionist;
import akka.cluster.typed.Cluster;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import sluice.actors.api.AdminRequest;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;
import sluice.actors.controller.Controller;
import sluice.actors.gateway.Gateway.Admin;
import sluice.actors.gateway.Gateway.AppendBatch;
import sluice.actors.gateway.Gateway.Command;
import sluice.actors.gateway.Gateway.EpochEnd;
import sluice.actors.gateway.Gateway.Fetch;
import sluice.actors.gateway.Gateway.FetchBatches;
import sluice.actors.gateway.Gateway.GetOffsets;
import sluice.actors.gateway.Gateway.InitProducerId;
import sluice.actors.gateway.Gateway.OffsetForTime;
import sluice.actors.gateway.Gateway.PartitionRequest;
import sluice.actors.gateway.Gateway.Produce;
import sluice.actors.gateway.Gateway.ProduceReply;
import sluice.actors.gateway.Gateway.Refreshed;
import sluice.actors.gateway.Gateway.Settings;
import sluice.actors.gateway.Gateway.TopicInView;
import sluice.actors.gateway.Gateway.Wiring;
import sluice.actors.metadata.MetadataSnapshot;
import sluice.actors.metadata.MetadataView;
import sluice.actors.metadata.TopicMetadata;
import sluice.actors.producer.ProducerIdManager;
import sluice.actors.quorum.BrokerQuorum;

/**
 * The behaviour behind {@link Gateway}'s protocol: the message table and the metadata check, with
 * each request's work delegated as the protocol's description says. One per broker.
 */
final class GatewayActor {
  private final ActorContext<Command> context;
  private final Settings settings;
  private final String clusterId;
  private final MetadataView view;
  private final TopicAdmin admin;
  private final PartitionRouting routing;
  private final ActorRef<ProducerIdManager.Command> producerIds;

  GatewayActor(ActorContext<Command> context, Wiring wiring) {
    this.context = context;
    this.settings = wiring.settings();
    this.clusterId = wiring.clusterId();
    this.view = MetadataView.get(context.getSystem());
    this.producerIds = wiring.producerIds();
    this.admin =
        new TopicAdmin(
            wiring.controller(),
            settings,
            view,
            context.getSystem().scheduler(),
            BrokerQuorum.get(context.getSystem())::current);
    Pauses pauses =
        wiring.pauses() != null ? wiring.pauses() : Pauses.on(context.getExecutionContext());
    var calls =
        new PartitionCalls(
            wiring.leaders(),
            settings,
            new LeaderRetry(
                settings.retryBackoff(), settings.retryMaxBackoff(), wiring.clock(), pauses),
            wiring.clock(),
            context.getExecutionContext(),
            new GatewayProducer(
                wiring.leaders(),
                () ->
                    GatewayProducer.askProducerId(
                        wiring.producerIds(), settings, context.getSystem().scheduler()),
                settings,
                wiring.clock(),
                pauses));
    this.routing = new PartitionRouting(new Partitioner(wiring.random()), calls, wiring.clock());
  }

  Behavior<Command> start() {
    context
        .getSystem()
        .receptionist()
        .tell(Receptionist.register(Gateway.SERVICE_KEY, context.getSelf()));
    return Behaviors.receive(Command.class)
        .onMessage(Admin.class, this::onAdmin)
        .onMessage(Produce.class, this::onProduce)
        .onMessage(Fetch.class, this::onFetch)
        .onMessage(FetchBatches.class, this::onFetchBatches)
        .onMessage(AppendBatch.class, this::onAppendBatch)
        .onMessage(GetOffsets.class, r -> route(r, topic -> routing.offsets(r, topic)))
        .onMessage(OffsetForTime.class, r -> route(r, topic -> routing.offsetForTime(r, topic)))
        .onMessage(EpochEnd.class, r -> route(r, topic -> routing.epochEnd(r, topic)))
        .onMessage(
            TopicInView.class,
            r ->
                route(
                    r,
                    topic ->
                        r.replyTo()
                            .tell(new AdminRequest.TopicReply(Controller.describe(topic), null))))
        .onMessage(Refreshed.class, this::onRefreshed)
        .onMessage(InitProducerId.class, this::onInitProducerId)
        .build();
  }

  /** The one dispatcher over the administration requests ({@link TopicAdmin#serve}). */
  private Behavior<Command> onAdmin(Admin admin) {
    this.admin.serve(
        admin.request(),
        () ->
            ClusterDescriptions.describe(
                clusterId, Cluster.get(context.getSystem()).state().getMembers(), view.brokers()));
    return Behaviors.same();
  }

  private Behavior<Command> onProduce(Produce request) {
    if (request.records() == null || request.records().isEmpty()) {
      request.replyTo().tell(new ProduceReply(List.of()));
      return Behaviors.same();
    }
    ApiError invalid = PartitionRouting.invalid(request);
    if (invalid != null) {
      request.refuse(invalid);
      return Behaviors.same();
    }
    return route(request, topic -> routing.produce(request, topic));
  }

  private Behavior<Command> onAppendBatch(AppendBatch request) {
    ApiError invalid = PartitionRouting.invalid(request);
    if (invalid != null) {
      request.refuse(invalid);
      return Behaviors.same();
    }
    return route(request, topic -> routing.appendBatch(request, topic));
  }

  private Behavior<Command> onFetch(Fetch request) {
    ApiError invalid = PartitionRouting.invalid(request);
    if (invalid != null) {
      request.refuse(invalid);
      return Behaviors.same();
    }
    return route(request, topic -> routing.fetch(request, topic));
  }

  private Behavior<Command> onFetchBatches(FetchBatches request) {
    ApiError invalid = PartitionRouting.invalid(request);
    if (invalid != null) {
      request.refuse(invalid);
      return Behaviors.same();
    }
    return route(request, topic -> routing.fetchBatches(request, topic));
  }

  private Behavior<Command> onInitProducerId(InitProducerId request) {
    producerIds.tell(
        new ProducerIdManager.InitProducerId(
            request.producerId(), request.producerEpoch(), request.timeoutMs(), request.replyTo()));
    return Behaviors.same();
  }

  // ---------------------------------------------------------------------------------------------
  // The metadata check: the view, read again locally, then from a majority (MetadataRefresh).

  private Behavior<Command> route(PartitionRequest request, Consumer<TopicMetadata> serve) {
    return check(request, serve, false, false);
  }

  private Behavior<Command> onRefreshed(Refreshed refreshed) {
    return check(refreshed.request(), refreshed.serve(), true, refreshed.majority());
  }

  /**
   * @param read whether the view was read again for this request
   * @param majority whether that read was from a majority (the last one)
   */
  private Behavior<Command> check(
      PartitionRequest request, Consumer<TopicMetadata> serve, boolean read, boolean majority) {
    TopicMetadata topic = view.topic(request.topic()).orElse(null);
    int held = topic == null ? MetadataRefresh.NOT_HELD : topic.partitions().size();
    switch (MetadataRefresh.decide(held, request.highestPartition(), majority)) {
      case USE -> serve.accept(topic);
      case REFRESH -> {
        CompletionStage<MetadataSnapshot> reading =
            read ? view.refreshMajority(settings.metadataReadTimeout()) : view.refreshLocal();
        context.pipeToSelf(reading, (snapshot, failure) -> new Refreshed(request, serve, read));
      }
      case UNKNOWN_TOPIC ->
          request.refuse(
              ApiError.of(
                  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                  "Topic '%s' does not exist",
                  request.topic()));
    }
    return Behaviors.same();
  }
}
