package sluice.actors.group.coordinator;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;
import java.time.Clock;
import sluice.actors.api.ApiError;
import sluice.actors.api.CborSerializable;
import sluice.actors.api.ErrorCode;
import sluice.actors.controller.Controller;
import sluice.actors.gateway.Gateway;
import sluice.actors.gateway.LeaderRetry;
import sluice.actors.gateway.Pauses;

/**
 * The consumer groups' front door on each broker, registered with the Receptionist under {@link
 * #SERVICE_KEY}: a front door sends it a {@link GroupRequest} and gets the coordinator's answer,
 * wherever the coordinator runs. The actor checks the request and hands it to {@link
 * CoordinatorCalls} (find the coordinator, create {@code __consumer_offsets} if missing, retry
 * across coordinator moves, loads and coordinators that stop answering within {@code timeoutMs}),
 * whose stages reply to the request's {@code replyTo} from the dispatcher.
 */
public final class GroupGateway {
  public static final ServiceKey<Command> SERVICE_KEY =
      ServiceKey.create(Command.class, "sluice-group-gateway");

  public sealed interface Command extends CborSerializable {}

  /** {@code request}, answered within {@code timeoutMs}. */
  public record Call(GroupRequest<?> request, long timeoutMs) implements Command {}

  /**
   * What a group gateway is built from.
   *
   * @param gateway the broker gateway's settings: admin and metadata read timeouts
   * @param pauses how retries wait (null: on the actor's dispatcher)
   */
  public record Wiring(
      GroupSettings settings,
      Gateway.Settings gateway,
      ActorRef<Controller.Command> controller,
      Clock clock,
      Pauses pauses) {}

  public static Behavior<Command> create(Wiring wiring) {
    return Behaviors.setup(context -> new GroupGateway(context, wiring).start());
  }

  private final ActorContext<Command> context;
  private final Clock clock;
  private final CoordinatorCalls calls;

  private GroupGateway(ActorContext<Command> context, Wiring wiring) {
    this.context = context;
    this.clock = wiring.clock();
    Pauses pauses =
        wiring.pauses() != null ? wiring.pauses() : Pauses.on(context.getExecutionContext());
    this.calls =
        new CoordinatorCalls(
            context.getSystem(),
            new OffsetsTopicCreation(
                context.getSystem(),
                wiring.controller(),
                wiring.settings(),
                wiring.gateway().adminTimeout(),
                wiring.gateway().metadataReadTimeout()),
            new LeaderRetry(
                wiring.settings().retryBackoff(),
                wiring.settings().retryMaxBackoff(),
                wiring.clock(),
                pauses),
            wiring.settings().coordinatorAttemptTimeout(),
            wiring.clock());
  }

  private Behavior<Command> start() {
    context.getSystem().receptionist().tell(Receptionist.register(SERVICE_KEY, context.getSelf()));
    return Behaviors.receive(Command.class).onMessage(Call.class, this::onCall).build();
  }

  private Behavior<Command> onCall(Call call) {
    GroupRequest<?> request = call.request();
    long deadline = clock.millis() + call.timeoutMs();
    if (call.timeoutMs() <= 0) {
      GroupDecisions.refuse(
          request,
          ApiError.of(
              ErrorCode.INVALID_REQUEST,
              "A group request needs a positive timeout, not %d ms",
              call.timeoutMs()));
    } else if (request instanceof GroupRequest.ListGroups list) {
      calls.list(list, deadline).thenAccept(list.replyTo()::tell);
    } else if (request.groupId() == null) {
      GroupDecisions.refuse(
          request,
          ApiError.of(
              ErrorCode.INVALID_REQUEST,
              "%s needs a group id",
              request.getClass().getSimpleName()));
    } else {
      serve(request, deadline);
    }
    return Behaviors.same();
  }

  private <R extends GroupRequest.Reply> void serve(GroupRequest<R> request, long deadline) {
    calls.call(request, deadline).thenAccept(request.replyTo()::tell);
  }
}
