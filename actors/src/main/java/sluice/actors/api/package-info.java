/**
 * The vocabulary shared by the broker's front doors (HTTP, the Java client): records, errors and
 * descriptions that cross the network in gateway replies. No behavior lives here.
 */
package sluice.actors.api;
