package sluice.kafka;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Scheduler;
import akka.actor.typed.javadsl.AskPattern;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import sluice.actors.gateway.Gateway;

/**
 * The listener's one way into the broker: asks of the broker's {@link Gateway}, the same front door
 * the HTTP API uses, so partition routing, leader retries and metadata checks live in one place.
 * Safe from any thread.
 */
record GatewayCalls(ActorRef<Gateway.Command> gateway, Scheduler scheduler) {

  /** Asks the gateway; the stage fails with a {@code TimeoutException} after {@code timeout}. */
  <R> CompletionStage<R> ask(Function<ActorRef<R>, Gateway.Command> request, Duration timeout) {
    return AskPattern.ask(gateway, request::apply, timeout, scheduler);
  }
}
