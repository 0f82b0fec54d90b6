/**
 * The vocabulary shared by the broker's front doors (HTTP, the Java client), the gateway and the
 * controller: records, errors and descriptions that cross the network in gateway replies, and the
 * one administration protocol ({@link sluice.actors.api.AdminRequest}) both the gateway and the
 * controller accept. No actor lives here.
 */
package sluice.actors.api;
